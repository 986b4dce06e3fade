/// What a reader sees of an account at one moment: the record, its balance as it counts then, and
/// what expires soon.
public struct AccountSnapshot: Hashable, Sendable {
    /// Connects that expire at one instant.
    public struct Expiring: Hashable, Sendable {
        public var on: Instant
        public var amount: Int64

        public init(on: Instant, amount: Int64) {
            self.on = on
            self.amount = amount
        }
    }

    public var account: Account
    public var balance: Balance
    /// Unheld connects expiring within ``AccountSnapshot/expiringWindowDays`` days, soonest first.
    public var expiring: [Expiring]

    /// How far ahead `expiring` looks, in days.
    public static let expiringWindowDays: Int64 = 30

    public init(account: Account, balance: Balance, expiring: [Expiring]) {
        self.account = account
        self.balance = balance
        self.expiring = expiring
    }
}

extension AccountLedger {
    /// The account as it reads at `now`: expired lots no longer count.
    public func snapshot(at now: Instant) -> AccountSnapshot {
        let horizon = now.adding(days: AccountSnapshot.expiringWindowDays)
        var byInstant: [Instant: Int64] = [:]
        for lot in lots.values where lot.free > 0 {
            guard let expiresAt = lot.expiresAt, expiresAt > now, expiresAt <= horizon else { continue }
            byInstant[expiresAt, default: 0] += lot.free
        }
        let expiring = byInstant.sorted { $0.key < $1.key }.map {
            AccountSnapshot.Expiring(on: $0.key, amount: $0.value)
        }
        return AccountSnapshot(account: account, balance: balance(at: now), expiring: expiring)
    }
}
