import ConnectsCore
import Foundation

extension LedgerStore {
    // MARK: Scheduled work

    /// The earliest instant at which scheduled work falls due: a cycle start, a lot's expiry, or a job
    /// decision (auction close, expiry, deadline, inactivity, unviewed return).
    public func nextDueTime(policy: LedgerPolicy) async throws -> Instant? {
        try await read { db in
            let cycle = try db.value(Int64.self, "SELECT MIN(next_cycle_at) FROM accounts WHERE status = 'active'")
            let expiry = try db.value(Int64.self, "SELECT MIN(expires_at) FROM lots WHERE availability = 2")
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
                // order (lots_by_account) rather than the few expiring ones (lots_expiring), every pass
                // (bench figure 4).
                try db.values(
                    String.self,
                    "SELECT DISTINCT account_id || '' FROM lots WHERE availability = 2 AND expires_at <= ? LIMIT ?",
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
        // jobs go in small ones; ledger commands go in batches of 256, faster than batches of 100 on a
        // billing day on PostgreSQL, bench figure 4); batches run concurrently, on several connections
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
    /// costs two statements, and on SQLite a copy of every page the item touches, measured by
    /// bench figure 4). If any item throws, that whole write rolls back and the batch runs again with
    /// each item alone in a savepoint, so that the one refused or failing is logged and left out by itself.
    ///
    /// Together, the batch claims each kind's rows with one statement, loads the ledgers its ledger
    /// commands move with a few (``loadLedgers(_:accountIDs:selecting:extraLotIDs:now:)``), and writes what they
    /// changed with a few more (``LedgerWrites``).
    private func run(_ batch: [ScheduledItem], now: Instant, policy: LedgerPolicy) async -> Int {
        let together = try? await write { db in
            var claimed: [String: Set<String>] = [:]
            for (claim, items) in Dictionary(grouping: batch, by: \.claim) {
                let rows = try db.fetchAll(claim + db.skipLocked, in: items.map(\.id), items[0].arguments)
                claimed[claim] = Set(rows.compactMap { $0.first(as: String.self) })
            }
            let items = batch.filter { claimed[$0.claim]!.contains($0.id) }
            let commands = items.compactMap(\.ledgerCommand)
            var ledgers = try Self.loadLedgers(
                db, accountIDs: commands.map(\.accountID),
                selecting: LotSelection.perAccount(commands.lazy.map { ($0.accountID, $0.command.lotSelection) }),
                now: now)
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

extension LedgerStore {
    /// Items of each kind one pass of scheduled work takes on.
    ///
    /// On SQLite a pass's cycle starts share transactions, and so the index pages they dirty: the more items
    /// a pass, the faster a billing day (bench figure 4). Past 5,000, a pass's transaction keeps the writer (and the requests
    /// queued behind it) for longer than half a second on a small machine.
    public static var dueItemsPerPass: Int { 5_000 }

    /// Runs the scheduled work due in passes of `limit` items of each kind, until a pass finds less than
    /// a full pass to do; returns how many items ran. Each pass runs at the time `now` gives when it
    /// starts.
    ///
    /// A billing day on which a million accounts fall due is worked through at once, not one pass per
    /// scheduler tick (at 1,000 items every 5 seconds, the last allotment would arrive 80 minutes
    /// late). Items that stay due because they are refused end it: they are logged and not counted, so
    /// a pass of them is not full. At most `passesMax` passes, and none once the task is cancelled
    /// (a shutdown); what is left runs at the next tick.
    ///
    /// Why a clock, not one instant: the identifiers of what a pass writes begin with its time, so that
    /// those of later passes sort after them and are appended to the indexes. Given one instant for a
    /// million accounts, every entry, lot and event identifier of the whole billing day fell at random
    /// places among the others, and once those indexes outgrew SQLite's page cache each insert read
    /// a page from the file (bench figure 4 with `--due-accounts 1000000`).
    public func runAllDueWork(
        now: () -> Instant, policy: LedgerPolicy, limit: Int = Self.dueItemsPerPass, passesMax: Int = 1_000
    ) async throws -> Int {
        var ran = 0
        for _ in 0..<passesMax where !Task.isCancelled {
            let pass = try await runDueWork(now: now(), policy: policy, limit: limit)
            ran += pass
            if pass < limit { break }
        }
        return ran
    }
}
