import ConnectsCore
import ConnectsStore
import Foundation
import Testing

/// What only the embedded store has: a file, and its durability setting.
@Suite("The SQLite store")
struct SQLiteStoreTests {
    @Test("the writer commits with synchronous=FULL, so an acknowledged write survives power loss")
    func durableWriter() throws {
        let database = try TemporaryDatabase()
        let store = try SQLiteStore(path: database.path)
        #expect(try store.writerSynchronousMode() == 2)
    }

    @Test("data survives closing and reopening the file")
    func reopen() async throws {
        let database = try TemporaryDatabase()
        let account: String
        do {
            let store = try SQLiteStore(path: database.path)
            account = try await store.makeAccount()
            try await store.grant(12, to: account)
        }
        let store = try SQLiteStore(path: database.path)
        #expect(try await store.snapshot(accountID: account, now: t0)?.balance.total == 12)
        #expect(try await store.verify().isClean)
    }

    @Test("once SQLite has rolled a transaction back, its later statements are refused, not run one by one")
    func abortedTransaction() async throws {
        let database = try TemporaryDatabase()
        let store = try SQLiteStore(path: database.path)
        let account = try await store.makeAccount()
        await #expect(throws: (any Error).self) {
            try await store.write { db in
                // What SQLite does by itself on a full disk or an I/O error.
                try db.execute("ROLLBACK", [])
                try db.execute("UPDATE accounts SET name = 'changed' WHERE id = ?", [account])
            }
        }
        #expect(try await store.snapshot(accountID: account, now: t0)?.account.name != "changed")
        #expect(try await store.verify().isClean)
    }
}
