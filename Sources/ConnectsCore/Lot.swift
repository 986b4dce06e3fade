/// Where a lot of connects came from. The source decides its expiry and whether a rollover cap may
/// forfeit it.
public enum LotSource: String, Hashable, Sendable, Codable, CaseIterable {
    case plan
    case signup
    case reward
    case purchase
    case promo
    case courtesy
    case adjustment
    case `return`
}

/// A credit of connects that is spent, held, returned to and expired as one unit.
///
/// Invariant: `0 <= held <= remaining <= amount`. The held part is reserved by open holds and does not
/// expire while held.
public struct Lot: Hashable, Sendable, Codable {
    public var id: String
    public var source: LotSource
    /// What the lot was created with.
    public var amount: Int64
    /// What is left of it (held or not).
    public var remaining: Int64
    /// The part of `remaining` reserved by open holds.
    public var held: Int64
    public var grantedAt: Instant
    /// When the unheld remainder stops counting; `nil` for never.
    public var expiresAt: Instant?
    /// The entry that created the lot.
    public var entryID: String

    public init(
        id: String,
        source: LotSource,
        amount: Int64,
        remaining: Int64,
        held: Int64 = 0,
        grantedAt: Instant,
        expiresAt: Instant?,
        entryID: String
    ) {
        self.id = id
        self.source = source
        self.amount = amount
        self.remaining = remaining
        self.held = held
        self.grantedAt = grantedAt
        self.expiresAt = expiresAt
        self.entryID = entryID
    }

    /// What can be spent or held from this lot now.
    public var free: Int64 { remaining - held }

    /// Whether the lot's unheld remainder no longer counts at `now`.
    public func isExpired(at now: Instant) -> Bool {
        guard let expiresAt else { return false }
        return expiresAt <= now
    }

    /// Whether the lot's counters respect `0 <= held <= remaining <= amount`.
    public var isWellFormed: Bool { 0 <= held && held <= remaining && remaining <= amount && amount > 0 }

    /// The spend order: earliest expiry first, then oldest grant, then lot id; never-expiring lots last.
    public static func spendsBefore(_ lhs: Lot, _ rhs: Lot) -> Bool {
        switch (lhs.expiresAt, rhs.expiresAt) {
        case (let left?, let right?) where left != right: return left < right
        case (.some, .none): return true
        case (.none, .some): return false
        default: break
        }
        if lhs.grantedAt != rhs.grantedAt { return lhs.grantedAt < rhs.grantedAt }
        return lhs.id < rhs.id
    }
}

/// How much of one lot a movement took or gave.
public struct Allocation: Hashable, Sendable, Codable {
    public var lotID: String
    public var amount: Int64

    public init(lotID: String, amount: Int64) {
        self.lotID = lotID
        self.amount = amount
    }
}
