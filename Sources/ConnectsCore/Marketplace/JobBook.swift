/// A job and its proposals, and the pure decisions taken on them: fees, boosts and the slot auction,
/// client interactions, hires, closes and every return rule of RULES.md.
///
/// A decision updates this value and appends ``JobEffect``s: ledger movements for the store to carry out
/// on the payers' accounts (fees, holds, captures, releases, returns), in order. The store writes back
/// the entries they produce (``attach(feeEntryID:to:)`` and friends) and persists the job and the
/// changed proposals in the same transaction.
public struct JobBook: Sendable {
    public private(set) var job: Job
    /// The job before this value's decisions: a store reports a job that ends from its status, and
    /// writes only the columns that changed.
    public let storedJob: Job
    public private(set) var proposals: [String: Proposal]
    public private(set) var effects: [JobEffect] = []
    public private(set) var changedProposalIDs: Set<String> = []
    /// The proposals submitted to this value (not yet stored), a subset of ``changedProposalIDs``.
    public private(set) var submittedProposalIDs: Set<String> = []
    /// Proposals whose payment this value's decisions kept by a rule their freelancer did not choose
    /// (someone else hired, a decline, the job's expiry), in decision order: each freelancer is told how
    /// much was kept and by which rule, as the client is told that the job closed.
    public private(set) var keptProposalIDs: [String] = []

    public init(job: Job, proposals: [Proposal]) {
        self.job = job
        self.storedJob = job
        self.proposals = Dictionary(uniqueKeysWithValues: proposals.map { ($0.id, $0) })
    }

    /// A new open job; the cost comes from the budget ladder unless the operator sets one (0...100).
    public static func post(
        id: String,
        clientID: String,
        title: String,
        budget: Policy.Money?,
        connectCost: Int64?,
        hiringDeadline: Instant?,
        now: Instant,
        policy: Policy
    ) throws(ConnectsError) -> Job {
        if let connectCost { try checkConnectCost(connectCost) }
        if let hiringDeadline, hiringDeadline <= now {
            throw ConnectsError.invalidField("hiringDeadline", "must be in the future")
        }
        return Job(
            id: id,
            clientID: clientID,
            title: title,
            budget: budget,
            connectCost: connectCost ?? policy.costs.cost(forBudgetMinor: budget?.minor),
            postedAt: now,
            hiringDeadline: hiringDeadline,
            expiresAt: now.adding(days: policy.jobs.lifetimeDays),
            boostSlots: policy.boost.slots,
            boostClosesAt: now.adding(days: policy.boost.windowDays),
            lastClientActivityAt: now
        )
    }

    /// Changes an open job's title or connect cost; proposals already sent keep what they paid.
    public mutating func update(title: String?, connectCost: Int64?) throws(ConnectsError) {
        guard job.status == .open else { throw ConnectsError(.jobNotOpen, "job \(job.id) is \(job.status.rawValue)") }
        if let connectCost {
            try Self.checkConnectCost(connectCost)
            job.connectCost = connectCost
        }
        if let title { job.title = title }
    }

    static func checkConnectCost(_ connectCost: Int64) throws(ConnectsError) {
        guard Job.connectCostRange.contains(connectCost) else {
            throw ConnectsError.invalidField(
                "connectCost", "must be \(Job.connectCostRange.lowerBound) to \(Job.connectCostRange.upperBound)")
        }
    }

    // MARK: Freelancers

    /// Submits the proposal `id` of `applicant`: a freelancer, once per job, paid by their agency when
    /// they apply for one they belong to, free when invited; see ``submit(_:boost:now:policy:)``.
    ///
    /// The book must hold the applicant's earlier proposal on this job, if any, for the once-per-job
    /// rule to see it.
    public mutating func submit(
        id: String, applicant: Applicant, boost: Int64?, now: Instant, policy: Policy
    ) throws(ConnectsError) {
        guard applicant.isFreelancer else { throw ConnectsError(.notFound, "no freelancer \(applicant.freelancerID)") }
        if let agencyID = applicant.agencyID, !applicant.isAgencyMember {
            throw ConnectsError.invalidField(
                "agencyId", "freelancer \(applicant.freelancerID) is not a member of agency \(agencyID)")
        }
        let proposal = Proposal(
            id: id, jobID: job.id, freelancerID: applicant.freelancerID, agencyID: applicant.agencyID,
            payerID: applicant.agencyID ?? applicant.freelancerID, fee: 0, isInvited: applicant.isInvited,
            submittedAt: now)
        try submit(proposal, boost: boost, now: now, policy: policy)
    }

