import ConnectsCore

/// Recomputes every invariant of DESIGN.md from the raw tables, and every account's hash chain.
///
/// It reads the database as it is, trusting nothing the server maintains: balances are summed again
/// from entries and lots, each lot's `remaining` and `held` are derived again from the allocations of
/// the entries that touched it, and every hash is computed again.
public struct LedgerVerifier: Sendable {
    /// One broken invariant, naming the first entry (or account, lot) where it shows.
    public struct Violation: Sendable, Hashable, CustomStringConvertible {
        public var invariant: String
        public var accountID: String?
        public var entryID: String?
        public var detail: String

        public var description: String {
            var where_ = ""
            if let entryID { where_ += " entry \(entryID)" }
            if let accountID { where_ += " account \(accountID)" }
            return "[\(invariant)]\(where_): \(detail)"
        }
    }

    /// What a verification found.
    public struct Report: Sendable {
        public var accountsChecked = 0
        public var entriesChecked = 0
        public var violations: [Violation] = []
        public var isClean: Bool { violations.isEmpty }
    }

    /// The most violations reported; verification stops collecting after that many.
    public static let violationsMax = 100

    public init() {}

    /// Runs every check inside `db`'s transaction, which must see one consistent snapshot; `progress`
    /// is called with (entries checked, entries in all) as it goes.
    public func verify(_ db: any SQLSession, progress: (Int, Int) -> Void = { _, _ in }) throws -> Report {
        var report = Report()
        var violations: [Violation] = []
        let entryCount = try db.value(Int.self, "SELECT COUNT(*) FROM entries") ?? 0
        func add(_ violation: Violation) {
            if violations.count < Self.violationsMax { violations.append(violation) }
        }
        try checkAppendOnlyTriggers(db, add: add)
        try checkOwners(db, add: add)
        try checkExactlyOnce(db, add: add)
        try checkMarketplace(db, add: add)
        // Accounts page by id, so that memory stays flat however many there are.
        var after = ""
        while true {
            let accounts = try db.fetchAll(
                "SELECT * FROM accounts WHERE id > ? ORDER BY id LIMIT ?", [after, Self.pageSize])
            for row in accounts {
                report.accountsChecked += 1
                report.entriesChecked += try checkAccount(row, db: db, add: add)
                progress(report.entriesChecked, entryCount)
            }
            guard accounts.count == Self.pageSize, let last = accounts.last else { break }
            after = last["id"]
        }
        report.violations = violations
        return report
    }

    /// Rows read per query while walking accounts and their histories.
    static let pageSize = 5_000

