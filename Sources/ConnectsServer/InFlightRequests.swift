import Synchronization

/// The idempotency keys whose first request is still running in this process, so that a second one
/// with the same key is answered `request_in_progress` instead of waiting or running twice.
final class InFlightRequests: Sendable {
    /// The most requests tracked at once; past it new idempotent requests are refused as busy.
    static let countMax = 100_000
    private let keys = Mutex(Set<String>())

    /// Marks `key` as running; `false` if it already is (or the table is full).
    func begin(_ key: String) -> Bool {
        keys.withLock { keys in
            guard keys.count < Self.countMax else { return false }
            return keys.insert(key).inserted
        }
    }

    func end(_ key: String) {
        _ = keys.withLock { $0.remove(key) }
    }
}