    /// Submits a proposal: charges the fee (free for invitees), places a boost bid in the auction.
    public mutating func submit(
        _ proposal: Proposal,
        boost: Int64?,
        now: Instant,
        policy: Policy
    ) throws(ConnectsError) {
        try requireOpen(now: now)
        guard !proposals.values.contains(where: { $0.freelancerID == proposal.freelancerID }) else {
            throw ConnectsError(
                .alreadyApplied, "freelancer \(proposal.freelancerID) already has a proposal on job \(job.id)")
        }
        guard job.proposalCount < Job.proposalsMax else {
            throw ConnectsError(.limitExceeded, "job \(job.id) has taken \(Job.proposalsMax) proposals")
        }
        if let boost {
            guard boost >= 1 else { throw ConnectsError.invalidField("boost", "must be at least 1") }
            guard boost <= policy.boost.maxBid else {
                throw ConnectsError(.limitExceeded, "boost: the highest bid is \(policy.boost.maxBid)")
            }
            guard !job.isAuctionClosed, now < job.boostClosesAt else {
                throw ConnectsError(.invalidState, "the boost auction of job \(job.id) has closed")
            }
        }
        var proposal = proposal
        proposal.fee = proposal.isInvited ? 0 : job.connectCost
        proposal.boostBid = boost
        job.proposalCount += 1
        store(proposal)
        submittedProposalIDs.insert(proposal.id)
        if proposal.fee > 0 {
            effects.append(.chargeFee(proposalID: proposal.id, payerID: proposal.payerID, amount: proposal.fee))
        }
        if boost != nil { seatBoost(proposal.id) }
    }

    /// Withdraws a proposal: its fee is kept (RULES.md), a held boost is freed.
    public mutating func withdraw(_ proposalID: String, now: Instant) throws(ConnectsError) {
        var proposal = try activeProposal(proposalID)
        proposal.status = .withdrawn
        if proposal.returned == nil { proposal.keptBy = "no_return.withdrawn" }
        store(proposal)
        release(proposalID, outbid: false)
    }

    // MARK: Clients

    /// The client opened the proposal: an interaction, which captures a boost holding a slot.
    public mutating func view(_ proposalID: String, now: Instant) throws(ConnectsError) {
        var proposal = try activeProposal(proposalID)
        try requireClientCanAct()
        if proposal.status == .submitted {
            proposal.status = .viewed
            proposal.viewedAt = now
            store(proposal)
        }
        interact(with: proposalID, now: now)
    }

    /// The client declined the proposal; its fee comes back only under `returns.onDecline`.
    public mutating func decline(_ proposalID: String, now: Instant, policy: Policy) throws(ConnectsError) {
        var proposal = try activeProposal(proposalID)
        try requireClientCanAct()
        interact(with: proposalID, now: now)
        proposal = proposals[proposalID]!
        proposal.status = .declined
        store(proposal)
        if policy.returns.onDecline {
            settleWithReturn(proposalID, rule: "returns.onDecline", now: now)
        } else {
            keep(proposalID, rule: "no_return.declined")
        }
    }

    /// The client hired: the job is filled, the auction closes, the others are not hired (no return).
    public mutating func hire(_ proposalID: String, now: Instant) throws(ConnectsError) {
        _ = try activeProposal(proposalID)
        try requireOpen(now: now)
        interact(with: proposalID, now: now)
        var hired = proposals[proposalID]!
        hired.status = .hired
        store(hired)
        keep(proposalID, rule: "no_return.hired")
        job.status = .filled
        job.hiredProposalID = proposalID
        closeAuction(now: now)
        for other in sortedProposals() where other.id != proposalID && other.isActive {
            var proposal = other
            proposal.status = .notHired
            store(proposal)
            keep(proposal.id, rule: "no_return.hired_other")
        }
    }

