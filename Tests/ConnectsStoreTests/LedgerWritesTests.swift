import ConnectsCore
import ConnectsTestSupport
import Testing

@testable import ConnectsStore

/// ``LedgerWrites`` collects what several commands change before writing it once: a batch (a job's
/// decision, a scheduler pass) runs many commands, some on the same account.
@Suite("Writes collected over a batch")
struct LedgerWritesTests {
    /// The second command finds the lot the first created in the ledger, not in the database: the lot
    /// must still be inserted, with the counts the second left (taken for a stored lot, it would be
    /// updated, which changes no row, and its connects would be lost).
    @Test(
        "a lot that one command creates and the next spends from is inserted as the batch left it",
        arguments: StoreKind.allCases)
    func lotCreatedThenChanged(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = database.store
            let account = try await store.makeAccount()
            try await store.write { db in
                var ledger = try SQLiteStore.loadLedger(db, accountID: account, now: t0)!
                var writes = LedgerWrites(for: db)
                let credit = LedgerCommand.credit(
                    .init(kind: .reward, source: .reward, amount: 5, cause: Cause(type: "reward", id: "streak")))
                try SQLiteStore.execute(credit, on: &ledger, writes: &writes, now: t0, policy: policy)
                let spend = LedgerCommand.debit(
                    .init(kind: .spend, amount: 2, cause: Cause(type: "proposal", id: "p1")))
                try SQLiteStore.execute(
                    spend, on: &ledger, writes: &writes, now: t0.adding(milliseconds: 1), policy: policy)
                try writes.flush(db)
            }
            let lots = try await store.read { db in
                try db.fetchAll("SELECT remaining, availability FROM lots WHERE account_id = ?", [account]).map {
                    [$0["remaining"] as Int64, $0["availability"] as Int64]
                }
            }
            #expect(lots == [[3, Lot.Availability.free.rawValue]])
            #expect(try await database.verify().isClean)
        }
    }
}
