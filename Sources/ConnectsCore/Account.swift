/// A marketplace account: a freelancer or agency that holds connects, or a client that holds none.
public struct Account: Hashable, Sendable, Codable {
    /// Who the account belongs to.
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        case freelancer
        case client
        case agency

        /// Whether accounts of this kind hold connects at all (clients do not).
        public var holdsConnects: Bool { self != .client }
    }

    /// Whether the account may still move connects.
    public enum Status: String, Hashable, Sendable, Codable {
        case active
        case closed
    }

    public var id: String
    public var externalID: String
    public var kind: Kind
    public var name: String?
    /// The plan key; `nil` for clients.
    public var plan: String?
    /// A downgrade waiting for the next cycle start.
    public var pendingPlan: String?
    public var status: Status
    public var createdAt: Instant
    /// The day of the month cycles start on (1...31); `nil` for clients.
    public var billingDay: Int64?
    /// When the current cycle started; `nil` for clients.
    public var cycleStart: Instant?
    /// When the next cycle starts and its allotment is due; `nil` for clients.
    public var nextCycleAt: Instant?

    public init(
        id: String,
        externalID: String,
        kind: Kind,
        name: String? = nil,
        plan: String?,
        pendingPlan: String? = nil,
        status: Status = .active,
        createdAt: Instant,
        billingDay: Int64? = nil,
        cycleStart: Instant? = nil,
        nextCycleAt: Instant? = nil
    ) {
        self.id = id
        self.externalID = externalID
        self.kind = kind
        self.name = name
        self.plan = plan
        self.pendingPlan = pendingPlan
        self.status = status
        self.createdAt = createdAt
        self.billingDay = billingDay
        self.cycleStart = cycleStart
        self.nextCycleAt = nextCycleAt
    }
}

extension Account {
    /// The plan a freelancer or agency starts on when none is named (RULES.md: Freelancer Basic).
    public static let defaultPlan = "basic"

    /// A new active account at `now`: a freelancer or agency on `plan` (``defaultPlan`` when `nil`),
    /// which `policy` must have; a client on none.
    ///
    /// - Throws: `validation_failed` naming `plan` when a client names one or the policy lacks it.
    public static func open(
        id: String, externalID: String, kind: Kind, name: String?, plan: String?, now: Instant, policy: Policy
    ) throws(ConnectsError) -> Account {
        guard kind.holdsConnects else {
            if plan != nil { throw ConnectsError.invalidField("plan", "clients have no plan") }
            return Account(id: id, externalID: externalID, kind: kind, name: name, plan: nil, createdAt: now)
        }
        let plan = plan ?? defaultPlan
        guard policy.plan(plan) != nil else {
            throw ConnectsError.invalidField("plan", "the policy has no plan '\(plan)'")
        }
        return Account(id: id, externalID: externalID, kind: kind, name: name, plan: plan, createdAt: now)
    }
}
