import ConnectsCore
import ConnectsServer
import ConnectsStore
import ConnectsTestSupport
import Foundation
import Testing

/// RULES.md's rows as scenarios, through HTTP, with the test clock.
@Suite("Economy scenarios")
struct EconomyScenarioTests {
    /// 2026-01-31T10:00:00Z: a sign-up on the 31st.
    static let january31 = Instant(millisecondsSinceEpoch: 1_769_853_600_000)
    /// 2026-01-15T09:00:00Z.
    static let january15 = Instant(millisecondsSinceEpoch: 1_768_467_600_000)

    func kinds(_ api: API, _ account: String) async throws -> [String] {
        let entries =
            try await api.send(.get, "/v1/accounts/\(account)/entries?limit=500").json["data"]?.arrayValue ?? []
        return entries.reversed().compactMap { $0["kind"]?.stringValue }
    }

    @Test("GET /v1/policy writes every member, an absent option as null, and sent back unchanged it changes nothing")
    func policyRoundTrip() async throws {
        try await ServerHarness.run(policy: .standard) { api, _ in
            let read = try await api.send(.get, "/v1/policy")
            let policy = try #require(read.json["policy"])
            #expect(policy["returns"]?["ifUnviewedAfterHours"] == .null)
            #expect(policy["plans"]?.arrayValue?.first?["rolloverCap"] == .null)
            #expect(read.text.contains(#""closeJobAfterInactiveDays":null"#))
            let written = try await api.send(.put, "/v1/policy", body: #"{"policy":\#(policy.serializedText)}"#)
            #expect(written.status == 200 && written.json["version"] == read.json["version"], "\(written.text)")
        }
    }

    @Test("a new freelancer gets the sign-up reward and the first allotment at once", arguments: StoreKind.allCases)
    func signup(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind, policy: .standard) { api, _ in
            let account = try await api.makeFreelancer()
            #expect(try await api.available(account) == 50)
            #expect(try await kinds(api, account) == ["reward", "grant"])
            let details = try await api.send(.get, "/v1/accounts/\(account)").json
            #expect(details["plan"]?.stringValue == "basic")
            #expect(details["cycle"]?["nextGrantAt"]?.stringValue != nil)
        }
    }

