/// The economy as data: plans, prices, costs, boosts, expiry, returns, rewards, promo codes, support
/// limits. The defaults reproduce RULES.md's "Connects default" column; every fairer option of the
/// forum thread is one field.
///
/// The document's field names are fixed by API.md; it is read from YAML (`serve --policy`) or JSON
/// (`PUT /v1/policy`) and checked whole by ``validate()`` before it is used.
public struct Policy: Codable, Hashable, Sendable {
    public var plans: [Plan]
    public var pricing: Pricing
    public var costs: Costs
    public var boost: Boost
    public var expiry: Expiry
    public var jobs: Jobs
    public var returns: Returns
    public var rewards: [Reward]
    public var promoCodes: [PromoCode]
    public var support: Support

    /// A freelancer plan and its allotment per cycle.
    public struct Plan: Codable, Hashable, Sendable {
        public var key: String
        public var allotment: Int64
        /// Plan-granted connects above this are forfeited at a cycle start; `nil` for no cap.
        public var rolloverCap: Int64?

        public init(key: String, allotment: Int64, rolloverCap: Int64? = nil) {
            self.key = key
            self.allotment = allotment
            self.rolloverCap = rolloverCap
        }
    }

    /// An amount of money in minor units of an ISO currency.
    public struct Money: Codable, Hashable, Sendable {
        public var currency: String
        public var minor: Int64

        public init(currency: String, minor: Int64) {
            self.currency = currency
            self.minor = minor
        }
    }

    public struct Pricing: Codable, Hashable, Sendable {
        public var pricePerConnect: Money
        public var bundles: [Int64]
        public var custom: Bounds

        /// Checks a purchase of `quantity` connects paid with `amountPaid`: a bundle or a custom amount
        /// within bounds, paid at exactly the price per connect, in its currency.
        ///
        /// - Throws: `validation_failed` naming `quantity` or `amountPaid`.
        public func checkPurchase(quantity: Int64, amountPaid: Money) throws(ConnectsError) {
            guard bundles.contains(quantity) || custom.contains(quantity) else {
                throw ConnectsError.invalidField(
                    "quantity", "must be a bundle (\(bundles)) or \(custom.min) to \(custom.max)")
            }
            let (price, overflow) = quantity.multipliedReportingOverflow(by: pricePerConnect.minor)
            guard !overflow, amountPaid.currency == pricePerConnect.currency, amountPaid.minor == price else {
                throw ConnectsError.invalidField(
                    "amountPaid",
                    "must be \(price) \(pricePerConnect.currency) minor units for \(quantity) connects")
            }
        }
    }

    /// An inclusive range of whole numbers.
    public struct Bounds: Codable, Hashable, Sendable {
        public var min: Int64
        public var max: Int64

        public func contains(_ value: Int64) -> Bool { min <= value && value <= max }
    }

    public struct Costs: Codable, Hashable, Sendable {
        /// Steps by the job's budget: the first step whose `upToMinor` is at least the budget (or `nil`).
        public var ladder: [Step]
        /// The cost of a job posted without a budget.
        public var withoutBudget: Int64

        public struct Step: Codable, Hashable, Sendable {
            public var upToMinor: Int64?
            public var cost: Int64
        }

        /// The connects a proposal to a job with `budgetMinor` costs.
        public func cost(forBudgetMinor budgetMinor: Int64?) -> Int64 {
            guard let budgetMinor else { return withoutBudget }
            for step in ladder where step.upToMinor.map({ budgetMinor <= $0 }) ?? true {
                return step.cost
            }
            return withoutBudget
        }
    }

    public struct Boost: Codable, Hashable, Sendable {
        public var slots: Int64
        public var windowDays: Int64
        public var maxBid: Int64
    }

    public struct Expiry: Codable, Hashable, Sendable {
        /// Days a lot lives; `nil` for never.
        public var days: Int64?
        /// Days before expiry that the owner is told.
        public var noticeDays: Int64
    }

    public struct Jobs: Codable, Hashable, Sendable {
        public var lifetimeDays: Int64
    }

    /// When proposal fees come back. Each field is one rule; its name is what entries record.
    public struct Returns: Codable, Hashable, Sendable {
        public var onJobExpiry: Bool
        public var onDecline: Bool
        public var ifUnviewedAfterHours: Int64?
        public var closeJobAfterInactiveDays: Int64?
        public var graceDays: Int64
        /// A proposal's fee comes back once it has waited this many days on an open job without being
        /// hired or declined (the forum's "15-30 days"); `nil` (the default) leaves the rule off.
        public var ifWaitingAfterDays: Int64?

        public init(
            onJobExpiry: Bool, onDecline: Bool, ifUnviewedAfterHours: Int64?, closeJobAfterInactiveDays: Int64?,
            graceDays: Int64, ifWaitingAfterDays: Int64? = nil
        ) {
            self.onJobExpiry = onJobExpiry
            self.onDecline = onDecline
            self.ifUnviewedAfterHours = ifUnviewedAfterHours
            self.closeJobAfterInactiveDays = closeJobAfterInactiveDays
            self.graceDays = graceDays
            self.ifWaitingAfterDays = ifWaitingAfterDays
        }

