/// A client's job post, which freelancers pay connects to propose to.
public struct Job: Hashable, Sendable {
    public enum Status: String, Hashable, Sendable, CaseIterable {
        case open
        case filled
        case closed
        case canceled
        case removed
        case expired
    }

    public var id: String
    public var clientID: String
    public var title: String
    public var budget: Policy.Money?
    /// What a proposal costs now; later changes do not touch earlier proposals.
    public var connectCost: Int64
    public var postedAt: Instant
    /// When the client promised to hire by; passing it closes the job without a hire.
    public var hiringDeadline: Instant?
    /// When an open job expires (`jobs.lifetimeDays` after posting).
    public var expiresAt: Instant
    public var status: Status
    /// Boost slots of the auction.
    public var boostSlots: Int64
    /// When the boost auction closes at the latest (window end); the first hire closes it earlier.
    public var boostClosesAt: Instant
    public var isAuctionClosed: Bool
    /// The client's last action on the job (posting, viewing, declining, hiring): the inactivity rule's clock.
    public var lastClientActivityAt: Instant
    public var proposalCount: Int64
    public var hiredProposalID: String?

    public init(
        id: String,
        clientID: String,
        title: String,
        budget: Policy.Money?,
        connectCost: Int64,
        postedAt: Instant,
        hiringDeadline: Instant?,
        expiresAt: Instant,
        status: Status = .open,
        boostSlots: Int64,
        boostClosesAt: Instant,
        isAuctionClosed: Bool = false,
        lastClientActivityAt: Instant,
        proposalCount: Int64 = 0,
        hiredProposalID: String? = nil
    ) {
        self.id = id
        self.clientID = clientID
        self.title = title
        self.budget = budget
        self.connectCost = connectCost
        self.postedAt = postedAt
        self.hiringDeadline = hiringDeadline
        self.expiresAt = expiresAt
        self.status = status
        self.boostSlots = boostSlots
        self.boostClosesAt = boostClosesAt
        self.isAuctionClosed = isAuctionClosed
        self.lastClientActivityAt = lastClientActivityAt
        self.proposalCount = proposalCount
        self.hiredProposalID = hiredProposalID
    }

    /// The most proposals one job takes.
    public static let proposalsMax: Int64 = 10_000
    /// The connect costs an operator may set on a job (RULES.md: any cost 0..100).
    public static let connectCostRange: ClosedRange<Int64> = 0...100
}
