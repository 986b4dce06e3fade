import ConnectsCore
import ConnectsStore
import ConnectsTestSupport
import Foundation
import GRDB
import Testing

/// What every store promises, run against SQLite and PostgreSQL alike.
@Suite("The store contract")
struct StoreContractTests {
    @Test(
        "a history page reads at most its window: the matches in it, a cursor below it, every match once over the pages",
        arguments: StoreKind.allCases)
    func historyWindow(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = database.store
            // 40 credits an hour apart: purchases, every tenth an adjustment.
            let account = try await store.makeAccount()
            for index in 1...40 {
                let kind: EntryKind = index % 10 == 0 ? .adjustment : .purchase
                let source: LotSource = kind == .adjustment ? .adjustment : .purchase
                let credit = LedgerCommand.credit(
                    .init(kind: kind, source: source, amount: 1, cause: Cause(type: "test", id: "\(index)")))
                _ = try await store.run(credit, on: account, at: t0.adding(milliseconds: Int64(index) * 3_600_000))
            }
            var query = EntryQuery(kind: .adjustment, limit: 3)
            query.scanWindow = 8
            var found: [Int64] = []
            var pages = 0
            repeat {
                let page = try await store.entries(accountID: account, query: query)
                #expect(page.items.count <= 3)
                found += page.items.map(\.sequence)
                query.cursor = page.nextCursor
                pages += 1
            } while query.cursor != nil && pages < 20
            // Adjustments are entries 10, 20, 30 and 40: each found once, newest first, in 40 / 8 pages.
            #expect(found == [40, 30, 20, 10])
            #expect(pages <= 6)

            // A period with nothing in it ends at once; one further back is reached through the cursor.
            var quiet = EntryQuery(since: t0.adding(days: 30), limit: 5)
            quiet.scanWindow = 8
            let empty = try await store.entries(accountID: account, query: quiet)
            #expect(empty.items.isEmpty && empty.nextCursor == nil)
            var early = EntryQuery(until: t0.adding(milliseconds: 3 * 3_600_000), limit: 5)
            early.scanWindow = 8
            let first = try await store.entries(accountID: account, query: early)
            #expect(first.items.isEmpty && first.nextCursor != nil)
        }
    }

    @Test("the database itself refuses to update or delete an entry", arguments: StoreKind.allCases)
    func appendOnly(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = database.store
            let account = try await store.makeAccount()
            try await store.grant(10, to: account)
            for sql in ["UPDATE entries SET amount = 1000", "DELETE FROM entries"] {
                await #expect(throws: (any Error).self, "\(sql)") {
                    try await store.write { db in try db.execute(sql, []) }
                }
            }
            let total = try await store.read { db in
                try db.fetchAll("SELECT CAST(SUM(amount) AS BIGINT) AS total FROM entries", [])[0]["total"] as Int64
            }
            #expect(total == 10)
        }
    }

    @Test(
        "writes run later are in place for the next read and the commit, keep events in order, and a failed write or savepoint keeps none of its own",
        arguments: StoreKind.allCases)
    func writesRunLater(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = database.store
            let insert = "INSERT INTO settings (key, value) VALUES (?, ?)"
            let select = "SELECT key FROM settings WHERE key LIKE 'later-%' ORDER BY key"
            @Sendable func keys(_ db: any SQLSession) throws -> [String] {
                try db.fetchAll(select, []).map { $0["key"] as String }
            }
            let seen = try await store.write { db in
                try db.executeLater(insert, ["later-a", "1"], isSequenced: false)
                try db.executeLater(insert, ["later-b", "2"], isSequenced: false)
                return try keys(db)
            }
            #expect(seen == ["later-a", "later-b"])
            // A write that fails among them (a NULL value), and a refusal with such a write pending.
            await #expect(throws: (any Error).self) {
                try await store.write { db in
                    try db.executeLater(insert, ["later-c", "3"], isSequenced: false)
                    try db.executeLater(insert, ["later-d", nil], isSequenced: false)
                }
            }
            await #expect(throws: ConnectsError.self) {
                try await store.write { db in
                    try? db.executeLater(insert, ["later-e", nil], isSequenced: false)
                    throw ConnectsError(.invalidState, "refused")
                }
            }
            // Savepoints that fail take their own writes back, not those before them: one whose write
            // fails as it ends, one refused with a failing write pending.
            try await store.write { db in
                try db.executeLater(insert, ["later-f", "6"], isSequenced: false)
                _ = try? db.inSavepoint {
                    try db.executeLater(insert, ["later-g", "7"], isSequenced: false)
                    try db.executeLater(insert, ["later-h", nil], isSequenced: false)
                }
                _ = try? db.inSavepoint {
                    try db.executeLater(insert, ["later-i", "9"], isSequenced: false)
                    try? db.executeLater(insert, ["later-j", nil], isSequenced: false)
                    throw ConnectsError(.invalidState, "refused")
                }
            }
            #expect(try await store.read(keys) == ["later-a", "later-b", "later-f"])
            // Sequenced writes (events, numbered as inserted) keep the order they were called in.
            let account = try await store.makeAccount()
            let events = (0..<6).map { "evt_later_\($0)" }
            try await store.write { db in
                for (index, id) in events.enumerated() {
                    try db.executeLater(
                        "INSERT INTO events (id, type, account_id, data, created_at) VALUES (?, 'job.closed', ?, '{}', 0)",
                        [id, account], isSequenced: true)
                    // Other writes between them run with them.
                    try db.executeLater(insert, ["later-seq-\(index)", "x"], isSequenced: false)
                }
            }
            let order = try await store.read { db in
                try db.fetchAll("SELECT id FROM events WHERE id LIKE 'evt_later_%' ORDER BY seq", []).map {
                    $0["id"] as String
                }
            }
            #expect(order == events)
        }
    }

    @Test("an event is queued once for each webhook that wants it, naming that event", arguments: StoreKind.allCases)
    func webhookFanOut(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = database.store
            try await store.registerThreeWebhooks()
            let account = try await store.makeAccount()
            try await store.grant(5, to: account, key: "grant:fan-out")
            try await store.grant(5, to: account, key: "grant:fan-out")
            let (granted, queued) = try await store.read { db in
                (
                    try db.fetchAll(
                        "SELECT seq FROM events WHERE account_id = ? AND type = 'connects.granted'", [account]
                    ).map { $0["seq"] as Int64 },
                    try db.fetchAll(
                        "SELECT webhook_id, event_seq FROM deliveries WHERE account_id = ? ORDER BY webhook_id",
                        [account]
                    ).map { "\($0["webhook_id"] as String):\($0["event_seq"] as Int64)" }
                )
            }
            #expect(granted.count == 1)
            let seq = granted.first ?? -1
            #expect(queued.filter { $0.hasSuffix(":\(seq)") } == ["wh_all:\(seq)", "wh_grants:\(seq)"])
        }
    }

    @Test(
        "events written together, as a billing day's grants are, are each queued once for each webhook that wants them",
        arguments: StoreKind.allCases)
    func batchedWebhookFanOut(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = database.store
            let standard = Policy.standard.ledgerPolicy(version: 1)
            try await store.registerThreeWebhooks()
            // More accounts than one statement's rows (64), so their grants' events take several.
            for index in 0..<70 {
                _ = try await store.perform(
                    .createAccount(.init(externalID: "due-\(index)", kind: .freelancer)), now: t0, policy: standard,
                    idempotency: nil)
            }
            _ = try await store.runDueWork(now: t0.adding(days: 32), policy: standard, limit: 1_000)
            let (events, queued) = try await store.read { db in
                (
                    try db.fetchAll("SELECT seq, type FROM events", []).map {
                        ($0["seq"] as Int64, $0["type"] as String)
                    },
                    try db.fetchAll("SELECT webhook_id, event_seq FROM deliveries", []).map {
                        "\($0["event_seq"] as Int64):\($0["webhook_id"] as String)"
                    }
                )
            }
            #expect(events.filter { $0.1 == "connects.granted" }.count >= 140)
            let expected = events.flatMap { seq, type in
                ["\(seq):wh_all"] + (type == "connects.granted" ? ["\(seq):wh_grants"] : [])
            }
            let missing = Set(expected).subtracting(queued).sorted()
            let unwanted = Set(queued).subtracting(expected).sorted()
            #expect(missing.isEmpty, "not queued: \(missing.prefix(5)) of \(missing.count)")
            #expect(unwanted.isEmpty, "queued unwanted: \(unwanted.prefix(5)) of \(unwanted.count)")
            #expect(queued.count == expected.count, "an event queued twice for one webhook")
        }
    }

    @Test("a business event moves connects once, however often it is sent", arguments: StoreKind.allCases)
    func exactlyOnce(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = database.store
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
    }

    @Test(
        "a refused command writes nothing; the refusal is kept for its idempotency key", arguments: StoreKind.allCases)
    func refusalChangesNothing(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = database.store
            let account = try await store.makeAccount()
            try await store.grant(5, to: account)
            let claim = IdempotencyClaim(caller: "key_1", key: "k", fingerprint: "f") { result in
                StoredResponse(
                    status: (try? result.get()) == nil ? 409 : 201, contentType: "application/json", body: [])
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
    }

    @Test(
        "two writes under one key at once: one is carried out, the other answered with its record, once",
        arguments: StoreKind.allCases)
    func racingKeys(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = database.store
            let account = try await store.makeAccount()
            try await store.grant(10, to: account)
            // Each answer is unique, so the replayed one can only be the first's.
            let claim = IdempotencyClaim(caller: "key_1", key: "k", fingerprint: "f") { _ in
                StoredResponse(status: 201, contentType: "text/plain", body: Array(UUID().uuidString.utf8))
            }
            // On PostgreSQL each runs on a connection of its own, so the second finds the key taken by
            // its insert (after the first commits) and undoes its own spend.
            let outcomes = try await withThrowingTaskGroup(of: Performed.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        try await store.perform(
                            .ledger(accountID: account, command: spend(3)), now: t0, policy: policy,
                            idempotency: claim)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let done = outcomes.compactMap { outcome -> StoredResponse? in
                guard case .done(.success, let response) = outcome else { return nil }
                return response
            }
            let replayed = outcomes.compactMap { outcome -> StoredResponse? in
                guard case .replayed(let record) = outcome else { return nil }
                return record.response
            }
            #expect(done.count == 1 && replayed.count == 1)
            #expect(done.first?.body == replayed.first?.body)
            #expect(try await store.snapshot(accountID: account, now: t0)?.balance.total == 7)
            #expect(try await store.entries(accountID: account, query: EntryQuery()).items.count == 2)
        }
    }

    @Test(
        "an operation refused after it began writing leaves none of its writes, and its refusal is kept",
        arguments: StoreKind.allCases)
    func lateRefusalChangesNothing(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = database.store
            let claim = IdempotencyClaim(caller: "key_1", key: "k", fingerprint: "f") { result in
                StoredResponse(
                    status: (try? result.get()) == nil ? 422 : 201, contentType: "application/json", body: [])
            }
            // The account row is inserted before the plan is found missing.
            let unknownPlan = StoreOperation.createAccount(
                .init(externalID: "late", kind: .freelancer, plan: "no-such-plan"))
            let refused = try await store.perform(unknownPlan, now: t0, policy: policy, idempotency: claim)
            guard case .done(.failure(let error), let response) = refused else { Issue.record("not refused"); return }
            #expect(error.code == .validationFailed)
            #expect(response?.status == 422)
            let replay = try await store.perform(unknownPlan, now: t0, policy: policy, idempotency: claim)
            guard case .replayed(let record) = replay else { Issue.record("not replayed"); return }
            #expect(record.response.status == 422)
            // Had the account row stayed, this would be refused as a second account with externalId "late".
            _ = try await store.makeAccount("late")
        }
    }

    @Test(
        "a scheduled item that fails is left out alone: the others due with it still run", arguments: StoreKind.allCases
    )
    func failingScheduledItem(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = database.store
            let standard = Policy.standard.ledgerPolicy(version: 1)
            var accounts: [String] = []
            for index in 0..<3 {
                let performed = try await store.perform(
                    .createAccount(.init(externalID: "due-\(index)", kind: .freelancer)), now: t0, policy: standard,
                    idempotency: nil)
                guard case .done(.success(let result), _) = performed else { Issue.record("not created"); return }
                accounts.append(result.snapshot!.account.id)
            }
            // The middle account's lot can no longer be read, so its cycle start fails.
            try await database.tamper("UPDATE lots SET source = 'mystery' WHERE account_id = '\(accounts[1])'")
            let due = t0.adding(days: 32)
            _ = try await store.runDueWork(now: due, policy: standard, limit: 100)
            for account in [accounts[0], accounts[2]] {
                let snapshot = try await store.snapshot(accountID: account, now: due)
                #expect(try #require(snapshot?.account.nextCycleAt) > due)
            }
        }
    }

    @Test(
        "more accounts due at once than one pass takes all get their allotment in one run, each pass at its own time",
        arguments: StoreKind.allCases)
    func billingDay(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = database.store
            let standard = Policy.standard.ledgerPolicy(version: 1)
            for index in 0..<250 { _ = try await store.makeAccount("due-\(index)") }
            let due = t0.adding(days: 32)
            #expect(try await store.runDueWork(now: due, policy: standard, limit: 100) == 100)
            // Each pass runs at the time its clock reads when it starts: here one millisecond later each.
            var passes: Int64 = 0
            let clock = {
                passes += 1
                return due.adding(milliseconds: passes)
            }
            #expect(try await store.runAllDueWork(now: clock, policy: standard, limit: 100) == 150)
            #expect(passes == 2)
            #expect(try await store.nextDueTime(policy: standard).map { $0 > due } == true)
            #expect(try await store.runAllDueWork(now: clock, policy: standard, limit: 100) == 0)
            // So the grants of a later pass are dated later, and their identifiers sort after the earlier's.
            let passGrants = try await store.read { db in
                try db.fetchAll(
                    """
                    SELECT created_at, COUNT(*) AS grants, MIN(id) AS first, MAX(id) AS last FROM entries
                    WHERE kind = 'grant' AND created_at > ? GROUP BY created_at ORDER BY created_at
                    """, [due]
                ).map {
                    (
                        at: $0["created_at"] as Instant, grants: $0["grants"] as Int64, first: $0["first"] as String,
                        last: $0["last"] as String
                    )
                }
            }
            #expect(passGrants.map(\.at) == [due.adding(milliseconds: 1), due.adding(milliseconds: 2)])
            #expect(passGrants.map(\.grants) == [100, 50])
            #expect(passGrants.count == 2 && passGrants[0].last < passGrants[1].first)
            // One grant each, each reported by its event, and every chain and balance verifies.
            let (accounts, reported) = try await store.read { db in
                let row = try db.fetchAll(
                    """
                    SELECT COUNT(DISTINCT account_id) AS accounts,
                      SUM(CASE WHEN EXISTS (SELECT 1 FROM events v WHERE v.account_id = e.account_id
                        AND v.data LIKE '%' || e.id || '%') THEN 1 ELSE 0 END) AS reported
                    FROM entries e WHERE kind = 'grant' AND created_at >= ?
                    """, [due])[0]
                return (row["accounts"] as Int64, row["reported"] as Int64)
            }
            #expect(accounts == 250 && reported == 250)
            #expect(try await database.verify().isClean)
        }
    }

    @Test(
        "an expiry notice goes out once for every lot about to expire, however many passes it takes",
        arguments: StoreKind.allCases)
    func expiryNotices(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = database.store
            for index in 0..<20 { try await store.grant(5, to: try await store.makeAccount("expiring-\(index)")) }
            // The lots of the accounts' first year expire within the week (and a year of cycles is due).
            let now = t0.adding(days: 360)
            _ = try await store.runAllDueWork(now: { now }, policy: policy, limit: 7)
            #expect(try await store.runAllDueWork(now: { now }, policy: policy, limit: 7) == 0)
            let (expiring, notices, noticedLots) = try await store.read { db in
                let row = try db.fetchAll(
                    """
                    SELECT (SELECT COUNT(*) FROM lots WHERE remaining > held AND expires_at > ?1 AND expires_at <= ?2) AS lots,
                      COUNT(*) AS n, COUNT(DISTINCT dedupe_key) AS noticed
                    FROM events WHERE type = 'connects.expiring'
                    """, [now, now.adding(days: 7)])[0]
                return (row["lots"] as Int64, row["n"] as Int64, row["noticed"] as Int64)
            }
            #expect(expiring == 20)
            #expect(notices == expiring)
            #expect(noticedLots == expiring)
        }
    }

    @Test("many concurrent writers share transactions and every one gets its own answer", arguments: StoreKind.allCases)
    func groupCommit(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = database.store
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
            #expect(try await database.verify().isClean)
        }
    }

    @Test(
        "the balance at a past time counts what had expired by then, even if written later",
        arguments: StoreKind.allCases)
    func balanceAt(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = database.store
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
    }

    @Test("the history pages newest first and filters by kind", arguments: StoreKind.allCases)
    func entryPages(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = database.store
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
            var range = EntryQuery(since: t0.adding(days: 3))
            range.sequences = 3...6
            #expect(try await store.entries(accountID: account, query: range).items.map(\.sequence) == [6, 5, 4])
            range.kind = .spend
            range.sequences = 6...8
            #expect(try await store.entries(accountID: account, query: range).items.map(\.sequence) == [8])
        }
    }

    @Test("idempotency records are kept at least 7 days, then pruned", arguments: StoreKind.allCases)
    func pruning(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = database.store
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
            let pruned = try await store.prune(
                now: t0.adding(days: 9), retention: Retention(eventDays: 90, idempotencyDays: 7))
            #expect(pruned.idempotencyRecords == 1)
            #expect(try await store.idempotencyRecord(caller: "key", key: "k0") == nil)
            #expect(try await store.idempotencyRecord(caller: "key", key: "k1") != nil)
        }
    }

    @Test("a credit expires every lot past its expiry, more than one page of them", arguments: StoreKind.allCases)
    func manyDueLots(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = database.store
            let account = try await store.makeAccount()
            for index in 0..<20 { try await store.grant(Int64(index % 3 + 1), to: account) }
            let now = t0.adding(days: policy.expiryDays! + 1)
            let credit = LedgerCommand.credit(
                .init(kind: .grant, source: .plan, amount: 1, cause: Cause(type: "plan_cycle", id: "c2")))
            let performed = try await store.perform(
                .ledger(accountID: account, command: credit), now: now, policy: policy, idempotency: nil)
            guard case .done(.success(let result), _) = performed else {
                throw StoreTestError.unexpected("\(performed)")
            }
            #expect(result.writtenKinds.filter { $0 == .expire }.count == 20)
            let lots = try await store.lots(accountID: account, limit: 500, after: nil).items
            #expect(lots.filter { $0.isExpired(at: now) && $0.free > 0 }.isEmpty)
            #expect(result.snapshot?.balance.total == 1)
            #expect(try await database.verify().isClean)
        }
    }

    @Test(
        "a write reads the lots it needs: a spend over many lots takes them in the spend order, expired ones expire, a hold's lots settle",
        arguments: StoreKind.allCases)
    func manyLots(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = database.store
            let account = try await store.makeAccount()
            var lasting = policy
            lasting.expiryDays = nil
            // Sixty lots granted a day apart, so that they expire in that order; every fifth never expires.
            for day in 0..<60 {
                let credit = LedgerCommand.credit(
                    .init(
                        kind: .grant, source: .plan, amount: Int64(day % 3 + 1),
                        cause: Cause(type: "plan_cycle", id: "d\(day)")))
                let performed = try await store.perform(
                    .ledger(accountID: account, command: credit), now: t0.adding(days: Int64(day)),
                    policy: day % 5 == 0 ? lasting : policy, idempotency: nil)
                guard case .done(.success, _) = performed else { throw StoreTestError.unexpected("\(performed)") }
            }
            let hold = try await store.run(
                .placeHold(.init(amount: 4, cause: Cause(type: "proposal", id: "p"))), on: account,
                at: t0.adding(days: 60)
            ).get()!
            // Five days before the first expiry, a spend of one reads a page of lots, fewer than expire within
            // the window; what it answers and a read answers as expiring soon still counts every one.
            let soon = t0.adding(days: policy.expiryDays! - 5)
            let spent = try await store.perform(
                .ledger(accountID: account, command: spend(1)), now: soon, policy: policy, idempotency: nil)
            let before = try await store.lots(accountID: account, limit: 500, after: nil).items
            let soonExpiring = AccountSnapshot.expiring(before.map { ($0.expiresAt, $0.free) }, now: soon)
            #expect(soonExpiring.count > 16, "more lots expire within the window than one page holds")
            guard case .done(.success(let answered), _) = spent else { throw StoreTestError.unexpected("\(spent)") }
            #expect(answered.snapshot?.expiring == soonExpiring)
            #expect(try await store.snapshot(accountID: account, now: soon)?.expiring == soonExpiring)
            // A year on, the lots of the first days have expired, unswept: the next write expires them.
            let now = t0.adding(days: 368)
            let lots = try await store.lots(accountID: account, limit: 500, after: nil).items
            let order = lots.filter { $0.free > 0 && !$0.isExpired(at: now) }.sorted(by: Lot.spendsBefore)
            let expiring = order.filter { $0.expiresAt != nil }.reduce(Int64(0)) { $0 + $1.free }
            // Past every lot that expires, into the first two that never do.
            let amount = expiring + order.first { $0.expiresAt == nil }!.free + 1
            var expected: [Allocation] = []
            var left = amount
            for lot in order where left > 0 {
                expected.append(Allocation(lotID: lot.id, amount: min(lot.free, left)))
                left -= min(lot.free, left)
            }
            let taken = try await store.run(spend(amount), on: account, at: now).get()!
            #expect(taken.allocations == expected)
            #expect(expected.count > 30, "the spend reads far past one page of lots")
            let expired = lots.filter { $0.isExpired(at: now) && $0.free > 0 }.reduce(Int64(0)) { $0 + $1.free }
            #expect(expired > 0)
            let snapshot = try await store.snapshot(accountID: account, now: now)!
            #expect(snapshot.balance.total == lots.reduce(Int64(0)) { $0 + $1.remaining } - expired - amount)
            // The hold's lots were not among those the spend read; capturing it finds them.
            let captured = try await store.run(
                .captureHold(id: hold.holdID!, cause: Cause(type: "job", id: "j"), actor: "system"), on: account,
                at: now
            ).get()!
            #expect(captured.allocations == hold.allocations)
            #expect(try await database.verify().isClean)
        }
    }

    @Test(
        "closing a job with more proposals than one window returns each once, to whoever paid",
        arguments: StoreKind.allCases)
    func closeManyProposals(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = database.store
            func perform(_ operation: StoreOperation) async throws -> OperationResult {
                let performed = try await store.perform(operation, now: t0, policy: policy, idempotency: nil)
                guard case .done(.success(let result), _) = performed else {
                    throw StoreTestError.unexpected("\(operation): \(performed)")
                }
                return result
            }
            let client = try await perform(.createAccount(.init(externalID: "client", kind: .client))).snapshot!
            let agency = try await perform(.createAccount(.init(externalID: "agency", kind: .agency))).snapshot!
            try await store.grant(10_000, to: agency.account.id)
            let job = try JobBook.post(
                id: "job_many", clientID: client.account.id, title: "popular", budget: nil, connectCost: nil,
                hiringDeadline: nil, now: t0, policy: policy.economy)
            _ = try await perform(.postJob(job))
            // More proposals than one window of the store's decisions (256); the agency pays for every
            // third, so one payer's effects span windows; every fourth is boosted.
            let count = 270
            let freelancers = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<count {
                    group.addTask {
                        let id = try await store.makeAccount("f\(index)")
                        try await store.grant(50, to: id)
                        let agencyID = index % 3 == 0 ? agency.account.id : nil
                        if let agencyID {
                            _ = try await perform(
                                .setAgencyMember(agencyID: agencyID, freelancerID: id, isMember: true))
                        }
                        _ = try await perform(
                            .submitProposal(
                                jobID: job.id, freelancerID: id, agencyID: agencyID, boost: index % 4 == 0 ? 2 : nil,
                                proposalID: "prop_\(index)"))
                        return id
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let spent = try await store.snapshot(accountID: agency.account.id, now: t0)!.balance
            #expect(spent.available < 10_000)
            _ = try await perform(.jobAction(jobID: job.id, .close(.closed)))
            for id in freelancers + [agency.account.id] {
                let balance = try await store.snapshot(accountID: id, now: t0)!.balance
                #expect(balance == Balance(total: id == agency.account.id ? 10_000 : 50, held: 0), "\(id)")
            }
            let returns = try await store.read { db in
                try db.fetchAll("SELECT COUNT(*) AS n FROM entries WHERE kind = 'return'", [])[0]["n"] as Int64
            }
            #expect(returns == Int64(count))
            #expect(try await database.verify().isClean)
        }
    }
}
