import ConnectsCore
import Testing

@testable import ConnectsStore

/// The hash chain's format is part of every stored database: a change to it would make `connects
/// verify` reject every history written before. These hashes were computed by the first version.
struct EntryHashTests {
    static let full = Entry(
        id: "ent_01", accountID: "acct_01", sequence: 7, kind: .return, amount: 12, held: -3,
        balanceAfter: Balance(total: 40, held: 2), createdAt: Instant(millisecondsSinceEpoch: 1_780_000_000_123),
        cause: Cause(type: "job", id: "job_9"), rule: "returns.jobClosedWithoutHire", policyVersion: 3,
        reason: "naïve: 1;2", actor: "system", reverses: "ent_00",
        allocations: [Allocation(lotID: "lot_a", amount: 9), Allocation(lotID: "lot_b", amount: 3)],
        eventKey: "return:ent_00", holdID: "hold_1", unreversed: 5, ticket: "T-1"
    )

    static let bare = Entry(
        id: "ent_02", accountID: "acct_01", sequence: 1, kind: .grant, amount: 5, held: 0,
        balanceAfter: Balance(total: 5, held: 0), createdAt: Instant(millisecondsSinceEpoch: 0),
        cause: Cause(type: "plan_cycle", id: "c1"), actor: "system", allocations: []
    )

    @Test func stableFormat() {
        #expect(
            EntryHash.hash(of: Self.full, previous: "abc")
                == "d2f9086a93f2c0accb03448699001ebc58cff6a6c4e7bd4c4fcfba0f77eaa8d8")
        #expect(
            EntryHash.hash(of: Self.bare, previous: EntryHash.genesis)
                == "9adab7c2327fad96cce03fcdcfdcad9baa5a60170aff68410fe8fdb45e2bcd1d")
    }
}
