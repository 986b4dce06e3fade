import ConnectsCore
import ConnectsServer
import ConnectsStore
import ConnectsTestSupport
import Foundation
import Testing

/// RULES.md's spending and return rows, one scenario each, through HTTP with the test clock.
@Suite("Job and proposal scenarios")
struct JobScenarioTests {
    static let start = Instant(millisecondsSinceEpoch: 1_768_467_600_000)  // 2026-01-15T09:00:00Z

    static func policy(_ change: (inout Policy) -> Void = { _ in }) -> Policy {
        var policy = Policy.standard
        change(&policy)
        return policy
    }

    static func run(
        _ kind: StoreKind,
        _ policy: Policy = JobScenarioTests.policy(),
        _ test: @Sendable (Market) async throws -> Void
    ) async throws {
        try await ServerHarness.run(on: kind, policy: policy, clock: .test(startingAt: start)) { api, database in
            try await test(Market(api: api))
            let report = try await database.verify()
            #expect(report.isClean, "\(report.violations)")
        }
    }

    @Test("a job closed without a hire returns the fee and the captured boost", arguments: StoreKind.allCases)
    func closedWithoutHire(_ kind: StoreKind) async throws {
        try await Self.run(kind) { market in
            let job = try await market.postJob(budgetMinor: 40_000)  // $400: 4 connects
            let (alice, bob) = (try await market.freelancer(), try await market.freelancer())
            let boosted = try await market.submit(job, alice, boost: 12)
            let plain = try await market.submit(job, bob)
            #expect(boosted["fee"]?.intValue == 4 && boosted["boost"]?["state"]?.stringValue == "held")
            #expect(try await market.api.available(alice) == 50 - 4 - 12)
            _ = try await market.act("view", boosted)
            #expect(try await market.proposal(boosted)["boost"]?["state"]?.stringValue == "captured")
            let closed = try await market.api.send(.post, "/v1/jobs/\(job)/close", body: #"{"reason":"no_hire"}"#)
            #expect(closed.json["status"]?.stringValue == "closed")
            let returned = try await market.proposal(boosted)["returned"]
            #expect(
                returned?["amount"]?.intValue == 16 && returned?["rule"]?.stringValue == "returns.jobClosedWithoutHire")
            #expect(try await market.api.available(alice) == 50)
            #expect(try await market.api.available(bob) == 50)
            #expect(try await market.proposal(plain)["status"]?.stringValue == "not_hired")
        }
    }

