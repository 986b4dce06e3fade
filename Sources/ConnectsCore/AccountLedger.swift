/// One account's ledger state, and the pure decisions that move its connects.
///
/// Every decision is a function of (state, command, now, policy): it either appends entries and updates
/// lots and holds in this value, or throws a ``ConnectsError`` and leaves the caller's copy untouched
/// (run commands on a copy; a refusal discards it). The store loads the state, runs one command, and
/// persists ``changes`` in the same transaction.
///
/// State invariants, checked by ``checkInvariants()``: `balance.total` is the sum of the lots'
/// `remaining`, `balance.held` the sum of their `held` and of the open holds, every lot is well formed,
/// and available is never negative.
public struct AccountLedger: Sendable {
    /// The account this ledger belongs to.
    public private(set) var account: Account
    /// The lots that still matter: every lot with something remaining, plus any lot a command refers to;
    /// or, when not ``hasEveryLot``, those a ``LotSelection`` chose.
    public private(set) var lots: [String: Lot]
    /// Whether ``lots`` holds every lot with something remaining. A store that loaded only what a
    /// command's ``LedgerCommand/lotSelection`` reads says `false`; the balance is then known only from
    /// ``balance``, and a cycle's forfeit, which reads every lot, may not run.
    public let hasEveryLot: Bool
    /// Whether ``lots`` holds at least every lot with an expiry and something remaining (true when
    /// ``hasEveryLot`` is): what ``snapshot(at:)`` reads for the connects that expire soon. A spend's
    /// lots in the spend order are often all of them: a store says so, and needs no second read.
    public let hasEveryExpiringLot: Bool
    /// The open holds.
    public private(set) var holds: [String: Hold]
    /// The account's balance after the last entry.
    public private(set) var balance: Balance
    /// The sequence number of the last entry, 0 before the first.
    public private(set) var lastSequence: Int64
    /// What the commands run on this value changed, for the store to persist.
    public private(set) var changes = Changes()
    /// The head of the account's hash chain as the store loaded it; the core carries it, never reads it,
    /// so that the store need not read it again before appending.
    public var chainHead: String = ""
    /// How the identifiers of the entries, lots and holds it writes are ordered: the store's choice.
    public var identifierOrder = Identifier.Order.random

    /// What commands changed: the entries to append, and the lots, holds and account to write.
    public struct Changes: Sendable {
        /// New entries, in sequence order.
        public internal(set) var entries: [Entry] = []
        /// Ids of lots created or updated; ``AccountLedger/lots`` has their new values.
        public internal(set) var lotIDs: Set<String> = []
        /// The updated lots as they were before these changes; a lot they created is not here. The store
        /// tells from it a new lot from a stored one, and which of a stored lot's columns moved.
        public internal(set) var lotsBefore: [String: Lot] = [:]
        /// Holds created or ended, with their new state.
        public internal(set) var holds: [String: Hold] = [:]
        /// Whether the account record itself changed (status, plan).
        public internal(set) var isAccountChanged = false

        /// Whether nothing changed.
        public var isEmpty: Bool { entries.isEmpty && lotIDs.isEmpty && holds.isEmpty && !isAccountChanged }
    }

    /// Creates the state of `account` from its stored parts: every lot with connects remaining, or
    /// (`hasEveryLot: false`) those a ``LotSelection`` chose, which may still be every lot that expires
    /// (`hasEveryExpiringLot`).
    public init(
        account: Account, lots: [Lot], holds: [Hold], balance: Balance, lastSequence: Int64, hasEveryLot: Bool = true,
        hasEveryExpiringLot: Bool = false
    ) {
        self.account = account
        self.hasEveryLot = hasEveryLot
        self.hasEveryExpiringLot = hasEveryLot || hasEveryExpiringLot
        self.lots = Dictionary(uniqueKeysWithValues: lots.map { ($0.id, $0) })
        self.holds = Dictionary(uniqueKeysWithValues: holds.filter { $0.state == .open }.map { ($0.id, $0) })
        self.balance = balance
        self.lastSequence = lastSequence
    }

    /// Forgets recorded changes, after the store has persisted them.
    public mutating func clearChanges() {
        changes = Changes()
    }

    // MARK: Reading

    /// The balance as it counts at `now`: lots past their expiry no longer count, even before an
    /// `expire` entry has been written for them.
    public func balance(at now: Instant) -> Balance {
        var expiring: Int64 = 0
        for lot in lots.values where lot.isExpired(at: now) {
            expiring += lot.free
        }
        return Balance(total: balance.total - expiring, held: balance.held)
    }

    /// The lots in the order a spend takes them, leaving out expired and fully held ones.
    public func spendableLots(at now: Instant) -> [Lot] {
        lots.values.filter { $0.free > 0 && !$0.isExpired(at: now) }.sorted(by: Lot.spendsBefore)
    }

    /// Checks the state invariants; returns a description of the first one broken, or `nil`. Without
    /// ``hasEveryLot`` the balance cannot be compared with the sum of the lots.
    public func checkInvariants() -> String? {
        var total: Int64 = 0
        var lotHeld: Int64 = 0
        for lot in lots.values {
            guard lot.isWellFormed else { return "lot \(lot.id) is not well formed" }
            total += lot.remaining
            lotHeld += lot.held
        }
        let holdHeld = holds.values.reduce(Int64(0)) { $0 + $1.amount }
        // Every held lot is loaded (an open hold's lots always are); lots with unheld connects only if
        // they were selected.
        if hasEveryLot && total != balance.total { return "balance \(balance.total) != sum of lots \(total)" }
        if lotHeld != balance.held { return "held \(balance.held) != held of lots \(lotHeld)" }
        if holdHeld != balance.held { return "held \(balance.held) != open holds \(holdHeld)" }
        if balance.available < 0 { return "available \(balance.available) is negative" }
        return nil
    }

    // MARK: Recording

    /// Appends an entry for a movement already applied to the lots, and returns it.
    @discardableResult
    mutating func record(
        _ kind: EntryKind,
        amount: Int64,
        held: Int64 = 0,
        cause: Cause,
        actor: String,
        allocations: [Allocation],
        now: Instant,
        policy: LedgerPolicy,
        details: (inout Entry) -> Void = { _ in }
    ) -> Entry {
        balance.total += amount
        balance.held += held
        lastSequence += 1
        var entry = Entry(
            id: Identifier.make(Identifier.entry, at: now, order: identifierOrder),
            accountID: account.id,
            sequence: lastSequence,
            kind: kind,
            amount: amount,
            held: held,
            balanceAfter: balance,
            createdAt: now,
            cause: cause,
            policyVersion: policy.version,
            actor: actor,
            allocations: allocations
        )
        details(&entry)
        changes.entries.append(entry)
        return entry
    }

    /// Replaces a lot and marks it for writing.
    mutating func store(_ lot: Lot) {
        precondition(lot.isWellFormed, "lot \(lot.id) would break 0 <= held <= remaining <= amount")
        if changes.lotIDs.insert(lot.id).inserted, let before = lots[lot.id] {
            changes.lotsBefore[lot.id] = before
        }
        lots[lot.id] = lot
    }

    /// Replaces a hold and marks it for writing; an ended hold leaves the open set.
    mutating func store(_ hold: Hold) {
        if hold.state == .open { holds[hold.id] = hold } else { holds[hold.id] = nil }
        changes.holds[hold.id] = hold
    }

    mutating func markAccountChanged(_ update: (inout Account) -> Void) {
        update(&account)
        changes.isAccountChanged = true
    }
}
