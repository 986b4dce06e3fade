/// What a ledger entry records.
public enum EntryKind: String, Hashable, Sendable, Codable, CaseIterable {
    case grant
    case reward
    case purchase
    case courtesy
    case spend
    case hold
    case capture
    case release
    case `return`
    case expire
    case forfeit
    case adjustment
    case reversal

    /// Whether `POST /v1/entries/{id}/reverse` may undo an entry of this kind.
    public var isReversible: Bool {
        switch self {
        case .reward, .courtesy, .grant, .purchase, .adjustment: return true
        default: return false
        }
    }
}

/// Why a movement happened: the business object behind it.
public struct Cause: Hashable, Sendable, Codable {
    /// `plan_cycle`, `purchase`, `reward`, `proposal`, `job`, `expiry`, `support`, ...
    public var type: String
    public var id: String

    public init(type: String, id: String) {
        self.type = type
        self.id = id
    }
}

/// One append-only line of an account's history.
///
/// `amount` is the signed change of the total, `held` the signed change of the held amount; available
/// changes by `amount - held`. Entries are never updated; a correction is a new entry that names the
/// entry it corrects in `reverses`.
public struct Entry: Hashable, Sendable, Codable {
    public var id: String
    public var accountID: String
    /// 1, 2, 3, ... within the account: the order of the history and of its hash chain.
    public var sequence: Int64
    public var kind: EntryKind
    public var amount: Int64
    public var held: Int64
    public var balanceAfter: Balance
    public var createdAt: Instant
    public var cause: Cause
    /// The policy rule that decided a return, forfeit or refusal.
    public var rule: String?
    public var policyVersion: Int64?
    /// A support agent's written reason.
    public var reason: String?
    /// Who did it: `system`, or the agent or key behind a support action.
    public var actor: String
    /// The entry this one corrects.
    public var reverses: String?
    /// The lots taken from (debits) or given to (credits).
    public var allocations: [Allocation]
    /// The business event that may move connects only once (`grant:acct:cycle`, `return:prop`, ...).
    public var eventKey: String?
    /// The hold this entry places, captures or releases.
    public var holdID: String?
    /// For a reversal: the part of the original that was already spent and so was not undone.
    public var unreversed: Int64?
    /// A support ticket reference.
    public var ticket: String?

    public init(
        id: String,
        accountID: String,
        sequence: Int64,
        kind: EntryKind,
        amount: Int64,
        held: Int64,
        balanceAfter: Balance,
        createdAt: Instant,
        cause: Cause,
        rule: String? = nil,
        policyVersion: Int64? = nil,
        reason: String? = nil,
        actor: String,
        reverses: String? = nil,
        allocations: [Allocation],
        eventKey: String? = nil,
        holdID: String? = nil,
        unreversed: Int64? = nil,
        ticket: String? = nil
    ) {
        self.id = id
        self.accountID = accountID
        self.sequence = sequence
        self.kind = kind
        self.amount = amount
        self.held = held
        self.balanceAfter = balanceAfter
        self.createdAt = createdAt
        self.cause = cause
        self.rule = rule
        self.policyVersion = policyVersion
        self.reason = reason
        self.actor = actor
        self.reverses = reverses
        self.allocations = allocations
        self.eventKey = eventKey
        self.holdID = holdID
        self.unreversed = unreversed
        self.ticket = ticket
    }
}
