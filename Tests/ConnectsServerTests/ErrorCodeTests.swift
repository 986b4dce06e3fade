import ConnectsCore
import ConnectsTestSupport
import Foundation
import HTTPTypes
import Testing

/// Every stable error code this server can produce, reached through HTTP, with nothing moved.
@Suite("Refusals over HTTP")
struct ErrorCodeTests {
    @Test("bad bodies: not JSON, not an object, wrong or missing fields", arguments: StoreKind.allCases)
    func badBodies(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind) { api, _ in
            let account = try await api.makeFreelancer()
            let path = "/v1/accounts/\(account)/adjustments"
            let cases: [(String, Int, String, String?)] = [
                ("{not json", 400, "malformed_request", nil),
                ("[1,2]", 400, "malformed_request", nil),
                (#"{"amount":"5","reason":"x"}"#, 422, "validation_failed", "amount"),
                (#"{"amount":5}"#, 422, "validation_failed", "reason"),
                (#"{"amount":0,"reason":"x"}"#, 422, "validation_failed", "amount"),
                (#"{"amount":1.5,"reason":"x"}"#, 422, "validation_failed", "amount"),
                (
                    #"{"amount":5,"reason":"\#(String(repeating: "r", count: 501))"}"#, 422, "validation_failed",
                    "reason"
                ),
                // PostgreSQL cannot store U+0000; every store refuses it alike.
                (#"{"amount":5,"reason":"a\u0000b"}"#, 422, "validation_failed", "reason"),
            ]
            for (body, status, code, field) in cases {
                let reply = try await api.send(.post, path, body: body, idempotencyKey: UUID().uuidString)
                #expect(reply.status == status && reply.code == code, "\(body): \(reply.text)")
                #expect(reply.headers[.contentType] == "application/problem+json")
                if let field { #expect(reply.json["detail"]?.stringValue?.hasPrefix(field) == true) }
            }
            #expect(try await api.available(account) == 0)
            // U+0000 in a query is refused like one in a body; in a path it names nothing.
            let query = try await api.send(.get, "/v1/accounts?externalId=a%00b&kind=freelancer")
            #expect(query.status == 422 && query.code == "validation_failed", "\(query.text)")
            #expect(query.json["detail"]?.stringValue?.hasPrefix("externalId") == true)
            for path in ["/v1/accounts/acct_%00", "/v1/jobs/j%00"] {
                #expect(try await api.send(.get, path).status == 404)
            }
        }
    }

    @Test("an address that keeps failing to authenticate is refused before any key is looked up, for a while")
    func failedAuthentications() async throws {
        // One failure a minute: the bucket refills only after a minute, longer than the guesses take
        // even under CI's load (with five a minute, one came back every 12 s, and a slow run's seventh
        // guess was told it failed again).
        try await ServerHarness.run(failedAuthenticationsPerMinute: 1) { api, _ in
            let account = try await api.makeFreelancer()
            var replies: [Int] = []
            for index in 0..<5 {
                replies.append(try await api.send(.get, "/v1/accounts/\(account)", key: "guess-\(index)").status)
            }
            // The first guess is told it failed; then the address waits, even with a good key.
            #expect(replies == [401, 429, 429, 429, 429], "\(replies)")
            let blocked = try await api.send(.get, "/v1/accounts/\(account)")
            #expect(blocked.status == 429 && blocked.headers[.retryAfter] != nil)
            #expect(blocked.json["detail"]?.stringValue?.contains("failed authentications") == true)
        }
    }

    @Test("API keys are listed without their secrets and revoked at once", arguments: StoreKind.allCases)
    func keyRevocation(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind) { api, _ in
            let support = try await api.makeKey(role: "support")
            let account = try await api.makeFreelancer()
            let own = try await api.makeKey(role: "freelancer", accountID: account)
            #expect(try await api.send(.get, "/v1/accounts/\(account)", key: support).status == 200)
            let listed = try await api.send(.get, "/v1/keys")
            let keys = listed.json["data"]?.arrayValue ?? []
            #expect(listed.status == 200 && keys.count == 2)
            #expect(!listed.text.contains(support) && !listed.text.contains(own) && !listed.text.contains("\"key\""))
            #expect(!listed.text.lowercased().contains("secret") && !listed.text.lowercased().contains("hash"))
            #expect(try await api.send(.get, "/v1/keys", key: support).status == 403)
            let supportID = try #require(keys.first { $0["role"]?.stringValue == "support" }?["id"]?.stringValue)

            let revoked = try await api.send(.delete, "/v1/keys/\(supportID)")
            #expect(revoked.status == 200 && revoked.json["revokedAt"]?.stringValue != nil)
            // Refused on the next request; the other key still works.
            #expect(try await api.send(.get, "/v1/accounts/\(account)", key: support).status == 401)
            #expect(try await api.send(.get, "/v1/accounts/\(account)", key: own).status == 200)
            let again = try await api.send(.delete, "/v1/keys/\(supportID)")
            #expect(again.json["revokedAt"] == revoked.json["revokedAt"])
            #expect(try await api.send(.delete, "/v1/keys/key_nope").status == 404)
        }
    }

    @Test("a method a path does not answer is 405 with the methods it does; an unknown path is 404")
    func methodNotAllowed() async throws {
        try await ServerHarness.run { api, _ in
            let account = try await api.makeFreelancer()
            for (method, path, allow) in [
                (HTTPRequest.Method.trace, "/healthz", "GET"), (.delete, "/v1/accounts/\(account)/entries", "GET"),
                (.put, "/v1/accounts/\(account)/adjustments", "POST"), (.get, "/v1/nothing-here", nil),
                (.delete, "/v1/jobs/job_1", "GET, PATCH"),
            ] {
                let reply = try await api.send(method, path)
                if let allow {
                    #expect(reply.status == 405 && reply.code == "method_not_allowed", "\(method) \(path)")
                    #expect(reply.headers[.allow] == allow, "\(method) \(path)")
                } else {
                    #expect(reply.status == 404 && reply.headers[.allow] == nil, "\(method) \(path)")
                }
            }
        }
    }

    @Test(
        "requests that move connects need an Idempotency-Key of 1 to 255 printable ASCII characters",
        arguments: StoreKind.allCases)
    func idempotencyKeyRules(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind) { api, _ in
            let account = try await api.makeFreelancer()
            let body = #"{"amount":5,"reason":"x"}"#
            let missing = try await api.send(.post, "/v1/accounts/\(account)/adjustments", body: body)
            #expect(missing.status == 400 && missing.code == "idempotency_key_required")
            let long = try await api.send(
                .post, "/v1/accounts/\(account)/adjustments", body: body,
                idempotencyKey: String(repeating: "k", count: 256)
            )
            #expect(long.status == 422 && long.code == "validation_failed")
            // Characters beyond printable ASCII (here Latin-1, as an HTTP client may send) are refused
            // however few bytes they take, as /openapi.json's pattern says.
            let accented = try await api.send(
                .post, "/v1/accounts/\(account)/adjustments", body: body, idempotencyKey: "cl\u{E9}-1")
            #expect(accented.status == 422 && accented.code == "validation_failed", "\(accented.text)")
            let spaced = try await api.send(
                .post, "/v1/accounts/\(account)/adjustments", body: body, idempotencyKey: "two words")
            #expect(spaced.status == 422)
            #expect(try await api.available(account) == 0)
            let fine = try await api.send(
                .post, "/v1/accounts/\(account)/adjustments", body: body,
                idempotencyKey: String(repeating: "k", count: 255))
            #expect(fine.status == 201)
        }
    }

    @Test(
        "unknown keys are unauthenticated; known keys outside their role are forbidden", arguments: StoreKind.allCases)
    func authentication(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind) { api, _ in
            let account = try await api.makeFreelancer()
            let other = try await api.makeFreelancer()
            #expect(try await api.send(.get, "/v1/accounts/\(account)", key: nil).code == "unauthenticated")
            #expect(try await api.send(.get, "/v1/accounts/\(account)", key: "nope").status == 401)
            let freelancer = try await api.makeKey(role: "freelancer", accountID: account)
            let support = try await api.makeKey(role: "support")
            let service = try await api.makeKey(role: "service")
            // A freelancer key reads its own account only; others look absent.
            #expect(try await api.send(.get, "/v1/accounts/\(account)", key: freelancer).status == 200)
            #expect(try await api.send(.get, "/v1/accounts/\(other)", key: freelancer).code == "not_found")
            #expect(try await api.send(.get, "/v1/accounts/\(other)/entries", key: freelancer).code == "not_found")
            let selfGrant = try await api.adjust(account, 50, key: freelancer)
            #expect(selfGrant.status == 403 && selfGrant.code == "forbidden")
            let supportCreates = try await api.send(
                .post, "/v1/accounts", body: #"{"externalId":"x","kind":"client"}"#, key: support)
            #expect(supportCreates.code == "forbidden")
            #expect(try await api.send(.post, "/v1/keys", body: #"{"role":"admin"}"#, key: service).code == "forbidden")
            #expect(try await api.send(.get, "/v1/accounts/\(account)", key: service).status == 200)
            let mismatched = try await api.send(
                .post, "/v1/keys", body: #"{"role":"client","accountId":"\#(account)"}"#)
            #expect(mismatched.code == "validation_failed")
            #expect(try await api.available(account) == 0)
        }
    }

    @Test("support actions are capped by the policy; every movement by the system limit", arguments: StoreKind.allCases)
    func limits(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind) { api, _ in
            let account = try await api.makeFreelancer()
            let support = try await api.makeKey(role: "support")
            let overSupport = try await api.adjust(account, 101, key: support)
            #expect(overSupport.status == 422 && overSupport.code == "limit_exceeded")
            #expect(try await api.adjust(account, 100, key: support).status == 201)
            let overSystem = try await api.adjust(account, 100_001)
            #expect(overSystem.status == 422 && overSystem.code == "limit_exceeded")
            let big = try await api.adjust(account, 1_000)
            let reverse = try await api.send(
                .post, "/v1/entries/\(big.json["id"]?.stringValue ?? "")/reverse", body: #"{"reason":"r"}"#,
                key: support,
                idempotencyKey: "rev"
            )
            #expect(reverse.code == "limit_exceeded")
            #expect(try await api.available(account) == 1_100)
        }
    }

    @Test(
        "state conflicts: duplicate external id, overdraft, irreversible entry, unknown ids",
        arguments: StoreKind.allCases)
    func conflicts(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind) { api, _ in
            let account = try await api.makeFreelancer("dup")
            let duplicate = try await api.send(
                .post, "/v1/accounts", body: #"{"externalId":"dup","kind":"freelancer"}"#)
            #expect(duplicate.status == 409 && duplicate.code == "invalid_state")
            let overdraft = try await api.adjust(account, -1)
            #expect(overdraft.status == 409 && overdraft.code == "insufficient_connects")
            try await api.adjust(account, 10)
            #expect(try await api.adjust("acct_missing", 1).code == "not_found")
            #expect(try await api.send(.get, "/v1/accounts/acct_missing").status == 404)
            #expect(try await api.send(.get, "/v1/entries/ent_missing").code == "not_found")
            let reverseMissing = try await api.send(
                .post, "/v1/entries/ent_missing/reverse", body: #"{"reason":"r"}"#, idempotencyKey: "x")
            #expect(reverseMissing.code == "not_found")
            #expect(try await api.send(.get, "/v1/no-such-route").status == 404)
            let client = try await api.send(.post, "/v1/accounts", body: #"{"externalId":"c","kind":"client"}"#)
            let clientID = client.json["id"]?.stringValue ?? ""
            #expect(client.json["plan"] == .null)
            #expect(try await api.adjust(clientID, 5).code == "invalid_state")
            #expect(try await api.available(account) == 10)
        }
    }

    @Test("a key over its request rate is told to slow down, with Retry-After", arguments: StoreKind.allCases)
    func rateLimited(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind, rateLimitPerSecond: 1) { api, _ in
            // Sent at once, so that a busy machine answering slowly cannot spread them over the seconds in
            // which the bucket refills (one after another, ten took 35 s in one CI run and none was refused).
            let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
                for _ in 0..<20 { group.addTask { try await api.send(.get, "/v1/accounts?externalId=nobody") } }
                return try await group.reduce(into: [Reply]()) { $0.append($1) }
            }
            // A burst of twice the rate passes; requests beyond it are refused until tokens refill.
            #expect(replies.filter { $0.status == 200 }.count >= 2)
            #expect(replies.allSatisfy { $0.status == 200 || $0.status == 429 })
            let limited = try #require(replies.first { $0.status == 429 })
            #expect(limited.code == "rate_limited")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
            #expect(try await api.send(.get, "/healthz", key: nil).status == 200)
        }
    }

    @Test("a body over 64 KiB is refused before it is read in full", arguments: StoreKind.allCases)
    func payloadTooLarge(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind) { api, _ in
            let account = try await api.makeFreelancer()
            let reason = String(repeating: "x", count: 70 * 1024)
            let reply = try await api.send(
                .post, "/v1/accounts/\(account)/adjustments", body: #"{"amount":5,"reason":"\#(reason)"}"#,
                idempotencyKey: "big"
            )
            #expect(reply.status == 413 && reply.code == "payload_too_large")
            #expect(try await api.available(account) == 0)
        }
    }

    @Test(
        "list parameters out of range are refused",
        arguments: StoreKind.allCases,
        ["limit=0", "limit=501", "limit=x", "kind=bogus", "since=yesterday", "cursor=zzz"])
    func listParameters(_ kind: StoreKind, query: String) async throws {
        try await ServerHarness.run(on: kind) { api, _ in
            let account = try await api.makeFreelancer()
            let reply = try await api.send(.get, "/v1/accounts/\(account)/entries?\(query)")
            #expect(reply.status == 422 && reply.code == "validation_failed", "\(query): \(reply.text)")
        }
    }
}

/// A catalogue of bad input across the routes that move connects or change what moves them: each is
/// refused with its stable code, and nothing changes.
@Suite("Bad input catalogue")
struct BadInputCatalogueTests {
    @Test(
        "malformed, mistyped, missing, out of range, unknown and wrong-kind input: its code, and nothing moves",
        arguments: StoreKind.allCases)
    func catalogue(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind, clock: .test()) { api, _ in
            let freelancer = try await api.makeFreelancer()
            let client = try await api.makeClient()
            let posted = try await api.send(
                .post, "/v1/jobs", body: #"{"clientId":"\#(client)","title":"Logo","connectCost":4}"#,
                idempotencyKey: UUID().uuidString)
            let job = try #require(posted.json["id"]?.stringValue, "\(posted.text)")
            let huge = "9223372036854775808"
            let cases: [(path: String, body: String, status: Int, code: String)] = [
                // Proposals: boosts negative, zero, fractional, huge, of the wrong type; unknown and wrong-kind ids.
                (
                    "/v1/jobs/\(job)/proposals", #"{"freelancerId":"\#(freelancer)","boost":-1}"#, 422,
                    "validation_failed"
                ),
                (
                    "/v1/jobs/\(job)/proposals", #"{"freelancerId":"\#(freelancer)","boost":0}"#, 422,
                    "validation_failed"
                ),
                (
                    "/v1/jobs/\(job)/proposals", #"{"freelancerId":"\#(freelancer)","boost":2.5}"#, 422,
                    "validation_failed"
                ),
                (
                    "/v1/jobs/\(job)/proposals", #"{"freelancerId":"\#(freelancer)","boost":\#(huge)}"#, 422,
                    "validation_failed"
                ),
                (
                    "/v1/jobs/\(job)/proposals", #"{"freelancerId":"\#(freelancer)","boost":"5"}"#, 422,
                    "validation_failed"
                ),
                ("/v1/jobs/\(job)/proposals", #"{}"#, 422, "validation_failed"),
                ("/v1/jobs/\(job)/proposals", #"{"freelancerId":"acct_NOSUCHACCOUNT"}"#, 404, "not_found"),
                ("/v1/jobs/\(job)/proposals", #"{"freelancerId":"\#(client)"}"#, 404, "not_found"),
                ("/v1/jobs/\(freelancer)/proposals", #"{"freelancerId":"\#(freelancer)"}"#, 404, "not_found"),
                // Purchases: quantities negative, zero, fractional, huge; money of another currency or missing.
                (
                    "/v1/accounts/\(freelancer)/purchases",
                    #"{"quantity":-10,"paymentReference":"p1","amountPaid":{"currency":"USD","minor":-150}}"#, 422,
                    "validation_failed"
                ),
                (
                    "/v1/accounts/\(freelancer)/purchases",
                    #"{"quantity":0,"paymentReference":"p2","amountPaid":{"currency":"USD","minor":0}}"#, 422,
                    "validation_failed"
                ),
                (
                    "/v1/accounts/\(freelancer)/purchases",
                    #"{"quantity":1.5,"paymentReference":"p3","amountPaid":{"currency":"USD","minor":22}}"#, 422,
                    "validation_failed"
                ),
                (
                    "/v1/accounts/\(freelancer)/purchases",
                    #"{"quantity":\#(huge),"paymentReference":"p4","amountPaid":{"currency":"USD","minor":1}}"#, 422,
                    "validation_failed"
                ),
                (
                    "/v1/accounts/\(freelancer)/purchases",
                    #"{"quantity":10,"paymentReference":"p5","amountPaid":{"currency":"EUR","minor":150}}"#, 422,
                    "validation_failed"
                ),
                (
                    "/v1/accounts/\(freelancer)/purchases", #"{"quantity":10,"paymentReference":"p6"}"#, 422,
                    "validation_failed"
                ),
                (
                    "/v1/accounts/acct_NOSUCHACCOUNT/purchases",
                    #"{"quantity":10,"paymentReference":"p7","amountPaid":{"currency":"USD","minor":150}}"#, 404,
                    "not_found"
                ),
                // Adjustments: huge and negative past the balance; rewards and plans unknown; enums unknown.
                (
                    "/v1/accounts/\(freelancer)/adjustments", #"{"amount":\#(huge),"reason":"x"}"#, 422,
                    "validation_failed"
                ),
                ("/v1/accounts/\(freelancer)/adjustments", #"{"amount":-1000000,"reason":"x"}"#, 422, "limit_exceeded"),
                (
                    "/v1/accounts/\(freelancer)/adjustments", #"{"amount":-50,"reason":"x"}"#, 409,
                    "insufficient_connects"
                ),
                ("/v1/accounts/\(freelancer)/rewards", #"{"reward":"no_such_reward"}"#, 404, "not_found"),
                ("/v1/accounts/\(freelancer)/rewards", #"{"reward":7}"#, 422, "validation_failed"),
                ("/v1/accounts", #"{"externalId":"x","kind":"robot"}"#, 422, "validation_failed"),
                ("/v1/accounts", #"{"externalId":"","kind":"freelancer"}"#, 422, "validation_failed"),
                ("/v1/jobs/\(job)/close", #"{"reason":"bored"}"#, 422, "validation_failed"),
                ("/v1/jobs/\(job)/hire", #"{"proposalId":"prop_NOSUCH"}"#, 404, "not_found"),
                // Dates invalid and out of range; strings with NUL or too long.
                (
                    "/v1/jobs", #"{"clientId":"\#(client)","title":"T","hiringDeadline":"2026-13-40T00:00:00Z"}"#, 422,
                    "validation_failed"
                ),
                (
                    "/v1/jobs", #"{"clientId":"\#(client)","title":"T","hiringDeadline":"2001-01-01T00:00:00Z"}"#, 422,
                    "validation_failed"
                ),
                (
                    "/v1/jobs", #"{"clientId":"\#(client)","title":"T","hiringDeadline":"tomorrow"}"#, 422,
                    "validation_failed"
                ),
                ("/v1/jobs", #"{"clientId":"\#(client)","title":"a\u0000b"}"#, 422, "validation_failed"),
                (
                    "/v1/jobs", #"{"clientId":"\#(client)","title":"\#(String(repeating: "é", count: 501))"}"#, 422,
                    "validation_failed"
                ),
                ("/v1/jobs", #"{"clientId":"\#(freelancer)","title":"T"}"#, 422, "validation_failed"),
                (
                    "/v1/jobs", #"{"clientId":"\#(client)","title":"T","budget":{"currency":"USD","minor":-5}}"#, 422,
                    "validation_failed"
                ),
                ("/v1/test-clock", #"{"to":"2026-02-30T00:00:00Z"}"#, 422, "validation_failed"),
            ]
            func state() async throws -> [JSONValue] {
                var state: [JSONValue] = []
                for account in [freelancer, client] {
                    state.append(try await api.send(.get, "/v1/accounts/\(account)").json["balance"] ?? .null)
                    state.append(try await api.send(.get, "/v1/accounts/\(account)/entries?limit=500").json)
                }
                state.append(try await api.send(.get, "/v1/jobs?limit=500").json)
                state.append(try await api.send(.get, "/v1/jobs/\(job)/proposals").json)
                return state
            }
            let before = try await state()
            for (path, body, status, code) in cases {
                let reply = try await api.send(.post, path, body: body, idempotencyKey: UUID().uuidString)
                #expect(reply.status == status && reply.code == code, "\(path) \(body): \(reply.status) \(reply.text)")
            }
            let after = try await state()
            for (index, (was, now)) in zip(before, after).enumerated() {
                #expect(was == now, "a refused request changed something (\(index)): \(was) -> \(now)")
            }

            // Unusual but valid text is kept as it was sent: right-to-left marks, 4-byte characters.
            for title in ["\u{202E}ogoL", "Logo 🎨 for a café", "ロゴ"] {
                let reply = try await api.send(
                    .post, "/v1/jobs", body: #"{"clientId":"\#(client)","title":"\#(title)"}"#,
                    idempotencyKey: UUID().uuidString)
                #expect(reply.status == 201 && reply.json["title"]?.stringValue == title, "\(reply.text)")
            }
        }
    }
}
