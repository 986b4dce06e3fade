import ConnectsCore
import Foundation

extension LedgerStore {
    /// Applies one operation inside the current transaction. Throws ``ConnectsError`` to refuse.
    static func apply(
        _ operation: StoreOperation, db: any SQLSession, now: Instant, policy: LedgerPolicy
    ) throws
        -> OperationResult
    {
        switch operation {
        case .createAccount(let request):
            return try createAccount(request, db: db, now: now, policy: policy)
        case .ledger(let accountID, let command):
            return try execute(command, accountID: accountID, db: db, now: now, policy: policy)
        case .reverse(let entryID, let reason, let ticket, let actor, let limit):
            guard let original = try entry(db, id: entryID) else {
                throw ConnectsError(.notFound, "no entry \(entryID)")
            }
            let alreadyReversed = try db.value(
                Bool.self, "SELECT EXISTS (SELECT 1 FROM entries WHERE kind = 'reversal' AND reverses = ?)", [entryID])
            let reversal = try LedgerCommand.Reversal(
                original: original, reason: reason, actor: actor, ticket: ticket,
                isAlreadyReversed: alreadyReversed == true, limit: limit)
            return try execute(.reverse(reversal), accountID: original.accountID, db: db, now: now, policy: policy)
        case .createAPIKey(let key):
            try db.execute(
                "INSERT INTO api_keys (id, secret_hash, role, account_id, created_at) VALUES (?, ?, ?, ?, ?)",
                [
                    key.id, key.secretHash, key.role.rawValue, key.accountID, key.createdAt,
                ])
            return .apiKey(key)
        case .purchase(let purchase):
            return try buy(purchase, db: db, now: now, policy: policy)
        case .reward(let key, let scope, let accountID):
            return try reward(key, scope: scope, accountID: accountID, db: db, now: now, policy: policy)
        case .redeemPromoCode(let code, let accountID):
            return try redeem(code, accountID: accountID, db: db, now: now, policy: policy)
        case .postJob(let job):
            return try postJob(job, db: db)
        case .updateJob(let jobID, let title, let connectCost):
            return try updateJob(jobID, title: title, connectCost: connectCost, db: db)
        case .invite(let jobID, let freelancerID):
            return try invite(jobID: jobID, freelancerID: freelancerID, db: db, now: now)
        case .setAgencyMember(let agencyID, let freelancerID, let isMember):
            return try setMember(agencyID: agencyID, freelancerID: freelancerID, isMember: isMember, db: db, now: now)
        case .submitProposal(let jobID, let freelancerID, let agencyID, let boost, let proposalID):
            return try submit(
                jobID: jobID, freelancerID: freelancerID, agencyID: agencyID, boost: boost, proposalID: proposalID,
                db: db,
                now: now, policy: policy
            )
        case .jobAction(let jobID, let action):
            return try act(action, jobID: jobID, db: db, now: now, policy: policy)
        case .runDueJob(let jobID):
            return try runDue(jobID: jobID, db: db, now: now, policy: policy)
        case .createWebhook(let webhook):
            try insert(webhook, db: db)
            return .webhook(webhook)
        case .deleteWebhook(let id):
            guard let webhook = try deleteWebhook(id: id, db: db, now: now) else {
                throw ConnectsError(.notFound, "no webhook \(id)")
            }
            return .webhook(webhook)
        case .resendDelivery(let webhookID, let eventID):
            return .webhook(try resend(eventID: eventID, webhookID: webhookID, db: db, now: now))
        case .rotateWebhookSecret(let webhookID, let secret, let overlapUntil):
            return .webhook(try rotateSecret(webhookID: webhookID, to: secret, overlapUntil: overlapUntil, db: db))
        case .savePolicy(let document):
            return .policy(version: try save(document, db: db, now: now), document)
        }
    }

