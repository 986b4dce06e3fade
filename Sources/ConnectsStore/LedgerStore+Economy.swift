import ConnectsCore
import Foundation

extension LedgerStore {
    // MARK: Policy versions

    /// The newest stored policy and its version, or `nil` before the first.
    public func latestPolicy() async throws -> (version: Int64, policy: Policy)? {
        try await read { db in
            guard
                let row = try db.fetchOne("SELECT version, document FROM policies ORDER BY version DESC LIMIT 1")
            else { return nil }
            let document: String = row["document"]
            return (row["version"], try JSONDecoder().decode(Policy.self, from: Data(document.utf8)))
        }
    }

    /// Stores `policy` as the next version, unless it equals the newest; returns the version in force.
    public func savePolicy(_ policy: Policy, now: Instant) async throws -> Int64 {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let document = String(decoding: try encoder.encode(policy), as: UTF8.self)
        return try await write { db in
            let latest = try db.fetchOne("SELECT version, document FROM policies ORDER BY version DESC LIMIT 1")
            if let latest, latest["document"] as String == document { return latest["version"] }
            let version = (latest?["version"] as Int64? ?? 0) + 1
            try db.execute(
                "INSERT INTO policies (version, document, created_at) VALUES (?, ?, ?)",
                [version, document, now])
            return version
        }
    }

    // MARK: The shared test clock

    /// The test clock every server node on this database shares: raised to `instant` when that is later
    /// (it never goes back), and returned; `nil` before any node has set it.
    public func testClock(raisedTo instant: Instant?) async throws -> Instant? {
        @Sendable func current(_ db: any SQLSession) throws -> Instant? {
            try db.value(String.self, "SELECT value FROM settings WHERE key = 'test_clock'")
                .flatMap { Int64($0) }.map(Instant.init(millisecondsSinceEpoch:))
        }
        guard let instant else { return try await read(current) }
        return try await write { db in
            try db.execute(
                """
                INSERT INTO settings (key, value) VALUES ('test_clock', ?) ON CONFLICT (key) DO UPDATE
                SET value = excluded.value WHERE CAST(settings.value AS BIGINT) < CAST(excluded.value AS BIGINT)
                """, [String(instant.millisecondsSinceEpoch)])
            return try current(db)
        }
    }

    // MARK: Scheduled work

    /// The earliest instant at which scheduled work falls due: a cycle start, a lot's expiry, or a job
    /// decision (auction close, expiry, deadline, inactivity, unviewed return).
    public func nextDueTime(policy: LedgerPolicy) async throws -> Instant? {
        try await read { db in
            let cycle = try db.value(Int64.self, "SELECT MIN(next_cycle_at) FROM accounts WHERE status = 'active'")
            let expiry = try db.value(Int64.self, "SELECT MIN(expires_at) FROM lots WHERE remaining > held")
            let job = try Self.nextJobDueTime(db, policy: policy)
            return [cycle, expiry, job].compactMap { $0 }.min().map(Instant.init(millisecondsSinceEpoch:))
        }
    }

