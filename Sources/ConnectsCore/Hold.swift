/// A reservation of specific amounts of specific lots, made by a boost bid.
///
/// An open hold reduces available at once; it ends captured (exactly those amounts are spent) or
/// released (freed in full).
public struct Hold: Hashable, Sendable, Codable {
    public enum State: String, Hashable, Sendable, Codable {
        case open
        case captured
        case released
    }

    public var id: String
    public var accountID: String
    public var amount: Int64
    public var allocations: [Allocation]
    public var state: State
    public var cause: Cause
    public var createdAt: Instant

    public init(
        id: String,
        accountID: String,
        amount: Int64,
        allocations: [Allocation],
        state: State,
        cause: Cause,
        createdAt: Instant
    ) {
        self.id = id
        self.accountID = accountID
        self.amount = amount
        self.allocations = allocations
        self.state = state
        self.cause = cause
        self.createdAt = createdAt
    }
}
