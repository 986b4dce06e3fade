import ConnectsCore
import Foundation
import GRDB

extension Bench {
    // MARK: Figure 11: the floor under figure 4

    /// What SQLite alone takes to write the rows figure 4's grants wrote, with nothing of Connects around
    /// the writes: no decision, hash, identifier, value or statement of ours.
    ///
    /// The rows are copied by `INSERT ... SELECT` from figure 4's database into an empty one of the same
    /// schema (every table, index, constraint and trigger, read from figure 4's database), in transactions
    /// of 256 grants as the scheduler's batches, on a connection set up as the store's writer (write-ahead
    /// log, `synchronous = NORMAL`, the same page cache, foreign keys checked; the log is checkpointed
    /// after the clock stops, as the store checkpoints off the writer). Each account's row is set to the
    /// columns the grant left, moving its cycle-due index entry as the grant did.
    ///
    /// Why: figure 4's goal (50,000 accounts/s) is a rate no change around the writes can reach if the
    /// writes alone are slower. A second row writes only each grant's lot and entry (no event row, no
    /// account row), the least a ledger of expiring connects keeps per grant: what making the entry the
    /// event and carrying the balance in the newest entry would leave.
    static func grantFloor(_ options: Options, granted: String, since: Instant, report: inout BenchReport) throws {
        let figure4 = report.figures.last { $0.number == 4 }?.value
        for writesAccountAndEvent in [true, false] {
            let path = "\(options.workDirectory)/floor-\(writesAccountAndEvent ? "all" : "least").sqlite"
            let (grants, seconds, cpu) = try copyGrants(
                from: granted, since: since, to: path, writesAccountAndEvent: writesAccountAndEvent)
            // Most of a gigabyte at the goal's 1,000,000 accounts, and not read again.
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            guard grants > 0 else { continue }
            let perSecond = Double(grants) / seconds
            report.figures.append(
                BenchFigure(
                    number: 11,
                    name: writesAccountAndEvent
                        ? "figure 4's rows by SQLite alone: lot, entry, event, account (the floor)"
                        : "figure 4's lots and entries alone (no event row, no account row)",
                    value: perSecond, unit: "accounts/s", goal: "", ratio: perSecond / 50_000,
                    ratioLabel: "figure 4's goal",
                    notes: figure4.map {
                        String(
                            format: "figure 4 ran at %.0f%% of %@", 100 * $0 / perSecond,
                            writesAccountAndEvent ? "its floor" : "its lots and entries alone")
                    },
                    cpuMicrosecondsPerItem: cpu / Double(grants) * 1e6))
        }
    }

