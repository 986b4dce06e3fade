import ConnectsCore
import ConnectsServer
import ConnectsStore
import ConnectsTestSupport
import Foundation
import Logging
import Synchronization
import Testing

@Suite("The ledger over HTTP")
struct LedgerHTTPTests {
    @Test(
        "64 concurrent spends of 3 against a balance of 100: exactly 33 succeed and 1 is left",
        arguments: StoreKind.allCases)
    func concurrentSpends(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind) { api, database in
            let account = try await api.makeFreelancer()
            #expect(try await api.adjust(account, 100).status == 201)
            let statuses = try await withThrowingTaskGroup(of: Reply.self) { group in
                for _ in 0..<64 {
                    group.addTask { try await api.adjust(account, -3) }
                }
                return try await group.reduce(into: [Reply]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0.status == 201 }.count == 33)
            let refused = statuses.filter { $0.status != 201 }
            #expect(refused.count == 31)
            #expect(refused.allSatisfy { $0.status == 409 && $0.code == "insufficient_connects" })
            #expect(try await api.available(account) == 1)
            #expect(try await database.verify().isClean)
        }
    }

    @Test("a request replayed 100 times, in a row and at once, moves connects once", arguments: StoreKind.allCases)
    func idempotentReplays(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind) { api, _ in
            let account = try await api.makeFreelancer()
            let first = try await api.adjust(account, 7, idempotencyKey: "grant-1")
            #expect(first.status == 201 && !first.isReplay)
            for _ in 0..<50 {
                let again = try await api.adjust(account, 7, idempotencyKey: "grant-1")
                #expect(again.status == 201 && again.isReplay && again.body == first.body)
            }
            let concurrent = try await withThrowingTaskGroup(of: Reply.self) { group in
                for _ in 0..<50 { group.addTask { try await api.adjust(account, 7, idempotencyKey: "grant-1") } }
                return try await group.reduce(into: [Reply]()) { $0.append($1) }
            }
            #expect(concurrent.allSatisfy { $0.isReplay && $0.body == first.body })
            // A fresh key sent 100 times at once: one runs, the others replay or are told it is running.
            let burst = try await withThrowingTaskGroup(of: Reply.self) { group in
                for _ in 0..<100 { group.addTask { try await api.adjust(account, 5, idempotencyKey: "grant-2") } }
                return try await group.reduce(into: [Reply]()) { $0.append($1) }
            }
            #expect(burst.filter { $0.status == 201 && !$0.isReplay }.count == 1)
            #expect(burst.allSatisfy { ($0.status == 201) || $0.code == "request_in_progress" })
            #expect(try await api.available(account) == 12)
            let entries = try await api.send(.get, "/v1/accounts/\(account)/entries").json["data"]?.arrayValue
            #expect(entries?.count == 2)
        }
    }

    @Test("the same key with a different body is refused and moves nothing", arguments: StoreKind.allCases)
    func keyReused(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind) { api, _ in
            let account = try await api.makeFreelancer()
            #expect(try await api.adjust(account, 7, idempotencyKey: "k").status == 201)
            let reused = try await api.adjust(account, 8, idempotencyKey: "k")
            #expect(reused.status == 409 && reused.code == "idempotency_key_reused")
            let otherPath = try await api.send(.post, "/v1/accounts/\(account)/close", body: "{}", idempotencyKey: "k")
            #expect(otherPath.code == "idempotency_key_reused")
            #expect(try await api.available(account) == 7)
        }
    }

    @Test("a second request with a key whose first is still running is told so", arguments: StoreKind.allCases)
    func requestInProgress(_ kind: StoreKind) async throws {
        let gate = Gate()
        // The gate holds every write; with the test clock no scheduler or webhook pass writes in the
        // background, so the one waiting at it is the first request.
        try await ServerHarness.run(on: kind, store: { GatedStore(base: $0, gate: gate) }, clock: .test()) { api, _ in
            let account = try await api.makeFreelancer()
            gate.close()
            async let first = api.adjust(account, 9, idempotencyKey: "slow")
            try await gate.waitUntilSomeoneWaits()
            let second = try await api.adjust(account, 9, idempotencyKey: "slow")
            #expect(second.status == 409 && second.code == "request_in_progress")
            gate.open()
            #expect(try await first.status == 201)
            #expect(try await api.adjust(account, 9, idempotencyKey: "slow").isReplay)
            #expect(try await api.available(account) == 9)
        }
    }

    @Test("a support agent reverses a reward once; a second reversal is refused", arguments: StoreKind.allCases)
    func reversal(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind) { api, _ in
            let account = try await api.makeFreelancer()
            let support = try await api.makeKey(role: "support")
            let credit = try await api.adjust(account, 30, reason: "courtesy")
            let id = credit.json["id"]?.stringValue ?? ""
            try await api.adjust(account, -10, reason: "spent")
            let reversal = try await api.send(
                .post, "/v1/entries/\(id)/reverse", body: #"{"reason":"granted twice"}"#, key: support,
                idempotencyKey: "r1"
            )
            #expect(reversal.status == 201)
            #expect(reversal.json["amount"]?.intValue == -20)
            #expect(reversal.json["unreversed"]?.intValue == 10)
            #expect(reversal.json["reverses"]?.stringValue == id)
            let again = try await api.send(
                .post, "/v1/entries/\(id)/reverse", body: #"{"reason":"again"}"#, key: support, idempotencyKey: "r2"
            )
            #expect(again.status == 409 && again.code == "invalid_state")
            #expect(try await api.available(account) == 0)
        }
    }

    @Test("the history exports as RFC 4180 CSV with every page, and pages as JSON", arguments: StoreKind.allCases)
    func historyExport(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind) { api, _ in
            let account = try await api.makeFreelancer()
            for index in 0..<7 {
                try await api.adjust(account, Int64(index + 1), reason: #"batch \#(index), \"quoted\""#)
            }
            let csv = try await api.send(
                .get, "/v1/accounts/\(account)/entries?limit=2", headers: [.accept: "text/csv"])
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            let lines = csv.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.count == 8)
            #expect(lines[1].contains(#""batch 6, ""quoted""""#))
            // Times are RFC 3339 with milliseconds, exactly as Foundation's formatter writes them.
            let unquoted = lines[2].replacingOccurrences(of: #""([^"]|"")*""#, with: "q", options: .regularExpression)
            let fields = unquoted.split(separator: ",", omittingEmptySubsequences: false)
            #expect(fields.count == lines[0].split(separator: ",").count)
            #expect(fields[2] == "adjustment" && fields[3] == "6" && fields[5] == "21")
            // CSV only when preferred: a generated client lists every documented type at equal quality.
            for (accept, isCSV) in [
                ("application/json, text/csv, application/problem+json", false), ("text/csv;q=0.9, */*;q=0.1", true),
                ("application/json;q=0.5, text/csv", true), ("*/*", false), ("text/*", true),
            ] {
                let reply = try await api.send(.get, "/v1/accounts/\(account)/entries", headers: [.accept: accept])
                #expect(reply.headers[.contentType]?.hasPrefix("text/csv") == isCSV, "Accept: \(accept)")
            }
            let createdAt = String(lines[1].split(separator: ",")[1])
            #expect(RFC3339Parse(createdAt).map(RFC3339Text) == createdAt)
            var cursor: String?
            var seen = 0
            repeat {
                let query = cursor.map { "&cursor=\($0)" } ?? ""
                let page = try await api.send(.get, "/v1/accounts/\(account)/entries?limit=3\(query)").json
                seen += page["data"]?.arrayValue?.count ?? 0
                cursor = page["nextCursor"]?.stringValue
            } while cursor != nil
            #expect(seen == 7)
            let filtered = try await api.send(.get, "/v1/accounts/\(account)/entries?kind=spend").json["data"]?
                .arrayValue
            #expect(filtered?.isEmpty == true)
        }
    }

    @Test("a CSV export longer than the pages it reads at once has every entry once, newest first")
    func longExport() async throws {
        try await ServerHarness.run { api, database in
            let account = try await api.makeFreelancer()
            try await api.adjust(account, 10_000)
            // More entries than the export reads at once (Limits.exportReadsAtOnce pages), the last
            // page partly full.
            let spends = Limits.exportPageSize * Limits.exportReadsAtOnce + 500
            let policy = ServerHarness.ledgerOnly.ledgerPolicy(version: 1)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<32 {
                    group.addTask {
                        for index in stride(from: worker, to: spends, by: 32) {
                            let spend = LedgerCommand.debit(
                                .init(kind: .spend, amount: 1, cause: Cause(type: "test", id: "\(index)")))
                            _ = try await database.store.perform(
                                .ledger(accountID: account, command: spend), now: ServerClock.system().now(),
                                policy: policy,
                                idempotency: nil)
                        }
                    }
                }
                try await group.waitForAll()
            }
            func export(_ query: String) async throws -> [Int64] {
                let csv = try await api.send(
                    .get, "/v1/accounts/\(account)/entries\(query)", headers: [.accept: "text/csv"])
                let rows = csv.text.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
                return rows.map { Int64($0.split(separator: ",")[5])! }
            }
            // Each spend leaves one connect fewer: newest first, the totals climb by one back to the
            // adjustment's 10,000, each exactly once.
            let totals = try await export("")
            let expected = Array(Int64(10_000 - spends)...10_000)
            #expect(totals.count == expected.count)
            let misplaced = zip(totals, expected).enumerated().first { $0.element.0 != $0.element.1 }
            #expect(misplaced == nil, "row \(misplaced?.offset ?? 0): total \(misplaced?.element.0 ?? 0)")
            #expect(try await export("?kind=spend").count == spends)
            #expect(try await export("?kind=adjustment") == [10_000])
        }
    }

    @Test("balance, lots and an account read back as the contract says", arguments: StoreKind.allCases)
    func reads(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind) { api, _ in
            let account = try await api.makeFreelancer("ext-42")
            try await api.adjust(account, 12)
            let found = try await api.send(.get, "/v1/accounts?externalId=ext-42&kind=freelancer").json["data"]?
                .arrayValue
            #expect(found?.first?["id"]?.stringValue == account)
            let balance = try await api.send(.get, "/v1/accounts/\(account)/balance").json
            #expect(
                balance["total"]?.intValue == 12 && balance["available"]?.intValue == 12
                    && balance["held"]?.intValue == 0)
            let past = try await api.send(.get, "/v1/accounts/\(account)/balance?at=2020-01-01T00:00:00Z").json
            #expect(past["total"]?.intValue == 0)
            let lots = try await api.send(.get, "/v1/accounts/\(account)/lots").json["data"]?.arrayValue
            #expect(lots?.first?["remaining"]?.intValue == 12)
            #expect(lots?.first?["source"]?.stringValue == "adjustment")
            let closed = try await api.send(.post, "/v1/accounts/\(account)/close", body: "{}")
            #expect(closed.json["status"]?.stringValue == "closed")
            let refused = try await api.adjust(account, -1)
            #expect(refused.status == 409 && refused.code == "account_closed")
        }
    }
}

/// A latch the test opens and closes, to hold a request inside the store on purpose.
final class Gate: Sendable {
    private let state = Mutex((isOpen: true, waiters: 0))
    func close() { state.withLock { $0 = (isOpen: false, waiters: 0) } }
    func open() { state.withLock { $0.isOpen = true } }
    func pass() async throws {
        state.withLock { $0.waiters += 1 }
        while !state.withLock({ $0.isOpen }) { try await Task.sleep(for: .milliseconds(5)) }
    }
    func waitUntilSomeoneWaits() async throws {
        for _ in 0..<2000 where state.withLock({ $0.waiters }) == 0 { try await Task.sleep(for: .milliseconds(5)) }
    }
}

/// A real store, whose writes first wait at a gate the test controls.
struct GatedStore: LedgerStore {
    let base: any LedgerStore
    let gate: Gate

    var logger: Logger { base.logger }
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await base.read(body)
    }
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await gate.pass()
        return try await base.write(body)
    }
    func isReady() async -> Bool { await base.isReady() }
}
