/// An account's connects: the total it owns and the part of it reserved by open holds.
public struct Balance: Hashable, Sendable, Codable {
    /// Every connect the account owns, held or not.
    public var total: Int64
    /// The part of `total` reserved by open holds (boosts).
    public var held: Int64

    public init(total: Int64, held: Int64) {
        self.total = total
        self.held = held
    }

    /// What the account can spend or hold now.
    public var available: Int64 { total - held }

    public static let zero = Balance(total: 0, held: 0)
}
