/// A request to move an account's connects, decided by ``AccountLedger/execute(_:now:policy:)``.
public enum LedgerCommand: Sendable {
    /// Credits a new lot: plan grants, rewards, purchases, courtesy, credit adjustments.
    case credit(Credit)
    /// Takes connects from lots in the spend order: proposal fees, debit adjustments.
    case debit(Debit)
    /// Reserves connects of specific lots for a boost.
    case placeHold(HoldRequest)
    /// Spends exactly what a hold reserved.
    case captureHold(id: String, cause: Cause, actor: String)
    /// Frees what a hold reserved.
    /// `rule` names why, when the reason is one a freelancer is told (`boost.outbid`).
    case releaseHold(id: String, cause: Cause, actor: String, rule: String? = nil)
    /// Gives a spend back to the lots it came from.
    case returnSpend(ReturnRequest)
    /// Undoes a reward, courtesy, grant, purchase or adjustment, as far as it is still unspent.
    case reverse(Reversal)
    /// Writes `expire` entries for every lot past its expiry (also done before every other command).
    case expireDue
    /// Closes the account: later movements are refused with `account_closed`.
    case close(actor: String)
    /// Opens a new freelancer or agency account: the sign-up reward and the first cycle's allotment.
    case open
    /// Starts the cycle that is due: a pending downgrade takes effect, plan-granted connects above the
    /// plan's rollover cap are forfeited, and the plan's allotment is granted once for the cycle.
    case startDueCycle
    /// Moves the account to another plan: an upgrade now (new cycle, full allotment), a downgrade at
    /// the next cycle start, or, when `isImmediate` (a failed payment), now without a new cycle.
    case changePlan(String, isImmediate: Bool = false)

    /// A credit of a new lot.
    public struct Credit: Sendable, Hashable {
        public var kind: EntryKind
        public var source: LotSource
        public var amount: Int64
        public var cause: Cause
        public var actor: String
        public var reason: String?
        public var ticket: String?
        public var eventKey: String?

        public init(
            kind: EntryKind,
            source: LotSource,
            amount: Int64,
            cause: Cause,
            actor: String = "system",
            reason: String? = nil,
            ticket: String? = nil,
            eventKey: String? = nil
        ) {
            self.kind = kind
            self.source = source
            self.amount = amount
            self.cause = cause
            self.actor = actor
            self.reason = reason
            self.ticket = ticket
            self.eventKey = eventKey
        }
    }

    /// A debit of `amount` connects (a positive number).
    public struct Debit: Sendable, Hashable {
        public var kind: EntryKind
        public var amount: Int64
        public var cause: Cause
        public var actor: String
        public var reason: String?
        public var ticket: String?
        public var eventKey: String?

        public init(
            kind: EntryKind,
            amount: Int64,
            cause: Cause,
            actor: String = "system",
            reason: String? = nil,
            ticket: String? = nil,
            eventKey: String? = nil
        ) {
            self.kind = kind
            self.amount = amount
            self.cause = cause
            self.actor = actor
            self.reason = reason
            self.ticket = ticket
            self.eventKey = eventKey
        }
    }

    /// A hold of `amount` connects for `cause`.
    public struct HoldRequest: Sendable, Hashable {
        public var amount: Int64
        public var cause: Cause
        public var actor: String
        public var eventKey: String?

        public init(amount: Int64, cause: Cause, actor: String = "system", eventKey: String? = nil) {
            self.amount = amount
            self.cause = cause
            self.actor = actor
            self.eventKey = eventKey
        }
    }

    /// A return of the spend entry `original`, decided by `rule`.
    public struct ReturnRequest: Sendable, Hashable {
        public var original: Entry
        public var rule: String
        public var cause: Cause
        public var actor: String
        public var eventKey: String?

        public init(original: Entry, rule: String, cause: Cause, actor: String = "system", eventKey: String? = nil) {
            self.original = original
            self.rule = rule
            self.cause = cause
            self.actor = actor
            self.eventKey = eventKey
        }
    }

    /// A support reversal of `original`, with a written reason.
    public struct Reversal: Sendable, Hashable {
        public var original: Entry
        public var reason: String
        public var actor: String
        /// The support ticket the reversal answers, written on its entry.
        public var ticket: String?

        public init(original: Entry, reason: String, actor: String, ticket: String? = nil) {
            self.original = original
            self.reason = reason
            self.actor = actor
            self.ticket = ticket
        }

        /// A reversal that `actor`, who may move at most `limit` connects in one action, asks for.
        ///
        /// - Throws: `invalid_state` when the entry was already reversed (an entry is undone at most
        ///   once), `limit_exceeded` when it moved more than the actor may reverse.
        public init(
            original: Entry, reason: String, actor: String, ticket: String? = nil, isAlreadyReversed: Bool,
            limit: Int64
        ) throws(ConnectsError) {
            if isAlreadyReversed {
                throw ConnectsError(.invalidState, "entry \(original.id) is already reversed")
            }
            guard abs(original.amount) <= limit else {
                throw ConnectsError(
                    .limitExceeded,
                    "entry \(original.id) moved \(abs(original.amount)) connects; this caller may reverse at most \(limit)"
                )
            }
            self.init(original: original, reason: reason, actor: actor, ticket: ticket)
        }
    }

    /// The lots a command refers to by id, which the store must load even if nothing remains in them.
    public var referencedLotIDs: [String] {
        switch self {
        case .returnSpend(let request): return request.original.allocations.map(\.lotID)
        case .reverse(let reversal): return reversal.original.allocations.map(\.lotID)
        default: return []
        }
    }

    /// The business event key that makes this command happen at most once, if it has one.
    public var eventKey: String? {
        switch self {
        case .credit(let credit): return credit.eventKey
        case .debit(let debit): return debit.eventKey
        case .placeHold(let request): return request.eventKey
        case .returnSpend(let request): return request.eventKey ?? "return:\(request.original.id)"
        case .reverse, .captureHold, .releaseHold, .expireDue, .close, .open, .startDueCycle, .changePlan: return nil
        }
    }
}
