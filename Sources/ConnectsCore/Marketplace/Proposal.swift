/// A freelancer's proposal to a job, with its fee, its boost and what became of its connects.
public struct Proposal: Hashable, Sendable {
    public enum Status: String, Hashable, Sendable, CaseIterable {
        case submitted
        case viewed
        case withdrawn
        case declined
        case hired
        case notHired = "not_hired"
    }

    /// Where a boost bid stands.
    public enum BoostState: String, Hashable, Sendable {
        /// Reserved and holding a slot.
        case held
        /// Spent: the bid was in a slot at the auction's close or when the client interacted.
        case captured
        /// Freed in full: outbid before any client interaction, withdrawn, or the job ended.
        case released
    }

    /// What came back, when, and by which rule.
    public struct Returned: Hashable, Sendable {
        public var amount: Int64
        public var rule: String
        public var at: Instant

        public init(amount: Int64, rule: String, at: Instant) {
            self.amount = amount
            self.rule = rule
            self.at = at
        }
    }

    public var id: String
    public var jobID: String
    public var freelancerID: String
    public var agencyID: String?
    /// The account that paid: the agency's pool for an agency proposal, the freelancer otherwise.
    public var payerID: String
    public var status: Status
    public var fee: Int64
    public var feeEntryID: String?
    public var isInvited: Bool
    public var boostBid: Int64?
    public var boostState: BoostState?
    public var boostHoldID: String?
    public var boostCaptureEntryID: String?
    public var submittedAt: Instant
    public var viewedAt: Instant?
    public var returned: Returned?
    /// The rule that kept the connects, once the proposal's fate is settled without a return.
    public var keptBy: String?

    public init(
        id: String,
        jobID: String,
        freelancerID: String,
        agencyID: String?,
        payerID: String,
        status: Status = .submitted,
        fee: Int64,
        feeEntryID: String? = nil,
        isInvited: Bool,
        boostBid: Int64? = nil,
        boostState: BoostState? = nil,
        boostHoldID: String? = nil,
        boostCaptureEntryID: String? = nil,
        submittedAt: Instant,
        viewedAt: Instant? = nil,
        returned: Returned? = nil,
        keptBy: String? = nil
    ) {
        self.id = id
        self.jobID = jobID
        self.freelancerID = freelancerID
        self.agencyID = agencyID
        self.payerID = payerID
        self.status = status
        self.fee = fee
        self.feeEntryID = feeEntryID
        self.isInvited = isInvited
        self.boostBid = boostBid
        self.boostState = boostState
        self.boostHoldID = boostHoldID
        self.boostCaptureEntryID = boostCaptureEntryID
        self.submittedAt = submittedAt
        self.viewedAt = viewedAt
        self.returned = returned
        self.keptBy = keptBy
    }

    /// Whether the proposal's connects are settled: returned, or kept by a rule.
    public var isSettled: Bool { returned != nil || keptBy != nil }

    /// What the proposal spent and keeps spent unless returned: its fee and a captured boost.
    public var paid: Int64 { fee + (boostState == .captured ? boostBid ?? 0 : 0) }

    /// Whether the client can still act on it.
    public var isActive: Bool { status == .submitted || status == .viewed }

    /// The auction order: higher bid first, then earlier submission, then id.
    public static func ranksBefore(_ lhs: Proposal, _ rhs: Proposal) -> Bool {
        let (left, right) = (lhs.boostBid ?? 0, rhs.boostBid ?? 0)
        if left != right { return left > right }
        if lhs.submittedAt != rhs.submittedAt { return lhs.submittedAt < rhs.submittedAt }
        return lhs.id < rhs.id
    }
}

/// What the store knows of a freelancer who applies to a job: the facts a submission is decided on.
public struct Applicant: Sendable, Hashable {
    public var freelancerID: String
    /// Whether the account exists and is a freelancer's (agencies and clients do not apply).
    public var isFreelancer: Bool
    /// Whether the client invited them to this job: their proposal costs nothing.
    public var isInvited: Bool
    /// The agency whose pool pays, when they apply for one.
    public var agencyID: String?
    /// Whether they belong to ``agencyID``.
    public var isAgencyMember: Bool

    public init(
        freelancerID: String, isFreelancer: Bool, isInvited: Bool, agencyID: String? = nil, isAgencyMember: Bool = false
    ) {
        self.freelancerID = freelancerID
        self.isFreelancer = isFreelancer
        self.isInvited = isInvited
        self.agencyID = agencyID
        self.isAgencyMember = isAgencyMember
    }
}