    /// Runs scheduled work due by `now`: job decisions, cycle starts (allotments, downgrades, rollover
    /// forfeits) and expiry sweeps, at most `limit` of each per call. Returns how many items ran.
    ///
    /// Each item is an ordinary ledger command with its own exactly-once key, run in its own transaction
    /// after claiming its row: a row another runner (another server node) holds is skipped
    /// (`FOR UPDATE SKIP LOCKED`) and a row no longer due is left alone, so any number of runners may
    /// race. An item interrupted by a crash rolls back with its transaction and falls due again.
    public func runDueWork(now: Instant, policy: LedgerPolicy, limit: Int = 1_000) async throws -> Int {
        let (cycles, expiries, jobs) = try await read { db in
            (
                try db.values(
                    String.self,
                    "SELECT id FROM accounts WHERE status = 'active' AND next_cycle_at <= ? ORDER BY next_cycle_at, id LIMIT ?",
                    [now, limit]),
                // `|| ''`: made distinct as it is, the account id led SQLite to read every lot in account
                // order (lots_by_account) rather than the few expiring ones (lots_expiring), every pass:
                // a third of figure 4's time at 100,000 accounts.
                try db.values(
                    String.self,
                    "SELECT DISTINCT account_id || '' FROM lots WHERE remaining > held AND expires_at <= ? LIMIT ?",
                    [now, limit]),
                try Self.dueJobIDs(db, now: now, policy: policy, limit: limit)
            )
        }
        // Jobs first: their returns restore lots before the accounts' expiry sweeps look at them.
        let items: [ScheduledItem] =
            jobs.map {
                ScheduledItem(
                    operation: .runDueJob(jobID: $0), claim: "SELECT id FROM jobs WHERE id IN ({list})", id: $0)
            }
            + cycles.map {
                ScheduledItem(
                    operation: .ledger(accountID: $0, command: .startDueCycle),
                    claim: "SELECT id FROM accounts WHERE id IN ({list}) AND status = 'active' AND next_cycle_at <= ?",
                    id: $0, [now])
            }
            + expiries.map {
                ScheduledItem(
                    operation: .ledger(accountID: $0, command: .expireDue),
                    claim: "SELECT id FROM accounts WHERE id IN ({list})", id: $0)
            }
        // Items share transactions in batches (a job's decisions may move thousands of proposals, so
        // jobs go in small ones; ledger commands go in batches of 256, which figure 4 of the bench runs
        // ~15% faster on PostgreSQL than batches of 100); batches run concurrently, on several connections
        // where there are.
        let batches =
            stride(from: 0, to: jobs.count, by: 10).map { Array(items[$0..<min($0 + 10, jobs.count)]) }
            + stride(from: jobs.count, to: items.count, by: 256).map { Array(items[$0..<min($0 + 256, items.count)]) }
        let ran = await withTaskGroup(of: Int.self) { group in
            for batch in batches {
                group.addTask { await self.run(batch, now: now, policy: policy) }
            }
            return await group.reduce(0, +)
        }
        let notices = try await write { db in
            try Self.emitExpiryNotices(db: db, now: now, noticeDays: policy.economy.expiry.noticeDays, limit: limit)
        }
        return ran + notices
    }

    /// Claims and runs a batch of scheduled items in one write; returns how many ran. An item another
    /// runner holds, or that is no longer due, is skipped.
    ///
    /// Items are almost never refused, so the batch first runs with no savepoint per item (a savepoint
    /// costs two statements, and on SQLite a copy of every page the item touches: figure 4 of the
    /// bench, +15% on SQLite and +11% on PostgreSQL). If any item throws, that whole write rolls back and the batch runs again with each
    /// item alone in a savepoint, so that the one refused or failing is logged and left out by itself.
    ///
    /// Together, the batch claims each kind's rows with one statement, loads the ledgers its ledger
    /// commands move with a few (``loadLedgers(_:accountIDs:extraLotIDs:)``), and writes what they
    /// changed with a few more (``LedgerWrites``).
    private func run(_ batch: [ScheduledItem], now: Instant, policy: LedgerPolicy) async -> Int {
        let together = try? await write { db in
            var claimed: [String: Set<String>] = [:]
            for (claim, items) in Dictionary(grouping: batch, by: \.claim) {
                let rows = try db.fetchAll(claim + db.skipLocked, in: items.map(\.id), items[0].arguments)
                claimed[claim] = Set(rows.compactMap { $0.first(as: String.self) })
            }
            let items = batch.filter { claimed[$0.claim]!.contains($0.id) }
            var ledgers = try Self.loadLedgers(db, accountIDs: items.compactMap(\.ledgerCommand?.accountID))
            var writes = LedgerWrites(for: db)
            for item in items {
                if let (accountID, command) = item.ledgerCommand, var ledger = ledgers.removeValue(forKey: accountID) {
                    try Self.execute(command, on: &ledger, writes: &writes, now: now, policy: policy)
                    ledgers[accountID] = ledger
                } else {
                    try writes.flush(db)
                    _ = try Self.apply(item.operation, db: db, now: now, policy: policy)
                }
            }
            try writes.flush(db)
            return items.count
        }
        return if let together { together } else { await runEachAlone(batch, now: now, policy: policy) }
    }