    /// Closes or cancels the job without a hire: every proposal not withdrawn gets its fee and any
    /// captured boost back; held boosts are freed.
    public mutating func close(status: Job.Status, rule: String, now: Instant) throws(ConnectsError) {
        precondition(
            [.closed, .canceled, .removed].contains(status), "close ends a job as closed, canceled or removed")
        guard job.status == .open else {
            throw ConnectsError(.jobNotOpen, "job \(job.id) is \(job.status.rawValue)")
        }
        job.status = status
        job.isAuctionClosed = true
        endWithReturns(rule: rule, now: now)
    }

    /// Closes the job for violating the marketplace's terms: returns to everyone who had not withdrawn.
    public mutating func remove(now: Instant) throws(ConnectsError) {
        guard job.status != .removed else { throw ConnectsError(.invalidState, "job \(job.id) is already removed") }
        let wasOpen = job.status == .open
        job.status = .removed
        job.isAuctionClosed = true
        if wasOpen {
            endWithReturns(rule: "returns.jobRemoved", now: now)
        } else {
            // A filled or closed job removed later: whoever paid and was not returned or hired gets it back.
            for proposal in sortedProposals() where proposal.status != .withdrawn && proposal.status != .hired {
                if proposal.returned == nil {
                    settleWithReturn(proposal.id, rule: "returns.jobRemoved", now: now, force: true)
                }
            }
        }
    }

    // MARK: Scheduled decisions

    /// Runs every scheduled decision due by `now`, in the order that makes them agree: the auction
    /// closes first (so that captured boosts are returned with their fees), then a missed hiring
    /// deadline or the client's inactivity closes the job with returns, then the job expires, and last
    /// proposals the client never opened get their fees back.
    public mutating func runDue(now: Instant, policy: Policy) throws(ConnectsError) {
        if job.boostClosesAt <= now { closeAuction(now: now) }
        if job.status == .open, let deadline = job.hiringDeadline, deadline <= now {
            try close(status: .closed, rule: "returns.hiringDeadline", now: now)
        }
        if job.status == .open, let cutoff = policy.returns.inactivityCutoff(now: now),
            job.lastClientActivityAt <= cutoff
        {
            try close(status: .closed, rule: "returns.closeJobAfterInactiveDays", now: now)
        }
        expire(now: now, policy: policy)
        if let cutoff = policy.returns.unviewedCutoff(now: now) { returnUnviewed(now: now, submittedBy: cutoff) }
        if job.status == .open, let cutoff = policy.returns.waitingCutoff(now: now) {
            returnWaiting(now: now, submittedBy: cutoff)
        }
    }

    /// Closes the boost auction: every bid still holding a slot is captured.
    public mutating func closeAuction(now: Instant) {
        guard !job.isAuctionClosed else { return }
        job.isAuctionClosed = true
        for proposal in sortedProposals() where proposal.boostState == .held {
            capture(proposal.id)
        }
    }

    /// An open job past its lifetime expires; fees come back only under `returns.onJobExpiry`.
    public mutating func expire(now: Instant, policy: Policy) {
        guard job.status == .open, job.expiresAt <= now else { return }
        closeAuction(now: now)
        job.status = .expired
        if policy.returns.onJobExpiry {
            endWithReturns(rule: "returns.onJobExpiry", now: now)
        } else {
            for proposal in sortedProposals() where proposal.isActive {
                var updated = proposal
                updated.status = .notHired
                store(updated)
                keep(proposal.id, rule: "no_return.job_expired")
            }
        }
    }