    @Test("a canceled job returns every fee", arguments: StoreKind.allCases)
    func canceled(_ kind: StoreKind) async throws {
        try await Self.run(kind) { market in
            let job = try await market.postJob(budgetMinor: nil)
            let alice = try await market.freelancer()
            let proposal = try await market.submit(job, alice)
            #expect(proposal["fee"]?.intValue == 4)
            _ = try await market.api.send(.post, "/v1/jobs/\(job)/close", body: #"{"reason":"canceled"}"#)
            #expect(try await market.proposal(proposal)["returned"]?["rule"]?.stringValue == "returns.jobCanceled")
            #expect(try await market.api.available(alice) == 50)
        }
    }

    @Test("a withdrawn proposal is not returned, even when the job is later removed", arguments: StoreKind.allCases)
    func withdrawnThenRemoved(_ kind: StoreKind) async throws {
        try await Self.run(kind) { market in
            let job = try await market.postJob(budgetMinor: 1_000)
            let (alice, bob) = (try await market.freelancer(), try await market.freelancer())
            let withdrawn = try await market.submit(job, alice, boost: 5)
            let kept = try await market.submit(job, bob)
            let after = try await market.act("withdraw", withdrawn)
            #expect(
                after["keptBy"]?.stringValue == "no_return.withdrawn"
                    && after["boost"]?["state"]?.stringValue == "released")
            #expect(try await market.api.available(alice) == 48)
            let removed = try await market.api.send(.post, "/v1/jobs/\(job)/remove", body: #"{"reason":"scam"}"#)
            #expect(removed.json["status"]?.stringValue == "removed")
            #expect(try await market.api.available(alice) == 48)
            #expect(try await market.api.available(bob) == 50)
            #expect(try await market.proposal(kept)["returned"]?["rule"]?.stringValue == "returns.jobRemoved")
        }
    }

    @Test("an expired job returns nothing by default", arguments: StoreKind.allCases, [false, true])
    func expiredJob(_ kind: StoreKind, onJobExpiry: Bool) async throws {
        try await Self.run(kind, Self.policy { $0.returns.onJobExpiry = onJobExpiry }) { market in
            let job = try await market.postJob(budgetMinor: 1_000)
            let alice = try await market.freelancer()
            let proposal = try await market.submit(job, alice)
            _ = try await market.advance(days: 31)
            #expect(try await market.api.send(.get, "/v1/jobs/\(job)").json["status"]?.stringValue == "expired")
            let settled = try await market.proposal(proposal)
            if onJobExpiry {
                #expect(settled["returned"]?["rule"]?.stringValue == "returns.onJobExpiry")
                // 50 at sign-up, the fee back, and February's 10.
                #expect(try await market.api.available(alice) == 60)
            } else {
                #expect(settled["returned"] == .null && settled["keptBy"]?.stringValue == "no_return.job_expired")
                #expect(try await market.api.available(alice) == 58)
            }
        }
    }

    @Test("a declined proposal comes back only with returns.onDecline", arguments: StoreKind.allCases, [false, true])
    func declined(_ kind: StoreKind, onDecline: Bool) async throws {
        try await Self.run(kind, Self.policy { $0.returns.onDecline = onDecline }) { market in
            let job = try await market.postJob(budgetMinor: 1_000)
            let alice = try await market.freelancer()
            let proposal = try await market.submit(job, alice)
            let declined = try await market.act("decline", proposal)
            #expect(declined["status"]?.stringValue == "declined")
            #expect(try await market.api.available(alice) == (onDecline ? 50 : 48))
            #expect(declined["keptBy"]?.stringValue == (onDecline ? nil : "no_return.declined"))
        }
    }

    @Test("hiring someone else returns nothing and closes the auction", arguments: StoreKind.allCases)
    func hiredOther(_ kind: StoreKind) async throws {
        try await Self.run(kind) { market in
            let job = try await market.postJob(budgetMinor: 1_000)
            let (alice, bob) = (try await market.freelancer(), try await market.freelancer())
            let winner = try await market.submit(job, alice)
            let loser = try await market.submit(job, bob, boost: 3)
            let hired = try await market.api.send(
                .post, "/v1/jobs/\(job)/hire", body: #"{"proposalId":"\#(winner["id"]!.stringValue!)"}"#)
            #expect(hired.json["status"]?.stringValue == "filled")
            let lost = try await market.proposal(loser)
            #expect(
                lost["status"]?.stringValue == "not_hired" && lost["keptBy"]?.stringValue == "no_return.hired_other")
            // Bob's boost held a slot at the auction's close (the first hire): it is paid.
            #expect(lost["boost"]?["state"]?.stringValue == "captured")
            #expect(try await market.api.available(bob) == 45)
            // Bob is told that his fee and boost were kept, and why; Alice, who was hired, is not.
            let bobsFeed = try await market.api.send(.get, "/v1/accounts/\(bob)/notifications").json["data"]?.arrayValue
            let kept = bobsFeed?.first { $0["type"]?.stringValue == "proposal.fee_kept" }
            #expect(kept?["data"]?["rule"]?.stringValue == "no_return.hired_other")
            #expect(kept?["data"]?["kept"]?.intValue == 5 && kept?["data"]?["jobId"]?.stringValue == job)
            let alicesFeed =
                try await market.api.send(.get, "/v1/accounts/\(alice)/notifications").json["data"]?
                .arrayValue ?? []
            #expect(!alicesFeed.contains { $0["type"]?.stringValue == "proposal.fee_kept" })
            let late = try await market.api.send(
                .post, "/v1/jobs/\(job)/proposals", body: #"{"freelancerId":"\#(try await market.freelancer())"}"#,
                idempotencyKey: "late"
            )
            #expect(late.code == "job_not_open")
        }
    }

    @Test("unviewed proposals come back after the policy's hours, viewed ones do not", arguments: StoreKind.allCases)
    func unviewed(_ kind: StoreKind) async throws {
        try await Self.run(kind, Self.policy { $0.returns.ifUnviewedAfterHours = 48 }) { market in
            let job = try await market.postJob(budgetMinor: 1_000)
            let (alice, bob) = (try await market.freelancer(), try await market.freelancer())
            let ignored = try await market.submit(job, alice)
            let seen = try await market.submit(job, bob)
            _ = try await market.act("view", seen)
            _ = try await market.advance(hours: 47)
            #expect(try await market.api.available(alice) == 48)
            _ = try await market.advance(hours: 2)
            #expect(
                try await market.proposal(ignored)["returned"]?["rule"]?.stringValue == "returns.ifUnviewedAfterHours")
            #expect(try await market.api.available(alice) == 50)
            #expect(try await market.api.available(bob) == 48)
        }
    }