    /// Runs a batch of scheduled items in one write, each in a savepoint of its own: one that is refused
    /// or fails is logged and rolled back alone, and must not hold back the others.
    private func runEachAlone(_ batch: [ScheduledItem], now: Instant, policy: LedgerPolicy) async -> Int {
        do {
            return try await write { db in
                var ran = 0
                for item in batch {
                    guard try !db.fetchAll(item.claim + db.skipLocked, in: [item.id], item.arguments).isEmpty else {
                        continue
                    }
                    do {
                        _ = try db.inSavepoint { try Self.apply(item.operation, db: db, now: now, policy: policy) }
                        ran += 1
                    } catch let refusal as ConnectsError {
                        self.logger.warning(
                            "scheduled item refused",
                            metadata: ["operation": "\(item.operation)", "error": "\(refusal)"])
                    } catch {
                        self.logger.error(
                            "scheduled item failed",
                            metadata: ["operation": "\(item.operation)", "error": "\(String(reflecting: error))"])
                    }
                }
                return ran
            }
        } catch {
            logger.error("scheduled batch failed", metadata: ["error": "\(String(reflecting: error))"])
            return 0
        }
    }

    // MARK: Purchases

    /// The purchase made with `paymentReference`, if any.
    static func purchase(_ db: any SQLSession, paymentReference: String) throws -> Purchase? {
        try db.fetchOne("SELECT * FROM purchases WHERE payment_reference = ?", [paymentReference])
            .map { row in
                Purchase(
                    id: row["id"], accountID: row["account_id"], quantity: row["quantity"],
                    amountPaid: Policy.Money(currency: row["currency"], minor: row["amount_minor"]),
                    paymentReference: row["payment_reference"], entryID: row["entry_id"]
                )
            }
    }