    /// Returns the fees of proposals submitted by `cutoff` that the client never opened
    /// (`returns.ifUnviewedAfterHours`).
    mutating func returnUnviewed(now: Instant, submittedBy cutoff: Instant) {
        for proposal in sortedProposals()
        where proposal.status == .submitted && proposal.viewedAt == nil && !proposal.isSettled
            && proposal.submittedAt <= cutoff
        {
            release(proposal.id, outbid: false)
            settleWithReturn(proposal.id, rule: "returns.ifUnviewedAfterHours", now: now)
        }
    }

    /// Returns the fees of proposals submitted by `cutoff` that still wait on the open job, opened or
    /// not, neither hired nor declined (`returns.ifWaitingAfterDays`). The proposal stays in the running:
    /// the client may still hire it.
    mutating func returnWaiting(now: Instant, submittedBy cutoff: Instant) {
        for proposal in sortedProposals()
        where proposal.isActive && !proposal.isSettled && proposal.submittedAt <= cutoff {
            release(proposal.id, outbid: false)
            settleWithReturn(proposal.id, rule: "returns.ifWaitingAfterDays", now: now)
        }
    }

    // MARK: The store's write-back

    /// Records the spend entry that paid `proposalID`'s fee.
    public mutating func attach(feeEntryID: String, to proposalID: String) {
        proposals[proposalID]?.feeEntryID = feeEntryID
        changedProposalIDs.insert(proposalID)
    }

    /// Records the hold that reserves `proposalID`'s boost.
    public mutating func attach(holdID: String, to proposalID: String) {
        proposals[proposalID]?.boostHoldID = holdID
        changedProposalIDs.insert(proposalID)
    }

    /// Records the capture entry that spent `proposalID`'s boost.
    public mutating func attach(captureEntryID: String, to proposalID: String) {
        proposals[proposalID]?.boostCaptureEntryID = captureEntryID
        changedProposalIDs.insert(proposalID)
    }

    /// The effects decided so far, handed to the store exactly once.
    public mutating func takeEffects() -> [JobEffect] {
        defer { effects.removeAll() }
        return effects
    }

    // MARK: Helpers

    func requireOpen(now: Instant) throws(ConnectsError) {
        guard job.status == .open, now < job.expiresAt else {
            throw ConnectsError(
                .jobNotOpen, "job \(job.id) is \(job.status == .open ? "past its lifetime" : job.status.rawValue)")
        }
    }

    func requireClientCanAct() throws(ConnectsError) {
        guard job.status == .open || job.status == .filled else {
            throw ConnectsError(.jobNotOpen, "job \(job.id) is \(job.status.rawValue)")
        }
    }

    func activeProposal(_ id: String) throws(ConnectsError) -> Proposal {
        guard let proposal = proposals[id] else { throw ConnectsError(.notFound, "no proposal \(id) on job \(job.id)") }
        guard proposal.isActive else {
            throw ConnectsError(.invalidState, "proposal \(id) is \(proposal.status.rawValue)")
        }
        return proposal
    }

    /// Proposals in submission order, so that effects come out in a stable order.
    func sortedProposals() -> [Proposal] {
        proposals.values.sorted { ($0.submittedAt, $0.id) < ($1.submittedAt, $1.id) }
    }

    mutating func store(_ proposal: Proposal) {
        proposals[proposal.id] = proposal
        changedProposalIDs.insert(proposal.id)
    }

    /// A client action on a proposal: it counts as client activity, and a boost holding a slot is captured.
    mutating func interact(with proposalID: String, now: Instant) {
        job.lastClientActivityAt = max(job.lastClientActivityAt, now)
        if proposals[proposalID]?.boostState == .held { capture(proposalID) }
    }

    /// Seats a new bid: the top `boostSlots` bids hold slots; a held bid pushed out is released (outbid),
    /// a new bid that does not make it is released at once.
    mutating func seatBoost(_ proposalID: String) {
        let bidders = proposals.values.filter {
            $0.id == proposalID || $0.boostState == .held || $0.boostState == .captured
        }.sorted(by: Proposal.ranksBefore)
        let seated = Set(bidders.prefix(Int(job.boostSlots)).map(\.id))
        var proposal = proposals[proposalID]!
        if seated.contains(proposalID) {
            proposal.boostState = .held
            store(proposal)
            effects.append(.holdBoost(proposalID: proposalID, payerID: proposal.payerID, bid: proposal.boostBid!))
        } else {
            proposal.boostState = .released
            store(proposal)
        }
        for bidder in bidders where bidder.boostState == .held && !seated.contains(bidder.id) {
            release(bidder.id, outbid: true)
        }
    }