    @Test(
        "with returns.ifWaitingAfterDays, a proposal left waiting gets its fee back, opened or not; a declined one does not",
        arguments: StoreKind.allCases)
    func waiting(_ kind: StoreKind) async throws {
        try await Self.run(kind, Self.policy { $0.returns.ifWaitingAfterDays = 15 }) { market in
            let job = try await market.postJob(budgetMinor: 1_000)
            let (alice, bob, carol) = (
                try await market.freelancer(), try await market.freelancer(), try await market.freelancer()
            )
            let ignored = try await market.submit(job, alice)
            let opened = try await market.submit(job, bob)
            let declined = try await market.submit(job, carol)
            _ = try await market.act("view", opened)
            _ = try await market.act("decline", declined)
            _ = try await market.advance(days: 14)
            #expect(try await market.api.available(alice) == 48)
            _ = try await market.advance(days: 1, hours: 1)
            for proposal in [ignored, opened] {
                #expect(
                    try await market.proposal(proposal)["returned"]?["rule"]?.stringValue
                        == "returns.ifWaitingAfterDays")
            }
            #expect(try await market.api.available(alice) == 50)
            #expect(try await market.api.available(bob) == 50)
            #expect(try await market.api.available(carol) == 48)
            // Still in the running: the client may hire the one who waited; nothing is charged or returned twice.
            let hired = try await market.api.send(
                .post, "/v1/jobs/\(job)/hire", body: #"{"proposalId":"\#(opened["id"]?.stringValue ?? "")"}"#,
                idempotencyKey: UUID().uuidString)
            #expect(hired.status == 200 || hired.status == 201, "\(hired.text)")
            #expect(try await market.api.available(bob) == 50)
            #expect(try await market.api.available(alice) == 50)
        }
    }

    @Test("a missed hiring deadline closes the job and returns every fee", arguments: StoreKind.allCases)
    func hiringDeadline(_ kind: StoreKind) async throws {
        try await Self.run(kind) { market in
            let job = try await market.postJob(budgetMinor: 1_000, hiringDeadline: "2026-01-20T09:00:00Z")
            let alice = try await market.freelancer()
            let proposal = try await market.submit(job, alice)
            _ = try await market.advance(days: 6)
            #expect(try await market.api.send(.get, "/v1/jobs/\(job)").json["status"]?.stringValue == "closed")
            #expect(try await market.proposal(proposal)["returned"]?["rule"]?.stringValue == "returns.hiringDeadline")
            #expect(try await market.api.available(alice) == 50)
        }
    }

    @Test("client inactivity closes the job under returns.closeJobAfterInactiveDays", arguments: StoreKind.allCases)
    func inactivity(_ kind: StoreKind) async throws {
        try await Self.run(kind, Self.policy { $0.returns.closeJobAfterInactiveDays = 10 }) { market in
            let job = try await market.postJob(budgetMinor: 1_000)
            let alice = try await market.freelancer()
            let proposal = try await market.submit(job, alice)
            _ = try await market.advance(days: 9)
            _ = try await market.act("view", proposal)  // the client is active again
            _ = try await market.advance(days: 9)
            #expect(try await market.api.available(alice) == 48)
            _ = try await market.advance(days: 2)
            #expect(
                try await market.proposal(proposal)["returned"]?["rule"]?.stringValue
                    == "returns.closeJobAfterInactiveDays")
            #expect(try await market.api.available(alice) == 50)
        }
    }

    @Test(
        "costs follow the budget ladder; a change affects only later proposals; invitees pay nothing",
        arguments: StoreKind.allCases)
    func costs(_ kind: StoreKind) async throws {
        try await Self.run(kind) { market in
            for (budget, cost) in [(Int64?(4_000), 2), (40_000, 4), (400_000, 8), (4_000_000, 16), (nil, 4)]
                as [(Int64?, Int64)]
            {
                let job = try await market.postJob(budgetMinor: budget)
                #expect(try await market.api.send(.get, "/v1/jobs/\(job)").json["connectCost"]?.intValue == cost)
            }
            let job = try await market.postJob(budgetMinor: 4_000)
            let (alice, bob, carol) = (
                try await market.freelancer(), try await market.freelancer(), try await market.freelancer()
            )
            let first = try await market.submit(job, alice)
            _ = try await market.api.send(.patch, "/v1/jobs/\(job)", body: #"{"connectCost":6}"#)
            let second = try await market.submit(job, bob)
            #expect(first["fee"]?.intValue == 2 && second["fee"]?.intValue == 6)
            _ = try await market.api.send(.post, "/v1/jobs/\(job)/invitations", body: #"{"freelancerId":"\#(carol)"}"#)
            let invited = try await market.submit(job, carol)
            #expect(invited["fee"]?.intValue == 0 && invited["invited"] == .bool(true))
            #expect(try await market.api.available(carol) == 50)
            let bad = try await market.api.send(.patch, "/v1/jobs/\(job)", body: #"{"connectCost":101}"#)
            #expect(bad.code == "validation_failed")
        }
    }

    @Test("one proposal per freelancer per job; a second is refused and charges nothing", arguments: StoreKind.allCases)
    func onePerJob(_ kind: StoreKind) async throws {
        try await Self.run(kind) { market in
            let job = try await market.postJob(budgetMinor: 1_000)
            let alice = try await market.freelancer()
            _ = try await market.submit(job, alice)
            let again = try await market.api.send(
                .post, "/v1/jobs/\(job)/proposals", body: #"{"freelancerId":"\#(alice)"}"#, idempotencyKey: "again"
            )
            #expect(again.status == 409 && again.code == "already_applied")
            #expect(try await market.api.available(alice) == 48)
        }
    }

    @Test("a proposal names a freelancer: a client's or an unknown account is not found", arguments: StoreKind.allCases)
    func proposalNamesAFreelancer(_ kind: StoreKind) async throws {
        try await Self.run(kind) { market in
            let job = try await market.postJob(budgetMinor: 1_000)
            for payer in [market.client, "acct_missing"] {
                let reply = try await market.api.send(
                    .post, "/v1/jobs/\(job)/proposals", body: #"{"freelancerId":"\#(payer)"}"#,
                    idempotencyKey: "as-\(payer)")
                #expect(reply.status == 404 && reply.code == "not_found", "\(reply.text)")
            }
            let alice = try await market.freelancer()
            _ = try await market.submit(job, alice)
            #expect(try await market.api.available(alice) == 48)
        }
    }

    @Test(
        "without enough connects, or with a closed account, a proposal is refused and nothing moves",
        arguments: StoreKind.allCases)
    func refusedProposals(_ kind: StoreKind) async throws {
        try await Self.run(kind) { market in
            let job = try await market.postJob(budgetMinor: 4_000_000)  // 16 connects
            let alice = try await market.freelancer()
            let big = try await market.api.send(
                .post, "/v1/jobs/\(job)/proposals", body: #"{"freelancerId":"\#(alice)","boost":40}"#,
                idempotencyKey: "big"
            )
            #expect(big.code == "insufficient_connects")
            let overMax = try await market.api.send(
                .post, "/v1/jobs/\(job)/proposals", body: #"{"freelancerId":"\#(alice)","boost":1001}"#,
                idempotencyKey: "max"
            )
            #expect(overMax.code == "limit_exceeded")
            #expect(try await market.api.available(alice) == 50)
            _ = try await market.api.send(.post, "/v1/accounts/\(alice)/close", body: "{}")
            let closed = try await market.api.send(
                .post, "/v1/jobs/\(job)/proposals", body: #"{"freelancerId":"\#(alice)"}"#, idempotencyKey: "closed"
            )
            #expect(closed.code == "account_closed")
            #expect(try await market.api.send(.get, "/v1/jobs/\(job)").json["proposalCount"]?.intValue == 0)
        }
    }

    @Test(
        "the top bids hold the slots; the outbid are released in full and listed after them",
        arguments: StoreKind.allCases)
    func boostAuction(_ kind: StoreKind) async throws {
        try await Self.run(kind) { market in
            let job = try await market.postJob(budgetMinor: 1_000)
            var proposals: [JSONValue] = []
            var freelancers: [String] = []
            for bid in [5, 9, 7, 3, 8] as [Int64] {
                let freelancer = try await market.freelancer()
                freelancers.append(freelancer)
                proposals.append(try await market.submit(job, freelancer, boost: bid))
            }
            // A second later, so that the order by submission time does not fall to the ids' random part.
            _ = try await market.api.send(.post, "/v1/test-clock", body: #"{"advanceSeconds":1}"#)
            let plain = try await market.submit(job, try await market.freelancer())
            // Four slots: 9, 8, 7, 5 hold them; 3 never made it.
            #expect(try await market.proposal(proposals[3])["boost"]?["state"]?.stringValue == "released")
            #expect(try await market.api.available(freelancers[3]) == 48)
            let ordered = try await market.api.send(.get, "/v1/jobs/\(job)/proposals").json["data"]?.arrayValue ?? []
            #expect(ordered.compactMap { $0["boost"]?["bid"]?.intValue } == [9, 8, 7, 5, 3])
            #expect(ordered.count == 6 && ordered.last?["id"] == plain["id"])
            // A bid of 6 pushes out the 5 before any client interaction: released in full.
            let pusher = try await market.freelancer()
            _ = try await market.submit(job, pusher, boost: 6)
            #expect(try await market.proposal(proposals[0])["boost"]?["state"]?.stringValue == "released")
            #expect(try await market.api.available(freelancers[0]) == 48)
            // The release says why: outbid (a rule the history explains); the window's end captures.
            let releases = try await market.api.send(.get, "/v1/accounts/\(freelancers[0])/entries?kind=release")
            #expect(releases.json["data"]?.arrayValue?.first?["rule"]?.stringValue == "boost.outbid")
            let bids = try await market.api.send(.get, "/v1/jobs/\(job)/bids").json
            #expect(bids["bids"]?.arrayValue?.compactMap { $0["bid"]?.intValue } == [9, 8, 7, 6])
            #expect(bids["bids"]?.arrayValue?.first?["freelancerId"] == nil)
            // The window ends: every slot holder pays its bid.
            _ = try await market.advance(days: 8)
            #expect(try await market.proposal(proposals[1])["boost"]?["state"]?.stringValue == "captured")
            #expect(try await market.api.available(freelancers[1]) == 50 - 2 - 9)
        }
    }

    @Test("an agency's members propose from the agency's pool, and only members", arguments: StoreKind.allCases)
    func agencyPool(_ kind: StoreKind) async throws {
        try await Self.run(kind) { market in
            let agency = try await market.api.send(.post, "/v1/accounts", body: #"{"externalId":"ag","kind":"agency"}"#)
                .json["id"]!.stringValue!
            let (member, outsider) = (try await market.freelancer(), try await market.freelancer())
            _ = try await market.api.send(
                .post, "/v1/accounts/\(agency)/members", body: #"{"freelancerId":"\#(member)"}"#)
            let job = try await market.postJob(budgetMinor: 1_000)
            let proposal = try await market.api.send(
                .post, "/v1/jobs/\(job)/proposals", body: #"{"freelancerId":"\#(member)","agencyId":"\#(agency)"}"#,
                idempotencyKey: "ag-1"
            )
            #expect(proposal.status == 201)
            #expect(try await market.api.available(agency) == 48)
            #expect(try await market.api.available(member) == 50)
            let refused = try await market.api.send(
                .post, "/v1/jobs/\(job)/proposals", body: #"{"freelancerId":"\#(outsider)","agencyId":"\#(agency)"}"#,
                idempotencyKey: "ag-2"
            )
            #expect(refused.code == "validation_failed")
        }
    }
}

/// A small marketplace driven over HTTP.
struct Market: Sendable {
    let api: API
    let client: String

    init(api: API) async throws {
        self.api = api
        let created = try await api.send(
            .post, "/v1/accounts", body: #"{"externalId":"\#(UUID().uuidString)","kind":"client"}"#)
        client = created.json["id"]?.stringValue ?? ""
    }

    func freelancer() async throws -> String { try await api.makeFreelancer() }

    func postJob(budgetMinor: Int64?, hiringDeadline: String? = nil) async throws -> String {
        var fields = [#""clientId":"\#(client)""#, #""title":"A job""#]
        if let budgetMinor { fields.append(#""budget":{"currency":"USD","minor":\#(budgetMinor)}"#) }
        if let hiringDeadline { fields.append(#""hiringDeadline":"\#(hiringDeadline)""#) }
        let reply = try await api.send(.post, "/v1/jobs", body: "{" + fields.joined(separator: ",") + "}")
        #expect(reply.status == 201, "\(reply.text)")
        return reply.json["id"]?.stringValue ?? ""
    }

    func submit(_ job: String, _ freelancer: String, boost: Int64? = nil) async throws -> JSONValue {
        let boostField = boost.map { #","boost":\#($0)"# } ?? ""
        let reply = try await api.send(
            .post, "/v1/jobs/\(job)/proposals", body: #"{"freelancerId":"\#(freelancer)"\#(boostField)}"#,
            idempotencyKey: UUID().uuidString
        )
        #expect(reply.status == 201, "\(reply.text)")
        return reply.json
    }

    func proposal(_ proposal: JSONValue) async throws -> JSONValue {
        try await api.send(.get, "/v1/proposals/\(proposal["id"]?.stringValue ?? "")").json
    }

    func act(_ action: String, _ proposal: JSONValue) async throws -> JSONValue {
        let reply = try await api.send(
            .post, "/v1/proposals/\(proposal["id"]?.stringValue ?? "")/\(action)", body: "{}")
        #expect(reply.status == 200, "\(reply.text)")
        return reply.json
    }

    func advance(days: Int64 = 0, hours: Int64 = 0) async throws -> JSONValue {
        try await api.send(.post, "/v1/test-clock", body: #"{"advanceSeconds":\#(days * 86_400 + hours * 3_600)}"#).json
    }
}