    private func checkAppendOnlyTriggers(_ db: any SQLSession, add: (Violation) -> Void) throws {
        let triggers: [String]
        switch db.dialect {
        case .sqlite:
            triggers = try db.values(
                String.self, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'entries'")
        case .postgres:
            triggers = try db.values(
                String.self,
                "SELECT tgname::text FROM pg_trigger WHERE tgrelid = 'entries'::regclass AND NOT tgisinternal")
        }
        for name in ["entries_are_append_only_update", "entries_are_append_only_delete"] where !triggers.contains(name)
        {
            add(Violation(invariant: "append-only", detail: "trigger \(name) is missing"))
        }
    }

    /// Every entry, lot, hold and event belongs to an account. An entry, lot or hold that names no
    /// account holds connects that no balance shows, and the walk over accounts below never meets it; an
    /// event that names none would be delivered to webhooks under an account that does not exist. The
    /// schemas' foreign keys refuse such a row only where they are in force: SQLite enforces them per
    /// connection (the `sqlite3` shell does not), and PostgreSQL has none (migration v6).
    private func checkOwners(_ db: any SQLSession, add: (Violation) -> Void) throws {
        for (table, invariant) in [
            ("entries", "balance"), ("lots", "balance"), ("holds", "balance"), ("events", "history"),
        ] {
            let orphans = try db.fetchAll(
                """
                SELECT t.id, t.account_id FROM \(table) t
                WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = t.account_id) LIMIT 100
                """)
            for row in orphans {
                add(
                    Violation(
                        invariant: invariant, accountID: row["account_id"],
                        entryID: table == "entries" ? row["id"] : nil,
                        detail: "\(table) row \(row["id"] as String) belongs to no account"))
            }
        }
    }

    private func checkExactlyOnce(_ db: any SQLSession, add: (Violation) -> Void) throws {
        let doubled = try db.fetchAll(
            """
            SELECT event_key, MIN(id) AS id, COUNT(*) AS n FROM entries WHERE event_key IS NOT NULL
            GROUP BY event_key HAVING COUNT(*) > 1 LIMIT 100
            """)
        for row in doubled {
            add(
                Violation(
                    invariant: "exactly-once", entryID: row["id"],
                    detail: "event \(row["event_key"] as String) moved connects \(row["n"] as Int) times"))
        }
        let reversedTwice = try db.fetchAll(
            """
            SELECT reverses, MIN(id) AS id, COUNT(*) AS n FROM entries WHERE kind = 'reversal'
            GROUP BY reverses HAVING COUNT(*) > 1 LIMIT 100
            """)
        for row in reversedTwice {
            add(
                Violation(
                    invariant: "exactly-once", entryID: row["id"],
                    detail: "entry \(row["reverses"] as String) is reversed \(row["n"] as Int) times"))
        }
    }

    /// Proposals and purchases agree with the ledger: what a proposal says came back is exactly what its
    /// return entries gave back (so nothing was returned twice or silently), and every purchase's entry
    /// credited the quantity bought to the buyer.
    private func checkMarketplace(_ db: any SQLSession, add: (Violation) -> Void) throws {
        let proposals = try db.fetchAll(
            """
            SELECT * FROM (
              SELECT p.id, p.payer_id, p.returned_amount, p.kept_by, COALESCE(p.returned_amount, 0) AS recorded,
                (SELECT CAST(COALESCE(SUM(e.amount), 0) AS BIGINT) FROM entries e
                 WHERE e.kind = 'return' AND e.account_id = p.payer_id
                   AND e.reverses IN (p.fee_entry_id, p.boost_capture_entry_id)) AS back
              FROM proposals p
            ) checked
            WHERE back <> recorded OR (returned_amount IS NOT NULL AND kept_by IS NOT NULL)
            LIMIT 100
            """)
        for row in proposals {
            add(
                Violation(
                    invariant: "exactly-once", accountID: row["payer_id"],
                    detail:
                        "proposal \(row["id"] as String) records \(row["recorded"] as Int64) returned, its entries gave back \(row["back"] as Int64)"
                )
            )
        }
        let purchases = try db.fetchAll(
            """
            SELECT p.id, p.account_id, p.entry_id FROM purchases p LEFT JOIN entries e ON e.id = p.entry_id
            WHERE e.id IS NULL OR e.kind <> 'purchase' OR e.amount <> p.quantity OR e.account_id <> p.account_id
            LIMIT 100
            """)
        for row in purchases {
            add(
                Violation(
                    invariant: "cause", accountID: row["account_id"], entryID: row["entry_id"],
                    detail: "purchase \(row["id"] as String) does not match its entry"
                )
            )
        }
    }

    /// Checks one account's chain, balances, lots and holds; returns how many entries it read.
    private func checkAccount(_ row: SQLRow, db: any SQLSession, add: (Violation) -> Void) throws -> Int {
        let accountID: String = row["id"]
        var lots: [String: SQLRow] = [:]
        for lot in try db.fetchAll("SELECT * FROM lots WHERE account_id = ?", [accountID]) {
            lots[lot["id"]] = lot
        }
        var replay = Replay(accountID: accountID, lotIDs: Set(lots.keys))
        var page: [SQLRow] = []
        repeat {
            page = try db.fetchAll(
                "SELECT * FROM entries WHERE account_id = ? AND sequence >= ? ORDER BY sequence LIMIT ?",
                [accountID, replay.expectedSequence, Self.pageSize])
            for entryRow in page {
                // A broken chain or running balance makes every later comparison meaningless.
                guard replay.fold(entryRow, add: add) else { return replay.entriesChecked }
            }
        } while page.count == Self.pageSize
        func failAccount(_ invariant: String, _ detail: String) {
            add(Violation(invariant: invariant, accountID: accountID, detail: detail))
        }
        let (total, held) = (replay.total, replay.held)
        if row["last_sequence"] as Int64 != replay.expectedSequence - 1
            || row["last_hash"] as String != replay.previousHash
        {
            failAccount("hash-chain", "the account's last sequence or hash does not match its last entry")
        }
        if row["balance_total"] as Int64 != total || row["balance_held"] as Int64 != held {
            failAccount(
                "balance",
                "stored balance (\(row["balance_total"] as Int64), held \(row["balance_held"] as Int64)) != entries (\(total), held \(held))"
            )
        }
        checkLots(lots, against: replay, fail: failAccount)
        let openHolds =
            try db.value(
                Int64.self,
                "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM holds WHERE account_id = ? AND state = 'open'",
                [accountID]) ?? 0
        if openHolds != held {
            failAccount("holds", "open holds reserve \(openHolds) but held is \(held)")
        }
        return replay.entriesChecked
    }

    /// Every lot within its bounds and as its entries left it, and the lots adding up to the balance.
    private func checkLots(_ lots: [String: SQLRow], against replay: Replay, fail: (String, String) -> Void) {
        var lotsTotal: Int64 = 0
        var lotsHeld: Int64 = 0
        for (lotID, lot) in lots.sorted(by: { $0.key < $1.key }) {
            let amount: Int64 = lot["amount"]
            let remaining: Int64 = lot["remaining"]
            let heldNow: Int64 = lot["held"]
            lotsTotal += remaining
            lotsHeld += heldNow
            if !(0 <= heldNow && heldNow <= remaining && remaining <= amount) {
                fail("lots", "lot \(lotID): remaining \(remaining), held \(heldNow), amount \(amount)")
            }
            let (replayedRemaining, replayedHeld) = (
                replay.lotRemaining[lotID, default: 0], replay.lotHeld[lotID, default: 0]
            )
            if replayedRemaining != remaining || replayedHeld != heldNow {
                fail(
                    "lots",
                    "lot \(lotID): remaining \(remaining), held \(heldNow) but its entries give \(replayedRemaining), held \(replayedHeld)"
                )
            }
        }
        if lotsTotal != replay.total || lotsHeld != replay.held {
            fail(
                "balance", "lots sum to \(lotsTotal), held \(lotsHeld); entries to \(replay.total), held \(replay.held)"
            )
        }
    }
}

/// An account's entries replayed in sequence: the hash chain, the running balance, and what each lot
/// should hold by its allocations.
private struct Replay {
    let accountID: String
    /// The account's own lots: an allocation naming another is a transfer.
    let lotIDs: Set<String>
    var entriesChecked = 0
    var expectedSequence: Int64 = 1
    var previousHash = EntryHash.genesis
    var total: Int64 = 0
    var held: Int64 = 0
    var lotRemaining: [String: Int64] = [:]
    var lotHeld: [String: Int64] = [:]

