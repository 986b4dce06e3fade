/// The policy in force for a decision: the numbers the ledger itself obeys (expiry, the return grace
/// period, the support limit), the version stamped on every entry, and the whole ``Policy`` document
/// for the economy's decisions (plans, prices, rewards).
public struct LedgerPolicy: Hashable, Sendable, Codable {
    /// The policy document's version, recorded on every entry it decided.
    public var version: Int64
    /// How long a credited lot lives, in days; `nil` for never.
    public var expiryDays: Int64?
    /// How long a returned part whose lot expired in the meantime lives again, in days.
    public var returnGraceDays: Int64
    /// The most connects one support action (adjustment or reversal) by a support agent may move.
    public var supportActionMax: Int64
    /// The whole policy document these numbers come from (plans, prices, rewards, ...).
    public var economy: Policy

    public init(
        version: Int64 = 1,
        expiryDays: Int64? = 365,
        returnGraceDays: Int64 = 30,
        supportActionMax: Int64 = 100,
        economy: Policy = .standard
    ) {
        self.version = version
        self.expiryDays = expiryDays
        self.returnGraceDays = returnGraceDays
        self.supportActionMax = supportActionMax
        self.economy = economy
    }

    /// The defaults of RULES.md: one year for every source, 30 days of grace.
    public static let standard = LedgerPolicy()

    /// When a lot of `source` granted at `grantedAt` expires.
    public func expiry(of source: LotSource, grantedAt: Instant) -> Instant? {
        guard let expiryDays else { return nil }
        return grantedAt.adding(days: expiryDays)
    }
}
