import ConnectsCore
import ConnectsStore
import Foundation
import GRDB
import Testing

@Suite("The SQLite store")
struct SQLiteStoreTests {
    @Test("the writer commits with synchronous=FULL, so an acknowledged write survives power loss")
    func durableWriter() throws {
        let database = try TemporaryDatabase()
        let store = try SQLiteStore(path: database.path)
        #expect(try store.writerSynchronousMode() == 2)
    }

    @Test("the database itself refuses to update or delete an entry")
    func appendOnly() async throws {
        let database = try TemporaryDatabase()
        let store = try SQLiteStore(path: database.path)
        let account = try await store.makeAccount()
        try await store.grant(10, to: account)
        let queue = try DatabaseQueue(path: database.path)
        func execute(_ sql: String) throws { try queue.inDatabase { try $0.execute(sql: sql) } }
        #expect(throws: DatabaseError.self) { try execute("UPDATE entries SET amount = 1000") }
        #expect(throws: DatabaseError.self) { try execute("DELETE FROM entries") }
        #expect(try await queue.read { try Int.fetchOne($0, sql: "SELECT SUM(amount) FROM entries") } == 10)
    }

    @Test("a business event moves connects once, however often it is sent")
    func exactlyOnce() async throws {
        let database = try TemporaryDatabase()
        let store = try SQLiteStore(path: database.path)
        let account = try await store.makeAccount()
        let entries = try await withThrowingTaskGroup(of: Entry.self) { group in
            for _ in 0..<20 {
                group.addTask { try await store.grant(10, to: account, key: "grant:\(account):2026-01") }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(entries.map(\.id)).count == 1)
        #expect(try await store.snapshot(accountID: account, now: t0)?.balance.total == 10)
    }

    @Test("a refused command writes nothing; the refusal is kept for its idempotency key")
    func refusalChangesNothing() async throws {
        let database = try TemporaryDatabase()
        let store = try SQLiteStore(path: database.path)
        let account = try await store.makeAccount()
        try await store.grant(5, to: account)
        let claim = IdempotencyClaim(caller: "key_1", key: "k", fingerprint: "f") { result in
            StoredResponse(status: (try? result.get()) == nil ? 409 : 201, contentType: "application/json", body: [])
        }
        let performed = try await store.perform(
            .ledger(accountID: account, command: spend(6)), now: t0, policy: policy, idempotency: claim)
        guard case .done(.failure(let error), let response) = performed else { Issue.record("not refused"); return }
        #expect(error.code == .insufficientConnects)
        #expect(response?.status == 409)
        let page = try await store.entries(accountID: account, query: EntryQuery())
        #expect(page.items.count == 1)
        let replay = try await store.perform(
            .ledger(accountID: account, command: spend(1)), now: t0, policy: policy, idempotency: claim)
        guard case .replayed(let record) = replay else { Issue.record("not replayed"); return }
        #expect(record.response.status == 409)
        #expect(try await store.snapshot(accountID: account, now: t0)?.balance.total == 5)
    }

    @Test("many concurrent writers share transactions and every one gets its own answer")
    func groupCommit() async throws {
        let database = try TemporaryDatabase()
        let store = try SQLiteStore(path: database.path)
        var accounts: [String] = []
        for index in 0..<8 { accounts.append(try await store.makeAccount("a\(index)")) }
        for account in accounts { try await store.grant(50, to: account) }
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<400 {
                let account = accounts[index % accounts.count]
                group.addTask { (try? await store.run(spend(3), on: account).get()) != nil }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        // 50 / 3: sixteen spends per account succeed, the rest are refused.
        #expect(results.filter { $0 }.count == 16 * accounts.count)
        for account in accounts {
            #expect(try await store.snapshot(accountID: account, now: t0)?.balance.total == 2)
        }
        #expect(try store.verify().isClean)
    }

    @Test("the balance at a past time counts what had expired by then, even if written later")
    func balanceAt() async throws {
        let database = try TemporaryDatabase()
        let store = try SQLiteStore(path: database.path)
        let account = try await store.makeAccount()
        try await store.grant(10, to: account, at: t0)
        try await store.grant(7, to: account, at: t0.adding(days: 100))
        let expiry = t0.adding(days: 365)
        #expect(try await store.balance(accountID: account, at: t0.adding(days: -1)) == .zero)
        #expect(try await store.balance(accountID: account, at: t0.adding(days: 50))?.total == 10)
        #expect(try await store.balance(accountID: account, at: expiry)?.total == 7)
        // A write long after the expiry records it; the past balance still reads the same.
        _ = try await store.run(spend(2), on: account, at: t0.adding(days: 400))
        #expect(try await store.balance(accountID: account, at: expiry)?.total == 7)
        #expect(try await store.balance(accountID: account, at: expiry.adding(milliseconds: -1))?.total == 17)
        #expect(try await store.balance(accountID: account, at: t0.adding(days: 401))?.total == 5)
    }

    @Test("the history pages newest first and filters by kind")
    func entryPages() async throws {
        let database = try TemporaryDatabase()
        let store = try SQLiteStore(path: database.path)
        let account = try await store.makeAccount()
        for day in 0..<7 { try await store.grant(1, to: account, at: t0.adding(days: Int64(day))) }
        _ = try await store.run(spend(2), on: account, at: t0.adding(days: 8))
        var seen: [Int64] = []
        var cursor: String?
        repeat {
            let page = try await store.entries(accountID: account, query: EntryQuery(limit: 3, cursor: cursor))
            seen += page.items.map(\.sequence)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen == Array((1...8).reversed()))
        let spends = try await store.entries(accountID: account, query: EntryQuery(kind: .spend))
        #expect(spends.items.map(\.kind) == [.spend])
        let window = try await store.entries(
            accountID: account,
            query: EntryQuery(since: t0.adding(days: 2), until: t0.adding(days: 4))
        )
        #expect(window.items.map(\.sequence) == [4, 3])
    }

    @Test("idempotency records are kept at least 7 days, then pruned")
    func pruning() async throws {
        let database = try TemporaryDatabase()
        let store = try SQLiteStore(path: database.path)
        let account = try await store.makeAccount()
        for (index, day) in [0, 3, 9].enumerated() {
            let claim = IdempotencyClaim(caller: "key", key: "k\(index)", fingerprint: "f") { _ in
                StoredResponse(status: 201, contentType: "application/json", body: [])
            }
            _ = try await store.perform(
                .ledger(
                    accountID: account,
                    command: .credit(
                        .init(kind: .grant, source: .plan, amount: 1, cause: Cause(type: "t", id: "\(index)")))),
                now: t0.adding(days: Int64(day)), policy: policy, idempotency: claim
            )
        }
        let removed = try await store.pruneIdempotencyRecords(olderThan: t0.adding(days: 9 - 7))
        #expect(removed == 1)
        #expect(try await store.idempotencyRecord(caller: "key", key: "k0") == nil)
        #expect(try await store.idempotencyRecord(caller: "key", key: "k1") != nil)
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
        #expect(try store.verify().isClean)
    }
}