    init(accountID: String, lotIDs: Set<String>) {
        self.accountID = accountID
        self.lotIDs = lotIDs
    }

    /// Folds in the next entry, reporting what it breaks; `false` when the chain or the running balance
    /// is broken and the walk must stop.
    mutating func fold(_ row: SQLRow, add: (LedgerVerifier.Violation) -> Void) -> Bool {
        entriesChecked += 1
        let entry: Entry
        do {
            entry = try Entry(row: row)
        } catch {
            add(.init(invariant: "readable", accountID: accountID, entryID: row["id"], detail: "\(error)"))
            return false
        }
        let accountID = self.accountID
        func fail(_ invariant: String, _ detail: String) {
            add(.init(invariant: invariant, accountID: accountID, entryID: entry.id, detail: detail))
        }
        if entry.sequence != expectedSequence {
            fail("hash-chain", "sequence \(entry.sequence) where \(expectedSequence) was expected")
            return false
        }
        expectedSequence += 1
        if row["previous_hash"] as String != previousHash
            || EntryHash.hash(of: entry, previous: previousHash) != row["hash"] as String
        {
            fail("hash-chain", "the entry's hash does not match its content and the previous entry's hash")
            return false
        }
        previousHash = row["hash"]
        total += entry.amount
        held += entry.held
        if entry.balanceAfter != Balance(total: total, held: held) {
            fail("balance", "balanceAfter \(entry.balanceAfter) but the entries sum to total \(total), held \(held)")
            return false
        }
        if total < 0 || held < 0 || held > total || total > Limits.balanceMax {
            fail("balance", "total \(total), held \(held) out of bounds")
        }
        if abs(entry.amount) > Limits.movementMax || abs(entry.held) > Limits.movementMax {
            fail("limits", "moves more than \(Limits.movementMax) connects")
        }
        if entry.cause.type.isEmpty || entry.cause.id.isEmpty || entry.actor.isEmpty {
            fail("cause", "has no cause or actor")
        }
        if [.adjustment, .reversal].contains(entry.kind), (entry.reason ?? "").isEmpty {
            fail("cause", "a support action without a written reason")
        }
        let allocated = entry.allocations.reduce(Int64(0)) { $0 + $1.amount }
        let moved = entry.amount != 0 ? abs(entry.amount) : abs(entry.held)
        if allocated != moved {
            fail("allocations", "allocations sum to \(allocated) but the entry moves \(moved)")
        }
        for allocation in entry.allocations {
            guard lotIDs.contains(allocation.lotID) else {
                fail("no-transfer", "allocation names lot \(allocation.lotID), which is not this account's")
                continue
            }
            if entry.amount != 0 {
                lotRemaining[allocation.lotID, default: 0] += entry.amount > 0 ? allocation.amount : -allocation.amount
            }
            switch entry.kind {
            case .hold: lotHeld[allocation.lotID, default: 0] += allocation.amount
            case .capture, .release: lotHeld[allocation.lotID, default: 0] -= allocation.amount
            default: break
            }
        }
        return true
    }
}

extension LedgerStore {
    /// Verifies this store's database, in one read transaction.
    public func verify(
        progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws
        -> LedgerVerifier.Report
    {
        try await read { db in try LedgerVerifier().verify(db, progress: progress) }
    }
}
