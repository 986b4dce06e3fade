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

extension AccountSnapshot {
    /// The last instant `expiring` looks at, from `now`.
    public static func expiringHorizon(from now: Instant) -> Instant { now.adding(days: expiringWindowDays) }

    /// The expiring list of lots whose unheld connects (`free`) expire at `expiresAt`: those within the
    /// window, added up per instant, soonest first. A store may pass only the lots that expire after
    /// `now` and by ``expiringHorizon(from:)``; others are left out here anyway.
    public static func expiring(
        _ lots: some Sequence<(expiresAt: Instant?, free: Int64)>, now: Instant
    ) -> [Expiring] {
        let horizon = expiringHorizon(from: now)
        var byInstant: [Instant: Int64] = [:]
        for lot in lots where lot.free > 0 {
            guard let expiresAt = lot.expiresAt, expiresAt > now, expiresAt <= horizon else { continue }
            byInstant[expiresAt, default: 0] += lot.free
        }
        return byInstant.sorted { $0.key < $1.key }.map { Expiring(on: $0.key, amount: $0.value) }
    }
}

extension AccountLedger {
    /// The account as it reads at `now`: expired lots no longer count. Reads every lot that expires: a
    /// ledger loaded without ``hasEveryExpiringLot`` gets its expiring list from the store instead.
    public func snapshot(at now: Instant) -> AccountSnapshot {
        precondition(hasEveryExpiringLot, "a snapshot reads every expiring lot of account \(account.id)")
        let expiring = AccountSnapshot.expiring(lots.values.lazy.map { ($0.expiresAt, $0.free) }, now: now)
        return AccountSnapshot(account: account, balance: balance(at: now), expiring: expiring)
    }
}