    static func createAccount(
        _ request: StoreOperation.NewAccount, db: any SQLSession, now: Instant, policy: LedgerPolicy
    ) throws -> OperationResult {
        let account = try Account.open(
            id: Identifier.make(Identifier.account, at: now, order: db.dialect.identifierOrder),
            externalID: request.externalID, kind: request.kind, name: request.name, plan: request.plan, now: now,
            policy: policy.economy)
        // The unique index on (kind, external_id) is the guarantee; this finds the common case first, to
        // answer it with a clear refusal rather than a failed transaction.
        let exists = try db.value(
            Bool.self, "SELECT EXISTS (SELECT 1 FROM accounts WHERE kind = ? AND external_id = ?)",
            [request.kind.rawValue, request.externalID])
        if exists == true {
            throw ConnectsError(
                .invalidState,
                "a \(request.kind.rawValue) account with externalId \(request.externalID) already exists"
            )
        }
        try db.execute(
            """
            INSERT INTO accounts (id, external_id, kind, name, plan, pending_plan, status, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                account.id, account.externalID, account.kind.rawValue, account.name, account.plan, account.pendingPlan,
                account.status.rawValue, now,
            ])
        guard account.kind.holdsConnects else {
            return .ledger(AccountSnapshot(account: account, balance: .zero, expiring: []), nil, written: [])
        }
        return try execute(.open, accountID: account.id, db: db, now: now, policy: policy)
    }

    /// Loads the account's ledger, runs `command` in the core, and persists what it changed.
    ///
    /// A command with a business event key that already happened returns the earlier entry and moves
    /// nothing (exactly once); the unique index on `event_key` is the database's own guarantee.
    static func execute(
        _ command: LedgerCommand, accountID: String, db: any SQLSession, now: Instant, policy: LedgerPolicy
    ) throws -> OperationResult {
        guard
            var ledger = try loadLedger(
                db, accountID: accountID, selecting: command.lotSelection, extraLotIDs: command.referencedLotIDs,
                now: now)
        else {
            throw ConnectsError(.notFound, "no account \(accountID)")
        }
        if let eventKey = command.eventKey,
            let earlier = try db.fetchOne("SELECT * FROM entries WHERE event_key = ?", [eventKey])
        {
            return .ledger(try snapshot(of: ledger, db: db, now: now), try Entry(row: earlier), written: [])
        }
        var writes = LedgerWrites(for: db)
        let (entry, written) = try execute(command, on: &ledger, writes: &writes, now: now, policy: policy)
        try writes.flush(db)
        return .ledger(try snapshot(of: ledger, db: db, now: now), entry, written: written.map(\.kind))
    }

    /// The account of `ledger` as it reads at `now`, its lots as written so far in this transaction.
    ///
    /// A ledger loaded with only the lots its command reads has no complete list of what expires soon:
    /// that comes from the lots expiring within the window (an index range), not from every lot.
    static func snapshot(of ledger: AccountLedger, db: any SQLSession, now: Instant) throws -> AccountSnapshot {
        guard !ledger.hasEveryExpiringLot else { return ledger.snapshot(at: now) }
        let rows = try db.fetchAll(
            """
            SELECT expires_at, remaining - held AS free FROM lots
            WHERE account_id = ? AND availability > 0 AND expires_at > ? AND expires_at <= ?
            """,
            [ledger.account.id, now, AccountSnapshot.expiringHorizon(from: now)])
        let expiring = AccountSnapshot.expiring(
            rows.lazy.map { (expiresAt: $0["expires_at"] as Instant?, free: $0["free"] as Int64) }, now: now)
        return AccountSnapshot(account: ledger.account, balance: ledger.balance(at: now), expiring: expiring)
    }

    /// The account `accountID` as it reads at `now`, or `nil` if there is none; it reads the lots that
    /// expire soon, not every lot.
    static func snapshot(_ db: any SQLSession, accountID: String, now: Instant) throws -> AccountSnapshot? {
        try loadLedger(db, accountID: accountID, selecting: .due(spending: 0), now: now).map {
            try snapshot(of: $0, db: db, now: now)
        }
    }

    /// Runs `command` in the core on a loaded ledger and records what it changed in `writes`; the ledger
    /// is then as it will be stored, ready for the next command on the same account. Returns the
    /// command's entry and every entry written.
    ///
    /// Unlike ``execute(_:accountID:db:now:policy:)`` this does not look for an earlier entry with the
    /// command's event key: callers use it for commands that cannot repeat (a job decision's effects,
    /// which the book records on their proposals in the same transaction; scheduled commands, which have
    /// no key). The unique index still refuses a double, failing the transaction.
    @discardableResult
    static func execute(
        _ command: LedgerCommand, on ledger: inout AccountLedger, writes: inout LedgerWrites, now: Instant,
        policy: LedgerPolicy
    ) throws -> (entry: Entry?, written: [Entry]) {
        let before = ledger.account
        let entry = try ledger.execute(command, now: now, policy: policy)
        let written = ledger.changes.entries
        writes.record(&ledger, now: now)
        if ledger.account.plan != before.plan || ledger.account.pendingPlan != before.pendingPlan {
            let data: [String: JSONValue] = [
                "plan": .string(ledger.account.plan), "previousPlan": .string(before.plan),
                "pendingPlan": .string(ledger.account.pendingPlan),
            ]
            writes.emit("account.plan_changed", accountID: ledger.account.id, data: data, now: now)
        }
        return (entry, written)
    }

    static func loadAccount(_ db: any SQLSession, id: String) throws -> Account? {
        try db.fetchOne("SELECT * FROM accounts WHERE id = ?", [id]).map(
            Account.init(row:))
    }

    /// The account's ledger state: the lots `selection` reads (every open lot by default), any lots
    /// named in `extraLotIDs`, and its open holds with their lots.
    static func loadLedger(
        _ db: any SQLSession, accountID: String, selecting selection: LotSelection = .every,
        extraLotIDs: [String] = [], now: Instant
    ) throws -> AccountLedger? {
        try loadLedgers(
            db, accountIDs: [accountID], selecting: [accountID: selection], extraLotIDs: extraLotIDs, now: now
        )[accountID]
    }

    /// The ledgers of `accountIDs` (those that exist), each with the lots its selection reads (every
    /// open lot for an account `selections` leaves out), the lots in `extraLotIDs` that belong to them,
    /// and their open holds with the lots those reserve.
    ///
    /// A few statements for any number of accounts, instead of several per account: a job's decision
    /// moves thousands of payers' connects, a billing day grants thousands of accounts their allotment.
    /// A spending account's lots come from a statement or two of its own instead (those past expiry,
    /// then the first in the spend order, from the `lots_spend_order` index), however many it has.
    /// The accounts are read in id order, which on PostgreSQL also locks them in that order, so two
    /// writers that share accounts wait for each other instead of deadlocking.
    static func loadLedgers(
        _ db: any SQLSession, accountIDs: some Collection<String>, selecting selections: [String: LotSelection] = [:],
        extraLotIDs: some Collection<String> = [], now: Instant
    ) throws -> [String: AccountLedger] {
        let ids = Set(accountIDs).sorted()
        guard !ids.isEmpty else { return [:] }
        let accountRows = try db.fetchAll(
            "SELECT * FROM accounts WHERE id IN ({list}) ORDER BY id" + db.forUpdate, in: ids)
        var lots: [String: [Lot]] = [:]
        var loaded: Set<String> = []
        func add(_ lot: Lot, of accountID: String) {
            if loaded.insert(lot.id).inserted { lots[accountID, default: []].append(lot) }
        }
        func add(_ rows: [SQLRow]) throws {
            for row in rows { add(try Lot(row: row), of: row["account_id"]) }
        }
        var every: [String] = []
        var due: [String] = []
        var everyExpiring: Set<String> = []
        for id in ids {
            switch selections[id] ?? .every {
            case .every: every.append(id)
            case .due(let spending) where spending > 0 || ids.count == 1:
                // One account's first lots cost a statement, as its due lots alone would, and are often
                // all that expire: the account's snapshot then needs no read of its own.
                let read = try spendOrderLots(db, accountID: id, covering: spending, now: now)
                for lot in read.lots { add(lot, of: id) }
                if read.hasEveryExpiringLot { everyExpiring.insert(id) }
            case .due:
                due.append(id)
            }
        }
        if !every.isEmpty {
            try add(db.fetchAll("SELECT * FROM lots WHERE account_id IN ({list}) AND availability > 0", in: every))
        }
        if !due.isEmpty {
            try add(
                db.fetchAll(
                    "SELECT * FROM lots WHERE account_id IN ({list}) AND availability > 0 AND expires_at <= ?", in: due,
                    [now]))
        }
        // Open holds add up to the held balance (an invariant `connects verify` checks) and each holds at
        // least one connect, so an account holding nothing has none to read.
        let holding = accountRows.filter { ($0["balance_held"] as Int64) != 0 }.map { $0["id"] as String }
        var holds: [String: [Hold]] = [:]
        if !holding.isEmpty {
            for row in try db.fetchAll(
                "SELECT * FROM holds WHERE account_id IN ({list}) AND state = 'open'", in: holding)
            {
                holds[row["account_id"], default: []].append(try Hold(row: row))
            }
        }
        let named = Set(extraLotIDs).union(holds.values.joined().flatMap { $0.allocations.map(\.lotID) })
        let missing = named.subtracting(loaded).sorted()
        if !missing.isEmpty {
            try add(db.fetchAll("SELECT * FROM lots WHERE id IN ({list})", in: missing))
        }
        var ledgers: [String: AccountLedger] = [:]
        ledgers.reserveCapacity(accountRows.count)
        for row in accountRows {
            let account = try Account(row: row)
            var ledger = AccountLedger(
                account: account,
                lots: lots[account.id] ?? [],
                holds: holds[account.id] ?? [],
                balance: Balance(total: row["balance_total"], held: row["balance_held"]),
                lastSequence: row["last_sequence"],
                hasEveryLot: selections[account.id] ?? .every == .every,
                hasEveryExpiringLot: everyExpiring.contains(account.id)
            )
            ledger.chainHead = row["last_hash"]
            ledger.identifierOrder = db.dialect.identifierOrder
            ledgers[account.id] = ledger
        }
        return ledgers
    }

    /// The lots of `accountID` past their expiry, then the first lots in the spend order whose unheld
    /// connects add up to `amount` (or all of its unexpired lots if they add up to less): lots that
    /// expire, soonest first, then those that never do; and whether that is every lot that expires.
    ///
    /// Each query reads a prefix of the `lots_spend_order` index, where the lots past their expiry come
    /// first (a spend's selection includes them, and one statement reads both); a prefix too short is
    /// read again eight times as long, so a spend covered by a few lots reads a few rows.
    static func spendOrderLots(
        _ db: any SQLSession, accountID: String, covering amount: Int64, now: Instant
    ) throws -> (lots: [Lot], hasEveryExpiringLot: Bool) {
        var found: [Lot] = []
        var free: Int64 = 0
        var hasEveryExpiringLot = false
        let parts: [(condition: String, order: String)] = [
            ("expires_at IS NOT NULL", "expires_at, granted_at, id"), ("expires_at IS NULL", "granted_at, id"),
        ]
        for (index, part) in parts.enumerated() where index == 0 || free < amount {
            var limit = 8
            while true {
                let page = try db.fetchAll(
                    """
                    SELECT * FROM lots WHERE account_id = ? AND availability > 0 AND \(part.condition)
                    ORDER BY \(part.order) LIMIT ?
                    """,
                    [accountID, Int64(limit)]
                ).map(Lot.init(row:))
                // Connects past their expiry are read but not spent; every lot past its expiry is read
                // (they come first), however little is spent.
                let pageFree = page.reduce(Int64(0)) { $0 + ($1.isExpired(at: now) ? 0 : $1.free) }
                let readsEveryDueLot = page.last.map { !$0.isExpired(at: now) } ?? true
                if (free + pageFree >= amount && readsEveryDueLot) || page.count < limit {
                    found += page
                    free += pageFree
                    if index == 0 { hasEveryExpiringLot = page.count < limit }
                    break
                }
                limit *= 8
            }
        }
        return (found, hasEveryExpiringLot)
    }

    static func entry(_ db: any SQLSession, id: String) throws -> Entry? {
        try db.fetchOne("SELECT * FROM entries WHERE id = ?", [id]).map(
            Entry.init(row:))
    }

    static func idempotencyRecord(_ db: any SQLSession, caller: String, key: String) throws -> IdempotencyRecord? {
        guard
            let row = try db.fetchOne("SELECT * FROM idempotency_records WHERE caller = ? AND key = ?", [caller, key])
        else { return nil }
        let body: Data = row["body"]
        return IdempotencyRecord(
            fingerprint: row["fingerprint"],
            response: StoredResponse(status: row["status"], contentType: row["content_type"], body: Array(body)),
            createdAt: row["created_at"]
        )
    }
}