    @Test(
        "an account created on January 31 gets its next grant on February 28, then March 31",
        arguments: StoreKind.allCases)
    func shortMonth(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind, policy: .standard, clock: .test(startingAt: Self.january31)) { api, _ in
            let account = try await api.makeFreelancer()
            let next = try await api.send(.get, "/v1/accounts/\(account)").json["cycle"]?["nextGrantAt"]?.stringValue
            #expect(next == "2026-02-28T10:00:00.000Z")
            _ = try await api.send(.post, "/v1/test-clock", body: #"{"to":"2026-02-28T09:59:59Z"}"#)
            #expect(try await api.available(account) == 50)
            _ = try await api.send(.post, "/v1/test-clock", body: #"{"to":"2026-02-28T10:00:00Z"}"#)
            #expect(try await api.available(account) == 60)
            let after = try await api.send(.get, "/v1/accounts/\(account)").json["cycle"]?["nextGrantAt"]?.stringValue
            #expect(after == "2026-03-31T10:00:00.000Z")
        }
    }

    @Test(
        "three cycles are each granted once, even when the clock jumps three months at once",
        arguments: StoreKind.allCases)
    func clockJump(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind, policy: .standard, clock: .test(startingAt: Self.january15)) {
            api, database in
            let account = try await api.makeFreelancer()
            let moved = try await api.send(.post, "/v1/test-clock", body: #"{"advanceSeconds":\#(91 * 86_400)}"#)
            #expect(moved.status == 200)
            #expect(try await kinds(api, account).filter { $0 == "grant" }.count == 4)
            #expect(try await api.available(account) == 80)
            // Advancing again without reaching a new cycle grants nothing more.
            _ = try await api.send(.post, "/v1/test-clock", body: #"{"advanceSeconds":3600}"#)
            #expect(try await api.available(account) == 80)
            // A move runs every pass on its way, so it is bounded: ten years, whichever way it is asked.
            for body in [#"{"to":"2999-01-01T00:00:00Z"}"#, #"{"advanceSeconds":\#(10 * 366 * 86_400 + 1)}"#] {
                let refused = try await api.send(.post, "/v1/test-clock", body: body)
                #expect(refused.status == 422 && refused.code == "validation_failed", "\(body)")
            }
            #expect(try await api.available(account) == 80)
            #expect(try await database.verify().isClean)
        }
    }

    @Test("a Plus freelancer who downgrades keeps the cycle and gets 10 at the next one", arguments: StoreKind.allCases)
    func downgrade(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind, policy: .standard, clock: .test(startingAt: Self.january15)) { api, _ in
            let created = try await api.send(
                .post, "/v1/accounts", body: #"{"externalId":"p","kind":"freelancer","plan":"plus"}"#)
            let account = created.json["id"]?.stringValue ?? ""
            #expect(try await api.available(account) == 140)
            let changed = try await api.send(.put, "/v1/accounts/\(account)/plan", body: #"{"plan":"basic"}"#).json
            #expect(changed["plan"]?.stringValue == "plus" && changed["pendingPlan"]?.stringValue == "basic")
            #expect(try await api.available(account) == 140)
            _ = try await api.send(.post, "/v1/test-clock", body: #"{"to":"2026-02-15T09:00:00Z"}"#)
            let after = try await api.send(.get, "/v1/accounts/\(account)").json
            #expect(after["plan"]?.stringValue == "basic" && after["pendingPlan"] == .null)
            #expect(after["balance"]?["available"]?.intValue == 150)
        }
    }

    @Test(
        "a failed payment moves the account to Basic at once, keeping its cycle and its connects",
        arguments: StoreKind.allCases)
    func failedPayment(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind, policy: .standard, clock: .test(startingAt: Self.january15)) { api, _ in
            let created = try await api.send(
                .post, "/v1/accounts", body: #"{"externalId":"p","kind":"freelancer","plan":"plus"}"#)
            let account = created.json["id"]?.stringValue ?? ""
            let lapsed = try await api.send(
                .put, "/v1/accounts/\(account)/plan", body: #"{"plan":"basic","reason":"payment_failed"}"#
            ).json
            #expect(lapsed["plan"]?.stringValue == "basic" && lapsed["pendingPlan"] == .null)
            #expect(lapsed["balance"]?["available"]?.intValue == 140)
            #expect(lapsed["cycle"]?["nextGrantAt"] == created.json["cycle"]?["nextGrantAt"])
            _ = try await api.send(.post, "/v1/test-clock", body: #"{"to":"2026-02-15T09:00:00Z"}"#)
            #expect(try await api.available(account) == 150)
        }
    }

    @Test("an upgrade starts a new cycle now with the full new allotment", arguments: StoreKind.allCases)
    func upgrade(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind, policy: .standard, clock: .test(startingAt: Self.january15)) { api, _ in
            let account = try await api.makeFreelancer()
            _ = try await api.send(.post, "/v1/test-clock", body: #"{"to":"2026-01-20T12:00:00Z"}"#)
            let upgraded = try await api.send(.put, "/v1/accounts/\(account)/plan", body: #"{"plan":"plus"}"#).json
            #expect(upgraded["plan"]?.stringValue == "plus")
            #expect(upgraded["balance"]?["available"]?.intValue == 150)
            #expect(upgraded["cycle"]?["nextGrantAt"]?.stringValue == "2026-02-20T12:00:00.000Z")
            let unknown = try await api.send(.put, "/v1/accounts/\(account)/plan", body: #"{"plan":"gold"}"#)
            #expect(unknown.code == "validation_failed")
        }
    }

    @Test(
        "an upgrade at the very instant of sign-up grants the new plan's allotment too, with no error",
        arguments: StoreKind.allCases)
    func upgradeAtSignUp(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind, policy: .standard, clock: .test(startingAt: Self.january15)) { api, db in
            let account = try await api.makeFreelancer()
            let upgraded = try await api.send(.put, "/v1/accounts/\(account)/plan", body: #"{"plan":"plus"}"#)
            #expect(upgraded.status == 200, "\(upgraded.text)")
            #expect(upgraded.json["balance"]?["available"]?.intValue == 150)
            #expect(try await kinds(api, account) == ["reward", "grant", "grant"])
            // The next cycle of the new plan is granted once, a month later.
            _ = try await api.send(.post, "/v1/test-clock", body: #"{"to":"2026-02-15T09:00:00Z"}"#)
            #expect(try await api.available(account) == 250)
            #expect(try await db.verify().violations.isEmpty)
        }
    }

    @Test(
        "connects expire a year after they are granted, and the expiry is in the history", arguments: StoreKind.allCases
    )
    func expiry(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind, policy: .standard, clock: .test(startingAt: Self.january15)) { api, _ in
            let account = try await api.makeFreelancer()
            _ = try await api.send(.put, "/v1/accounts/\(account)/plan", body: #"{"plan":"basic"}"#)
            _ = try await api.send(.post, "/v1/test-clock", body: #"{"to":"2027-01-15T09:00:00Z"}"#)
            let history = try await kinds(api, account)
            #expect(history.contains("expire"))
            // The sign-up reward and first grant (50) are gone; the 12 monthly grants since remain.
            #expect(try await api.available(account) == 120)
        }
    }

    @Test("a rollover cap forfeits plan connects above it, never purchased ones", arguments: StoreKind.allCases)
    func rolloverCap(_ kind: StoreKind) async throws {
        var policy = Policy.standard
        policy.plans = [
            Policy.Plan(key: "basic", allotment: 10, rolloverCap: 5), Policy.Plan(key: "plus", allotment: 100),
        ]
        try await ServerHarness.run(on: kind, policy: policy, clock: .test(startingAt: Self.january15)) { api, _ in
            let account = try await api.makeFreelancer()
            let bought = try await api.send(
                .post, "/v1/accounts/\(account)/purchases",
                body: #"{"quantity":20,"paymentReference":"pay-1","amountPaid":{"currency":"USD","minor":300}}"#,
                idempotencyKey: "buy-1"
            )
            #expect(bought.status == 201)
            _ = try await api.send(.post, "/v1/test-clock", body: #"{"to":"2026-02-15T09:00:00Z"}"#)
            // Plan connects: the first 10 are capped to 5 before the new 10 arrive; the 40 of the sign-up
            // reward and the 20 bought are never forfeited.
            #expect(try await api.available(account) == 75)
            let entries = try await api.send(.get, "/v1/accounts/\(account)/entries?kind=forfeit").json["data"]?
                .arrayValue
            #expect(entries?.first?["rule"]?.stringValue == "plans.rolloverCap")
        }
    }

    @Test("a payment reference buys connects once", arguments: StoreKind.allCases)
    func purchases(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind, policy: .standard) { api, _ in
            let account = try await api.makeFreelancer()
            let bundles = try await api.send(.get, "/v1/bundles").json
            #expect(bundles["pricePerConnect"]?["minor"]?.intValue == 15)
            let body = #"{"quantity":40,"paymentReference":"ch_1","amountPaid":{"currency":"USD","minor":600}}"#
            let first = try await api.send(.post, "/v1/accounts/\(account)/purchases", body: body, idempotencyKey: "a")
            #expect(first.status == 201)
            let again = try await api.send(.post, "/v1/accounts/\(account)/purchases", body: body, idempotencyKey: "b")
            #expect(again.status == 200 && again.json["id"] == first.json["id"])
            let other = try await api.send(
                .post, "/v1/accounts/\(account)/purchases",
                body: #"{"quantity":20,"paymentReference":"ch_1","amountPaid":{"currency":"USD","minor":300}}"#,
                idempotencyKey: "c"
            )
            #expect(other.status == 409 && other.code == "payment_reference_used")
            let wrongPrice = try await api.send(
                .post, "/v1/accounts/\(account)/purchases",
                body: #"{"quantity":20,"paymentReference":"ch_2","amountPaid":{"currency":"USD","minor":299}}"#,
                idempotencyKey: "d"
            )
            #expect(wrongPrice.status == 422 && wrongPrice.json["detail"]?.stringValue?.hasPrefix("amountPaid") == true)
            #expect(try await api.available(account) == 90)
        }
    }

    @Test("Rising Talent is granted once, even when asked twice at once", arguments: StoreKind.allCases)
    func risingTalentOnce(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind, policy: .standard) { api, database in
            let account = try await api.makeFreelancer()
            let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await api.send(
                            .post, "/v1/accounts/\(account)/rewards", body: #"{"reward":"rising_talent"}"#,
                            idempotencyKey: "rt-\(index)"
                        )
                    }
                }
                return try await group.reduce(into: [Reply]()) { $0.append($1) }
            }
            #expect(replies.filter { $0.status == 201 }.count == 1)
            #expect(replies.filter { $0.status == 200 }.count == 19)
            #expect(Set(replies.compactMap { $0.json["entry"]?["id"]?.stringValue }).count == 1)
            #expect(try await api.available(account) == 80)
            #expect(try await database.verify().isClean)
        }
    }

    @Test(
        "interview rewards need an established client, stop at 50 per 7 days, and say which rule stopped them",
        arguments: StoreKind.allCases)
    func interviewRewards(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind, policy: .standard, clock: .test(startingAt: Self.january15)) { api, _ in
            let market = try await Market(api: api)
            let alice = try await market.freelancer()
            func reward(_ proposal: JSONValue, _ key: String) async throws -> Reply {
                try await api.send(
                    .post, "/v1/accounts/\(alice)/rewards",
                    body: #"{"reward":"interview_won","scope":"\#(proposal["id"]?.stringValue ?? "")"}"#,
                    idempotencyKey: key
                )
            }
            // A client who has never hired is not established.
            let firstJob = try await market.postJob(budgetMinor: 1_000)
            let early = try await market.submit(firstJob, alice)
            let notEstablished = try await reward(early, "early")
            #expect(notEstablished.status == 200 && notEstablished.json["granted"] == .bool(false))
            #expect(notEstablished.json["rule"]?.stringValue == "rewards.interview_won.establishedClientOnly")
            let hire = try await api.send(
                .post, "/v1/jobs/\(firstJob)/hire", body: #"{"proposalId":"\#(early["id"]!.stringValue!)"}"#)
            #expect(hire.status == 200)
            var proposals: [JSONValue] = []
            for _ in 0..<7 {
                proposals.append(try await market.submit(try await market.postJob(budgetMinor: 1_000), alice))
            }
            for index in 0..<5 {
                #expect(try await reward(proposals[index], "iw-\(index)").status == 201)
            }
            #expect(try await reward(proposals[0], "iw-again").status == 200)
            let capped = try await reward(proposals[5], "iw-5")
            #expect(capped.status == 200 && capped.json["granted"] == .bool(false))
            #expect(capped.json["rule"]?.stringValue == "rewards.interview_won.capPer7Days")
            let noScope = try await api.send(
                .post, "/v1/accounts/\(alice)/rewards", body: #"{"reward":"interview_won"}"#, idempotencyKey: "iw-x"
            )
            #expect(noScope.code == "validation_failed")
            _ = try await api.send(.post, "/v1/test-clock", body: #"{"advanceSeconds":\#(7 * 86_400 + 1)}"#)
            #expect(try await reward(proposals[6], "iw-6").status == 201)
        }
    }

    @Test("a promo code is redeemed once per account and no more than its cap", arguments: StoreKind.allCases)
    func promoCodes(_ kind: StoreKind) async throws {
        var policy = Policy.standard
        policy.promoCodes = [Policy.PromoCode(code: "WELCOME5", amount: 5, maxRedemptions: 2)]
        try await ServerHarness.run(on: kind, policy: policy) { api, _ in
            let (a, b, c) = (
                try await api.makeFreelancer(), try await api.makeFreelancer(), try await api.makeFreelancer()
            )
            func redeem(_ account: String, _ code: String = "WELCOME5") async throws -> Reply {
                try await api.send(
                    .post, "/v1/accounts/\(account)/promo-codes/\(code)/redeem", idempotencyKey: UUID().uuidString)
            }
            #expect(try await redeem(a).status == 201)
            #expect(try await redeem(a).status == 200)
            #expect(try await redeem(b).status == 201)
            let usedUp = try await redeem(c)
            #expect(usedUp.status == 409 && usedUp.code == "invalid_state")
            #expect(try await redeem(c, "NOPE").status == 404)
            #expect(try await api.available(a) == 55)
            #expect(try await api.available(c) == 50)
        }
    }

    @Test("a policy is validated whole, versioned, and names the field it refuses", arguments: StoreKind.allCases)
    func policyVersions(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind, policy: .standard) { api, _ in
            let current = try await api.send(.get, "/v1/policy").json
            #expect(current["version"]?.intValue == 1)
            #expect(current["policy"]?["plans"]?.arrayValue?.count == 2)
            let document = JSONCodingForTests.text(current["policy"]!)
            let bad = document.replacingOccurrences(of: #""windowDays":7"#, with: #""windowDays":0"#)
            let refused = try await api.send(.put, "/v1/policy", body: #"{"policy":\#(bad)}"#)
            #expect(refused.status == 422 && refused.json["detail"]?.stringValue?.hasPrefix("boost.windowDays") == true)
            let wrongType = document.replacingOccurrences(of: #""onDecline":false"#, with: #""onDecline":"yes""#)
            let typeRefused = try await api.send(.put, "/v1/policy", body: #"{"policy":\#(wrongType)}"#)
            #expect(
                typeRefused.status == 422
                    && typeRefused.json["detail"]?.stringValue?.hasPrefix("policy.returns.onDecline") == true)
            let fairer = document.replacingOccurrences(of: #""onDecline":false"#, with: #""onDecline":true"#)
            let stored = try await api.send(.put, "/v1/policy", body: #"{"policy":\#(fairer)}"#)
            #expect(stored.status == 200 && stored.json["version"]?.intValue == 2)
            #expect(try await api.send(.get, "/v1/policy").json["policy"]?["returns"]?["onDecline"] == .bool(true))
            let support = try await api.makeKey(role: "support")
            #expect(
                try await api.send(.put, "/v1/policy", body: #"{"policy":\#(fairer)}"#, key: support).code
                    == "forbidden")
        }
    }

    @Test("the test clock is off unless the server was started with it", arguments: StoreKind.allCases)
    func testClockOff(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind) { api, _ async throws in
            #expect(try await api.send(.get, "/v1/test-clock").status == 404)
            #expect(try await api.send(.post, "/v1/test-clock", body: #"{"advanceSeconds":1}"#).status == 404)
        }
    }
}

enum JSONCodingForTests {
    static func text(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
    }
}
