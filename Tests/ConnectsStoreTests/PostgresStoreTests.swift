import ConnectsCore
import ConnectsTestSupport
import Foundation
import NIOCore
import PostgresNIO
import Testing

@testable import ConnectsStore

/// What only the PostgreSQL store has: durable commits by setting, and migrations shared by nodes.
@Suite("The PostgreSQL store")
struct PostgresStoreTests {
    @Test("every connection commits with synchronous_commit=on, so an answered write is on disk")
    func durableCommits() async throws {
        try await withTestDatabase(.postgres) { database in
            let settings = try await database.store.write { db in
                try db.fetchAll("SHOW synchronous_commit", []).map { $0["synchronous_commit"] as String }
            }
            #expect(settings == ["on"])
        }
    }

    /// A spend changes its lot's counts and its account's balance and chain head, and since migration v15
    /// no index reads any of them: PostgreSQL updates both rows in place (a HOT update) and writes no
    /// index entry, given room on their pages (a new table's; v16 keeps a fifth of every page for it).
    /// An index on the counts, or a lot index's condition on them, would make every spend add an entry
    /// to each of the table's indexes. Counted with the connection's statistics not yet reported (which
    /// may include its earlier transactions': the difference is the spends').
    @Test("a spend updates its lot and its account in place, adding no index entry")
    func spendsUpdateInPlace() async throws {
        try await withTestDatabase(.postgres) { database in
            let store = database.store
            let account = try await store.makeAccount()
            try await store.grant(10, to: account)
            let (before, after) = try await store.write { db in
                func updates() throws -> [String: [Int64]] {
                    let rows = try db.fetchAll(
                        """
                        SELECT relname, n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables
                        WHERE relname IN ('lots', 'accounts')
                        """, [])
                    return Dictionary(
                        uniqueKeysWithValues: rows.map { ($0["relname"], [$0["n_tup_upd"], $0["n_tup_hot_upd"]]) })
                }
                let before = try updates()
                for index in 1...3 {
                    let spend = LedgerCommand.debit(
                        .init(kind: .spend, amount: 1, cause: Cause(type: "proposal", id: "p\(index)")))
                    _ = try PostgresStore.execute(
                        spend, accountID: account, db: db, now: t0.adding(milliseconds: Int64(index)),
                        policy: policy)
                }
                return (before, try updates())
            }
            for table in ["lots", "accounts"] {
                let spends = zip(after[table] ?? [], before[table] ?? [0, 0]).map { $0 - $1 }
                #expect(spends == [3, 3], "\(table): updates, of which in place")
            }
        }
    }

    @Test("six nodes migrating one new database at once apply the schema exactly once")
    func concurrentMigrations() async throws {
        let (name, url) = try await TestDatabase.createPostgresDatabase()
        do {
            let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
                for _ in 0..<6 {
                    group.addTask { try await PostgresStore.connect(url: url, maximumConnections: 2) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let applied = try await stores[0].read { db in
                try db.fetchAll("SELECT name FROM schema_migrations", []).map { $0["name"] as String }
            }
            // Each migration once (the names are the table's primary key; a second run would have failed).
            #expect(
                Set(applied) == [
                    "v1", "v2-event-fan-out", "v3-cycle-due-by-id", "v4-auctions-open", "v5-expiry-noticed",
                    "v6-ledger-rows-unchecked", "v7-web-sessions", "v8-staff", "v9-notifications-read",
                    "v10-key-revocation", "v11-webhook-secret-rotation", "v12-proposals-waiting",
                    "v13-lots-spend-order", "v14-proposals-by-job-dropped", "v15-lots-availability",
                    "v16-room-to-update-in-place",
                ] && applied.count == 16)
            for store in stores {
                #expect(await store.isReady())
                await store.shutdown()
            }
            // A store that must not migrate opens the migrated database, and refuses an empty one.
            let reopened = try await PostgresStore.connect(url: url, migrate: false, maximumConnections: 1)
            await reopened.shutdown()
            let (emptyName, emptyURL) = try await TestDatabase.createPostgresDatabase()
            await #expect(throws: StoreError.self) {
                _ = try await PostgresStore.connect(url: emptyURL, migrate: false, maximumConnections: 1)
            }
            try await TestDatabase.dropPostgresDatabase(emptyName)
        } catch {
            try? await TestDatabase.dropPostgresDatabase(name)
            throw error
        }
        try await TestDatabase.dropPostgresDatabase(name)
    }

    @Test("a closed connection is the database being unreachable (503 with Retry-After), not a bare 500")
    func unreachable() {
        // What a prepared statement reports when its connection closed (seen under the crash campaign's
        // database kills, answered 500 before).
        #expect(PostgresStore.isUnreachable(PostgresError.connectionClosed))
        #expect(PostgresStore.isUnreachable(IOError(errnoCode: ECONNRESET, reason: "read(descriptor:pointer:size:)")))
        #expect(PostgresStore.isUnreachable(ChannelError.ioOnClosedChannel))
        #expect(!PostgresStore.isUnreachable(StoreError.overloaded))
        #expect(!PostgresStore.isUnreachable(PostgresError.protocol("unexpected message")))
    }
}
