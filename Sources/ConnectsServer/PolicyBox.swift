import ConnectsCore
import ConnectsStore
import Synchronization

/// The policy in force, shared by every request; replaced whole by `PUT /v1/policy`.
final class PolicyBox: Sendable {
    private let current: Mutex<LedgerPolicy>

    init(_ policy: LedgerPolicy) {
        current = Mutex(policy)
    }

    /// The policy for a decision made now.
    var policy: LedgerPolicy { current.withLock { $0 } }

    func replace(with policy: LedgerPolicy) {
        current.withLock { $0 = policy }
    }
}