        /// Proposals submitted at or before this instant and still waiting (neither hired nor declined, on
        /// an open job) get their fees back at `now` (`ifWaitingAfterDays`); `nil` when the rule is off.
        public func waitingCutoff(now: Instant) -> Instant? {
            ifWaitingAfterDays.map { now.adding(days: -$0) }
        }

        /// When the waiting rule falls due for a proposal submitted at `submittedAt`.
        public func waitingReturnDue(submittedAt: Instant) -> Instant? {
            ifWaitingAfterDays.map { submittedAt.adding(days: $0) }
        }

        /// Proposals submitted at or before this instant and never opened get their fees back at `now`
        /// (`ifUnviewedAfterHours`); `nil` when the rule is off.
        public func unviewedCutoff(now: Instant) -> Instant? {
            ifUnviewedAfterHours.map { now.adding(hours: -$0) }
        }

        /// Open jobs whose client last acted at or before this instant close with returns at `now`
        /// (`closeJobAfterInactiveDays`); `nil` when the rule is off.
        public func inactivityCutoff(now: Instant) -> Instant? {
            closeJobAfterInactiveDays.map { now.adding(days: -$0) }
        }

        /// When the unviewed-return rule falls due for a proposal submitted at `submittedAt`.
        public func unviewedReturnDue(submittedAt: Instant) -> Instant? {
            ifUnviewedAfterHours.map { submittedAt.adding(hours: $0) }
        }

        /// When the inactivity rule falls due for a job whose client last acted at `lastActivityAt`.
        public func inactivityCloseDue(lastActivityAt: Instant) -> Instant? {
            closeJobAfterInactiveDays.map { lastActivityAt.adding(days: $0) }
        }
    }

    public struct Reward: Codable, Hashable, Sendable {
        public var key: String
        /// The connects granted; `nil` lists the reward without an amount and cannot be granted.
        public var amount: Int64?
        /// Granted at most once per account; otherwise at most once per account and scope.
        public var once: Bool
        public var capPer7Days: Int64?
        public var description: String?
        /// Granted only when `scope` names a proposal of the account to a client who has hired before.
        public var establishedClientOnly: Bool?

        public init(
            key: String,
            amount: Int64?,
            once: Bool,
            capPer7Days: Int64? = nil,
            description: String? = nil,
            establishedClientOnly: Bool? = nil
        ) {
            self.key = key
            self.amount = amount
            self.once = once
            self.capPer7Days = capPer7Days
            self.description = description
            self.establishedClientOnly = establishedClientOnly
        }
    }

    public struct PromoCode: Codable, Hashable, Sendable {
        public var code: String
        public var amount: Int64
        public var maxRedemptions: Int64

        public init(code: String, amount: Int64, maxRedemptions: Int64) {
            self.code = code
            self.amount = amount
            self.maxRedemptions = maxRedemptions
        }
    }

    public struct Support: Codable, Hashable, Sendable {
        /// The most connects one support action may move.
        public var maxAdjustment: Int64
    }

    /// The plan `key`, if the policy has it.
    public func plan(_ key: String) -> Plan? { plans.first { $0.key == key } }

    /// The reward `key`, if the policy has it.
    public func reward(_ key: String) -> Reward? { rewards.first { $0.key == key } }

    /// The numbers the ledger itself obeys, stamped with this policy's `version`.
    public func ledgerPolicy(version: Int64) -> LedgerPolicy {
        LedgerPolicy(
            version: version,
            expiryDays: expiry.days,
            returnGraceDays: returns.graceDays,
            supportActionMax: support.maxAdjustment,
            economy: self
        )
    }
}

extension Policy {
    /// RULES.md's "Connects default" column.
    public static let standard = Policy(
        plans: [Plan(key: "basic", allotment: 10), Plan(key: "plus", allotment: 100)],
        pricing: Pricing(
            pricePerConnect: Money(currency: "USD", minor: 15),
            bundles: [10, 20, 40, 60, 80],
            custom: Bounds(min: 1, max: 10_000)
        ),
        costs: Costs(
            ladder: [
                .init(upToMinor: 5_000, cost: 2), .init(upToMinor: 50_000, cost: 4),
                .init(upToMinor: 500_000, cost: 8), .init(upToMinor: nil, cost: 16),
            ],
            withoutBudget: 4
        ),
        boost: Boost(slots: 4, windowDays: 7, maxBid: 1_000),
        expiry: Expiry(days: 365, noticeDays: 7),
        jobs: Jobs(lifetimeDays: 30),
        returns: Returns(
            onJobExpiry: false,
            onDecline: false,
            ifUnviewedAfterHours: nil,
            closeJobAfterInactiveDays: nil,
            graceDays: 30
        ),
        rewards: [
            Reward(key: "signup", amount: 40, once: true, description: "Joining the marketplace"),
            Reward(key: "rising_talent", amount: 30, once: true, description: "Earning the Rising Talent badge"),
            Reward(
                key: "interview_won", amount: 10, once: false, capPer7Days: 50,
                description: "Winning an interview with an established client", establishedClientOnly: true
            ),
            Reward(key: "skill_certification", amount: 10, once: false, description: "Passing a skill certification"),
        ],
        promoCodes: [],
        support: Support(maxAdjustment: 100)
    )
}