    /// Copies the rows written at or after `since` from `granted` into a new database at `path`;
    /// returns the grants copied and the wall-clock and CPU seconds the copy took.
    private static func copyGrants(
        from granted: String, since: Instant, to path: String, writesAccountAndEvent: Bool
    ) throws -> (grants: Int, seconds: Double, cpu: Double) {
        var configuration = Configuration()
        // Figure 4's store may still be checkpointing the database this reads.
        configuration.busyMode = .timeout(30)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA cache_size = -65536")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
        }
        let floor = try DatabaseQueue(path: path, configuration: configuration)
        return try floor.inDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "ATTACH DATABASE ? AS granted", arguments: [granted])
            let schema = try String.fetchAll(
                db,
                sql: """
                    SELECT sql FROM granted.sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
                    ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, rowid
                    """)
            for statement in schema { try db.execute(sql: statement) }
            let since = since.millisecondsSinceEpoch
            // The accounts as they were due: the grants moved each one's next cycle on from its start.
            try db.execute(sql: "INSERT INTO accounts SELECT * FROM granted.accounts")
            try db.execute(
                sql: """
                    UPDATE accounts SET next_cycle_at = cycle_start
                    WHERE id IN (SELECT account_id FROM granted.entries WHERE created_at >= ?)
                    """,
                arguments: [since])
            let grants = db.changesCount
            let entries = try Int64.fetchAll(
                db, sql: "SELECT rowid FROM granted.entries WHERE created_at >= ? ORDER BY rowid", arguments: [since])
            let lots = try Int64.fetchAll(
                db, sql: "SELECT rowid FROM granted.lots WHERE granted_at >= ? ORDER BY rowid", arguments: [since])
            let events = try Int64.fetchAll(
                db, sql: "SELECT seq FROM granted.events WHERE created_at >= ? ORDER BY seq", arguments: [since])
            let batches = max(1, (entries.count + 255) / 256)
            /// The first and last row of batch `index` of `rows`, split into `batches` runs in order.
            func batch(_ index: Int, of rows: [Int64]) -> StatementArguments {
                let start = index * rows.count / batches
                let end = (index + 1) * rows.count / batches
                return start < end ? [rows[start], rows[end - 1]] : [1, 0]
            }
            // Each batch's rows are first read into small tables in memory, outside the clock, so that
            // the clock sees only the writes (the store's writer has its rows in memory too).
            let accountColumns = """
                status, plan, pending_plan, balance_total, balance_held, last_sequence, last_hash, billing_day,
                cycle_start, next_cycle_at
                """
            try db.execute(
                sql: """
                    PRAGMA temp_store = MEMORY;
                    CREATE TEMP TABLE staged_lots AS SELECT * FROM granted.lots WHERE 0;
                    CREATE TEMP TABLE staged_entries AS SELECT * FROM granted.entries WHERE 0;
                    CREATE TEMP TABLE staged_events AS SELECT * FROM granted.events WHERE 0;
                    CREATE TEMP TABLE staged_accounts (id TEXT PRIMARY KEY, \(accountColumns)) WITHOUT ROWID;
                    """)
            var seconds = 0.0
            var cpu = 0.0
            for index in 0..<batches {
                try db.execute(
                    sql: """
                        DELETE FROM staged_lots; DELETE FROM staged_entries; DELETE FROM staged_events;
                        DELETE FROM staged_accounts;
                        INSERT INTO staged_lots SELECT * FROM granted.lots WHERE rowid BETWEEN ? AND ?;
                        INSERT INTO staged_entries SELECT * FROM granted.entries WHERE rowid BETWEEN ? AND ?;
                        INSERT INTO staged_events SELECT * FROM granted.events WHERE seq BETWEEN ? AND ?;
                        INSERT INTO staged_accounts SELECT id, \(accountColumns) FROM granted.accounts
                        WHERE id IN (SELECT account_id FROM staged_entries);
                        """,
                    arguments: batch(index, of: lots) + batch(index, of: entries) + batch(index, of: events))
                let cpuBefore = ProcessCPU.now
                let started = ContinuousClock.now
                try db.inTransaction(.immediate) {
                    try db.execute(sql: "INSERT INTO lots SELECT * FROM staged_lots")
                    try db.execute(sql: "INSERT INTO entries SELECT * FROM staged_entries")
                    guard writesAccountAndEvent else { return .commit }
                    try db.execute(sql: "INSERT INTO events SELECT * FROM staged_events")
                    try db.execute(
                        sql: """
                            UPDATE accounts SET (\(accountColumns)) = (
                              SELECT \(accountColumns) FROM staged_accounts AS done WHERE done.id = accounts.id)
                            WHERE id IN (SELECT id FROM staged_accounts)
                            """)
                    return .commit
                }
                seconds += (ContinuousClock.now - started).seconds
                cpu += ProcessCPU.now.seconds - cpuBefore.seconds
            }
            let copied = try Int.fetchOne(db, sql: "SELECT count(*) FROM entries") ?? 0
            guard copied == entries.count else {
                throw BenchError.setup("figure 11 wrote \(copied) of figure 4's \(entries.count) entries")
            }
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            return (grants, seconds, cpu)
        }
    }
}