    mutating func capture(_ proposalID: String) {
        guard var proposal = proposals[proposalID], proposal.boostState == .held else { return }
        proposal.boostState = .captured
        store(proposal)
        effects.append(.captureBoost(proposalID: proposalID, payerID: proposal.payerID))
    }

    mutating func release(_ proposalID: String, outbid: Bool) {
        guard var proposal = proposals[proposalID], proposal.boostState == .held else { return }
        proposal.boostState = .released
        store(proposal)
        effects.append(.releaseBoost(proposalID: proposalID, payerID: proposal.payerID, isOutbid: outbid))
    }

    mutating func keep(_ proposalID: String, rule: String) {
        guard var proposal = proposals[proposalID], !proposal.isSettled else { return }
        proposal.keptBy = rule
        store(proposal)
        // Being hired is not news to tell, and a proposal that paid nothing lost nothing.
        if rule != "no_return.hired", proposal.paid > 0 { keptProposalIDs.append(proposalID) }
    }

    /// Gives back what the proposal paid (fee and captured boost) under `rule`. `force` also returns a
    /// proposal already kept by a rule (a job removed for a terms violation after it ended).
    mutating func settleWithReturn(_ proposalID: String, rule: String, now: Instant, force: Bool = false) {
        guard var proposal = proposals[proposalID], force || !proposal.isSettled, proposal.returned == nil else {
            return
        }
        let boost = proposal.boostState == .captured ? (proposal.boostBid ?? 0) : 0
        let amount = proposal.paid
        guard amount > 0 else {
            proposal.keptBy = "no_return.nothing_paid"
            store(proposal)
            return
        }
        proposal.keptBy = nil
        proposal.returned = Proposal.Returned(amount: amount, rule: rule, at: now)
        store(proposal)
        if proposal.fee > 0 {
            effects.append(.returnConnects(proposalID: proposalID, payerID: proposal.payerID, part: .fee, rule: rule))
        }
        if boost > 0 {
            effects.append(.returnConnects(proposalID: proposalID, payerID: proposal.payerID, part: .boost, rule: rule))
        }
    }

    /// Ends the job without a hire: held boosts freed, every proposal not withdrawn returned under `rule`.
    mutating func endWithReturns(rule: String, now: Instant) {
        for proposal in sortedProposals() {
            release(proposal.id, outbid: false)
            if proposal.isActive {
                var updated = proposals[proposal.id]!
                updated.status = .notHired
                store(updated)
            }
            if proposal.status != .withdrawn {
                settleWithReturn(proposal.id, rule: rule, now: now)
            }
        }
    }
}

/// A ledger movement a job decision asks for, on the account that paid.
public enum JobEffect: Hashable, Sendable {
    /// Which payment of a proposal a return gives back.
    public enum Part: Hashable, Sendable {
        case fee
        case boost
    }

    case chargeFee(proposalID: String, payerID: String, amount: Int64)
    case holdBoost(proposalID: String, payerID: String, bid: Int64)
    case captureBoost(proposalID: String, payerID: String)
    case releaseBoost(proposalID: String, payerID: String, isOutbid: Bool)

    /// The rule on the release of a boost that was outbid before the client looked: the freelancer is
    /// told so, in the history and with `proposal.boost_outbid`.
    public static let outbidRule = "boost.outbid"
    case returnConnects(proposalID: String, payerID: String, part: Part, rule: String)
}

extension JobEffect {
    /// The account whose connects the effect moves.
    public var payerID: String {
        switch self {
        case .chargeFee(_, let payerID, _), .holdBoost(_, let payerID, _), .captureBoost(_, let payerID),
            .releaseBoost(_, let payerID, _), .returnConnects(_, let payerID, _, _):
            return payerID
        }
    }
}
