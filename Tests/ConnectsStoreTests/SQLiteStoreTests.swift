import ConnectsCore
import ConnectsStore
import Foundation
import Testing

/// What only the embedded store has: a file, and its durability setting.
@Suite("The SQLite store")
struct SQLiteStoreTests {
    @Test("the writer commits with synchronous=NORMAL: the syncer, not the commit, waits for the disk")
    func durableWriter() throws {
        let database = try TemporaryDatabase()
        let store = try SQLiteStore(path: database.path)
        // With FULL, every commit would wait for the disk on the only writer as well; with OFF, SQLite
        // would not sync the log before a checkpoint copies it into the database.
        #expect(try store.writerSynchronousMode() == 1)
    }

    @Test("writes that fail after changing rows are undone alone; the writes around them in the batch stay")
    func failingWritesUndoneAlone() async throws {
        let database = try TemporaryDatabase()
        let store = try SQLiteStore(path: database.path)
        struct Refusal: Error {}
        func insert(_ id: String, then fail: Bool = false) async throws {
            try await store.write { db in
                try db.execute(
                    """
                    INSERT INTO accounts (id, external_id, kind, name, status, created_at)
                    VALUES (?, ?, 'client', '', 'active', 0)
                    """, [id, id])
                if fail { throw Refusal() }
            }
        }
        // While the writer is busy, the next writes queue up, and then share one transaction, in order.
        // The failing ones change a row before they throw, so the batch runs again with each write in a
        // savepoint.
        let outcomes = try await withThrowingTaskGroup(of: (String, Bool).self) { group in
            group.addTask {
                try await store.write { _ in Thread.sleep(forTimeInterval: 0.3) }
                return ("busy", true)
            }
            try await Task.sleep(for: .milliseconds(50))
            for (id, fail) in [("fails", true), ("stays", false), ("fails-too", true), ("stays-too", false)] {
                group.addTask { (id, (try? await insert(id, then: fail)) != nil) }
                try await Task.sleep(for: .milliseconds(20))
            }
            return try await group.reduce(into: [String: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(outcomes == ["busy": true, "fails": false, "stays": true, "fails-too": false, "stays-too": true])
        let stored = try await store.read { db in
            try db.fetchAll("SELECT id FROM accounts ORDER BY id", []).map { $0["id"] as String }
        }
        #expect(stored == ["stays", "stays-too"])
        #expect(try await store.verify().isClean)
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

    @Test("a refused write far larger than SQLite keeps in memory to undo it still rolls back whole")
    func largeRollback() async throws {
        let database = try TemporaryDatabase()
        let store = try SQLiteStore(path: database.path)
        // About 20 MiB of rows, so that undoing the write below needs its rollback journal spilled to disk
        // (SQLite keeps at most 128 KiB of it in memory, as CSQLiteConfiguration sets).
        try await store.write { db in
            try db.execute(
                """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
                INSERT INTO accounts (id, external_id, kind, name, status, created_at)
                SELECT 'acct_' || i, 'x' || i, 'client', printf('%.60c', 'a'), 'active', 0 FROM n
                """, [])
        }
        struct Refusal: Error {}
        await #expect(throws: Refusal.self) {
            try await store.write { db in
                try db.execute("UPDATE accounts SET name = 'changed'", [])
                throw Refusal()
            }
        }
        let changed = try await store.read { db in
            try db.fetchAll("SELECT count(*) AS n FROM accounts WHERE name = 'changed'", [])[0]["n"] as Int64
        }
        #expect(changed == 0)
        _ = try await store.makeAccount()
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