    static func buy(
        _ request: Purchase, db: any SQLSession, now: Instant, policy: LedgerPolicy
    ) throws -> OperationResult {
        if let earlier = try purchase(db, paymentReference: request.paymentReference) {
            guard earlier.accountID == request.accountID, earlier.quantity == request.quantity,
                earlier.amountPaid == request.amountPaid
            else {
                throw ConnectsError(
                    .paymentReferenceUsed, "payment reference \(request.paymentReference) already bought other connects"
                )
            }
            let snapshot = try loadLedger(db, accountID: earlier.accountID)!.snapshot(at: now)
            return .purchase(earlier, snapshot, isNew: false)
        }
        let credit = LedgerCommand.credit(
            .init(
                kind: .purchase, source: .purchase, amount: request.quantity,
                cause: Cause(type: "purchase", id: request.id), eventKey: "purchase:\(request.paymentReference)"
            )
        )
        let result = try execute(credit, accountID: request.accountID, db: db, now: now, policy: policy)
        var purchase = request
        purchase.entryID = result.entry!.id
        try db.execute(
            """
            INSERT INTO purchases (id, account_id, quantity, currency, amount_minor, payment_reference, entry_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                purchase.id, purchase.accountID, purchase.quantity, purchase.amountPaid.currency,
                purchase.amountPaid.minor, purchase.paymentReference, purchase.entryID, now,
            ])
        return .purchase(purchase, result.snapshot!, isNew: true)
    }

    // MARK: Rewards and promo codes

    /// Grants a catalog reward: the claim and its decision are the core's (``RewardClaim``); the store
    /// finds an earlier grant, reads the facts under the account's lock, and writes the credit.
    static func reward(
        _ key: String,
        scope: String?,
        accountID: String,
        db: any SQLSession,
        now: Instant,
        policy: LedgerPolicy
    ) throws -> OperationResult {
        let claim = try RewardClaim(reward: key, scope: scope, accountID: accountID, policy: policy.economy)
        // The facts below are read before the write: hold the account first, so that concurrent requests
        // (on any server node) take turns and each sees what the one before it granted.
        try lockAccounts([accountID], db: db)
        if let earlier = try db.fetchOne("SELECT * FROM entries WHERE event_key = ?", [claim.eventKey]) {
            let snapshot = try loadLedger(db, accountID: accountID)!.snapshot(at: now)
            return .reward(snapshot, try Entry(row: earlier), granted: false, rule: nil)
        }
        var facts = RewardClaim.Facts()
        if let proposalID = claim.establishedClientProposalID {
            facts.clientHasHiredBefore = try db.value(
                Bool.self,
                """
                SELECT EXISTS (SELECT 1 FROM jobs WHERE client_id = j.client_id AND status = 'filled' AND id <> j.id)
                FROM proposals p JOIN jobs j ON j.id = p.job_id WHERE p.id = ?1 AND p.payer_id = ?2
                """, [proposalID, accountID])
        }
        if claim.capPer7Days != nil {
            facts.grantedInLast7Days =
                try db.value(
                    Int64.self,
                    """
                    SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM entries
                    WHERE account_id = ? AND kind = 'reward' AND cause_type = 'reward' AND cause_id = ? AND created_at > ?
                    """, [accountID, key, RewardClaim.capWindowStart(now: now)]) ?? 0
        }
        switch try claim.decide(facts) {
        case .withhold(let rule):
            guard let snapshot = try loadLedger(db, accountID: accountID)?.snapshot(at: now) else {
                throw ConnectsError(.notFound, "no account \(accountID)")
            }
            return .reward(snapshot, nil, granted: false, rule: rule)
        case .grant(let credit):
            let result = try execute(credit, accountID: accountID, db: db, now: now, policy: policy)
            return .reward(result.snapshot!, result.entry, granted: true, rule: nil)
        }
    }

    /// Redeems a promo code: the claim and its cap are the core's (``PromoClaim``); the store counts the
    /// code's redemptions while holding the code's lock, so that redemptions of one code take turns.
    static func redeem(
        _ code: String, accountID: String, db: any SQLSession, now: Instant, policy: LedgerPolicy
    ) throws
        -> OperationResult
    {
        let claim = try PromoClaim(code: code, accountID: accountID, policy: policy.economy)
        try db.lock("promo:\(code)")
        if let earlier = try db.fetchOne("SELECT * FROM entries WHERE event_key = ?", [claim.eventKey]) {
            let snapshot = try loadLedger(db, accountID: accountID)!.snapshot(at: now)
            return .reward(snapshot, try Entry(row: earlier), granted: false, rule: nil)
        }
        let redeemed =
            try db.value(
                Int64.self,
                "SELECT COUNT(*) FROM entries WHERE cause_type = 'promo_code' AND cause_id = ? AND event_key IS NOT NULL",
                [code]) ?? 0
        let result = try execute(
            claim.decide(redeemedBefore: redeemed), accountID: accountID, db: db, now: now, policy: policy)
        return .reward(result.snapshot!, result.entry, granted: true, rule: nil)
    }
}

/// A purchase of connects confirmed by the operator's payment system.
public struct Purchase: Sendable, Hashable {
    public var id: String
    public var accountID: String
    public var quantity: Int64
    public var amountPaid: Policy.Money
    /// The payment system's reference; it buys connects once.
    public var paymentReference: String
    public var entryID: String

    public init(
        id: String,
        accountID: String,
        quantity: Int64,
        amountPaid: Policy.Money,
        paymentReference: String,
        entryID: String = ""
    ) {
        self.id = id
        self.accountID = accountID
        self.quantity = quantity
        self.amountPaid = amountPaid
        self.paymentReference = paymentReference
        self.entryID = entryID
    }
}

/// One item of scheduled work and the statement that claims its row.
struct ScheduledItem: Sendable {
    var operation: StoreOperation
    /// Selects the ids, of those in its `IN ({list})`, whose rows are still due (with `arguments` after
    /// the list); the session adds the lock that skips rows others hold. Items of one kind share it, so
    /// a batch claims each kind's rows with one statement.
    var claim: String
    /// The id of the item's row.
    var id: String
    var arguments: SQLArguments

    init(operation: StoreOperation, claim: String, id: String, _ arguments: SQLArguments = []) {
        self.operation = operation
        self.claim = claim
        self.id = id
        self.arguments = arguments
    }

    /// The account and command of a scheduled ledger command, which a batch runs on ledgers it loaded
    /// together; `nil` for other work.
    var ledgerCommand: (accountID: String, command: LedgerCommand)? {
        guard case .ledger(let accountID, let command) = operation, command.eventKey == nil else { return nil }
        return (accountID, command)
    }
}
