import ConnectsCore
import Testing

/// The job book's decisions without a database: submissions, costs, and the scheduled ones.
@Suite("The job book's decisions")
struct JobBookTests {
    let t0 = Fixture.start
    let policy = Policy.standard

    func book(budgetMinor: Int64? = 10_000, hiringDeadline: Instant? = nil) throws -> JobBook {
        let job = try JobBook.post(
            id: "job_1", clientID: "acct_client", title: "Logo for a bakery",
            budget: budgetMinor.map { Policy.Money(currency: "USD", minor: $0) }, connectCost: nil,
            hiringDeadline: hiringDeadline, now: t0, policy: policy)
        return JobBook(job: job, proposals: [])
    }

    func applicant(_ id: String, invited: Bool = false) -> Applicant {
        Applicant(freelancerID: id, isFreelancer: true, isInvited: invited)
    }

    @Test("a job's cost comes from its budget's step of the ladder; an operator's cost must be 0 to 100")
    func costs() throws {
        #expect(try book(budgetMinor: 5_000).job.connectCost == 2)
        #expect(try book(budgetMinor: 5_001).job.connectCost == 4)
        #expect(try book(budgetMinor: nil).job.connectCost == 4)
        #expect(try book(budgetMinor: 10_000_000).job.connectCost == 16)
        var book = try book()
        try book.update(title: "Logo", connectCost: 100)
        #expect(book.job.connectCost == 100 && book.job.title == "Logo")
        #expect(throws: ConnectsError.invalidField("connectCost", "must be 0 to 100")) {
            try book.update(title: nil, connectCost: 101)
        }
        #expect(book.job.connectCost == 100)
    }

    @Test("a freelancer applies once; an invitee pays nothing; an agency member's proposal is paid by the agency")
    func submissions() throws {
        var book = try book()
        try book.submit(id: "prop_1", applicant: applicant("acct_a"), boost: nil, now: t0, policy: policy)
        #expect(book.takeEffects() == [.chargeFee(proposalID: "prop_1", payerID: "acct_a", amount: 4)])
        #expect(throws: ConnectsError.self) {
            try book.submit(id: "prop_2", applicant: applicant("acct_a"), boost: nil, now: t0, policy: policy)
        }
        try book.submit(
            id: "prop_3", applicant: applicant("acct_b", invited: true), boost: nil, now: t0, policy: policy)
        #expect(book.takeEffects().isEmpty)
        #expect(book.proposals["prop_3"]?.fee == 0)
        let member = Applicant(
            freelancerID: "acct_c", isFreelancer: true, isInvited: false, agencyID: "acct_agency", isAgencyMember: true)
        try book.submit(id: "prop_4", applicant: member, boost: nil, now: t0, policy: policy)
        #expect(book.takeEffects() == [.chargeFee(proposalID: "prop_4", payerID: "acct_agency", amount: 4)])
        let outsider = Applicant(
            freelancerID: "acct_d", isFreelancer: true, isInvited: false, agencyID: "acct_agency", isAgencyMember: false
        )
        #expect(throws: ConnectsError.self) {
            try book.submit(id: "prop_5", applicant: outsider, boost: nil, now: t0, policy: policy)
        }
        let client = Applicant(freelancerID: "acct_client", isFreelancer: false, isInvited: false)
        #expect(throws: ConnectsError(.notFound, "no freelancer acct_client")) {
            try book.submit(id: "prop_6", applicant: client, boost: nil, now: t0, policy: policy)
        }
        #expect(book.job.proposalCount == 3)
    }

    @Test("a missed hiring deadline closes the job after the auction: fee and captured boost both come back")
    func hiringDeadline() throws {
        var book = try book(hiringDeadline: t0.adding(days: 10))
        try book.submit(id: "prop_1", applicant: applicant("acct_a"), boost: 5, now: t0, policy: policy)
        _ = book.takeEffects()
        try book.runDue(now: t0.adding(days: 10), policy: policy)
        #expect(book.job.status == .closed)
        #expect(
            book.takeEffects() == [
                .captureBoost(proposalID: "prop_1", payerID: "acct_a"),
                .returnConnects(proposalID: "prop_1", payerID: "acct_a", part: .fee, rule: "returns.hiringDeadline"),
                .returnConnects(proposalID: "prop_1", payerID: "acct_a", part: .boost, rule: "returns.hiringDeadline"),
            ])
    }

    @Test("returns.ifWaitingAfterDays gives a waiting proposal's fee back once, opened or not, but not a declined one")
    func waitingReturns() throws {
        var fair = policy
        fair.returns.ifWaitingAfterDays = 15
        #expect(fair.returns.waitingCutoff(now: t0) == t0.adding(days: -15))
        #expect(policy.returns.waitingCutoff(now: t0) == nil)
        #expect(throws: ConnectsError.self) {
            var wrong = fair
            wrong.returns.ifWaitingAfterDays = 0
            try wrong.validate()
        }
        var book = try book()
        for (id, freelancer) in [("prop_1", "acct_a"), ("prop_2", "acct_b"), ("prop_3", "acct_c")] {
            try book.submit(id: id, applicant: applicant(freelancer), boost: nil, now: t0, policy: fair)
        }
        try book.view("prop_2", now: t0)
        try book.decline("prop_3", now: t0, policy: fair)
        _ = book.takeEffects()
        try book.runDue(now: t0.adding(days: 15).adding(milliseconds: -1), policy: fair)
        #expect(book.takeEffects().isEmpty)
        try book.runDue(now: t0.adding(days: 15), policy: fair)
        #expect(
            book.takeEffects() == [
                .returnConnects(
                    proposalID: "prop_1", payerID: "acct_a", part: .fee, rule: "returns.ifWaitingAfterDays"),
                .returnConnects(
                    proposalID: "prop_2", payerID: "acct_b", part: .fee, rule: "returns.ifWaitingAfterDays"),
            ])
        try book.runDue(now: t0.adding(days: 20), policy: fair)
        #expect(book.takeEffects().isEmpty, "returned once")
        #expect(book.job.status == .open && book.proposals["prop_2"]?.isActive == true)
    }

    @Test("with the fairer lines on, an inactive client's job closes with returns, and unviewed fees come back")
    func fairerReturns() throws {
        var fair = policy
        fair.returns.closeJobAfterInactiveDays = 20
        fair.returns.ifUnviewedAfterHours = 48
        #expect(fair.returns.inactivityCutoff(now: t0) == t0.adding(days: -20))
        #expect(fair.returns.unviewedCutoff(now: t0) == t0.adding(hours: -48))
        #expect(policy.returns.unviewedCutoff(now: t0) == nil)

        var unviewed = try book()
        try unviewed.submit(id: "prop_1", applicant: applicant("acct_a"), boost: nil, now: t0, policy: fair)
        _ = unviewed.takeEffects()
        try unviewed.runDue(now: t0.adding(hours: 47), policy: fair)
        #expect(unviewed.takeEffects().isEmpty)
        try unviewed.runDue(now: t0.adding(hours: 48), policy: fair)
        #expect(
            unviewed.takeEffects() == [
                .returnConnects(
                    proposalID: "prop_1", payerID: "acct_a", part: .fee, rule: "returns.ifUnviewedAfterHours")
            ])
        #expect(unviewed.job.status == .open)

        var inactive = try book()
        try inactive.submit(id: "prop_2", applicant: applicant("acct_b"), boost: nil, now: t0, policy: policy)
        try inactive.view("prop_2", now: t0)
        _ = inactive.takeEffects()
        try inactive.runDue(now: t0.adding(days: 20), policy: fair)
        #expect(inactive.job.status == .closed)
        #expect(inactive.proposals["prop_2"]?.returned?.rule == "returns.closeJobAfterInactiveDays")
    }

    @Test("under the default policy an expired job keeps its fees, each proposal saying which rule kept it")
    func expiry() throws {
        var book = try book()
        try book.submit(id: "prop_1", applicant: applicant("acct_a"), boost: nil, now: t0, policy: policy)
        _ = book.takeEffects()
        try book.runDue(now: t0.adding(days: 29), policy: policy)
        #expect(book.job.status == .open)
        try book.runDue(now: t0.adding(days: 30), policy: policy)
        #expect(book.job.status == .expired)
        #expect(book.takeEffects().isEmpty)
        #expect(book.proposals["prop_1"]?.keptBy == "no_return.job_expired")
        #expect(book.keptProposalIDs == ["prop_1"])
    }

    @Test("a hire keeps the others' fees, and those freelancers are the ones to tell; the hired one is not")
    func hireKeeps() throws {
        var book = try book()
        for id in ["a", "b", "c"] {
            try book.submit(
                id: "prop_\(id)", applicant: applicant("acct_\(id)", invited: id == "c"), boost: nil, now: t0,
                policy: policy)
        }
        try book.hire("prop_a", now: t0)
        #expect(book.proposals["prop_b"]?.keptBy == "no_return.hired_other")
        // The invitee paid nothing, so lost nothing: there is nothing to tell.
        #expect(book.proposals["prop_c"]?.keptBy == "no_return.hired_other")
        #expect(book.keptProposalIDs == ["prop_b"])
    }
}

@Suite("The policy document")
struct PolicyTests {
    @Test("the standard policy is valid and is RULES.md's default column")
    func standard() throws {
        try Policy.standard.validate()
        #expect(Policy.standard.plan("basic")?.allotment == 10 && Policy.standard.plan("plus")?.allotment == 100)
        #expect(Policy.standard.reward("signup")?.amount == 40)
        #expect(Policy.standard.boost.maxBid == Limits.boostBidMax)
    }

    @Test("an invalid policy is refused naming its field", arguments: ["boost.maxBid", "plans", "expiry.days"])
    func invalid(field: String) {
        var policy = Policy.standard
        switch field {
        case "boost.maxBid": policy.boost.maxBid = Limits.boostBidMax + 1
        case "plans": policy.plans = []
        default: policy.expiry.days = 0
        }
        do {
            try policy.validate()
            Issue.record("accepted an invalid \(field)")
        } catch {
            #expect(error.code == .validationFailed && error.detail.hasPrefix(field), "\(error)")
        }
    }
}
