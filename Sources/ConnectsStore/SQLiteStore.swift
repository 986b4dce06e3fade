import ConnectsCore
import Foundation
import GRDB
import Logging

/// The embedded store: one SQLite file in WAL mode, one writer shared by group commit, readers in a
/// pool.
///
/// Durability: the writer runs with `synchronous = FULL`, so a transaction is on disk when `COMMIT`
/// returns, and a write is answered only after its transaction commits.
public final class SQLiteStore: LedgerStore {
    let pool: DatabasePool
    let committer: GroupCommitter
    let logger: Logger

    /// Opens (creating if needed) the database at `path` and migrates it.
    ///
    /// - Parameter migrate: run migrations; when `false`, a database that is not fully migrated is refused.
    public init(path: String, migrate: Bool = true, logger: Logger = Logger(label: "connects.store")) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.maximumReaderCount = 8
        configuration.label = "connects"
        let pool = try DatabasePool(path: path, configuration: configuration)
        // GRDB sets synchronous=NORMAL when it enables WAL, after prepareDatabase has run: set FULL on the
        // writer connection itself, after the pool exists (see MACHINE-NOTES.md).
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Room for a whole group-committed batch in memory, so it is written once, at commit, rather
            // than spilled page by page mid-transaction (64 MiB).
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
        if migrate {
            try Self.migrator.migrate(pool)
        } else {
            let isMigrated = try pool.read { db in try Self.migrator.hasCompletedMigrations(db) }
            guard isMigrated else {
                throw StoreError.unavailable("the database at \(path) is not migrated; run `connects migrate`")
            }
        }
        self.pool = pool
        self.committer = GroupCommitter(writer: pool)
        self.logger = logger
    }

    /// The writer connection's `PRAGMA synchronous` (2 is FULL).
    public func writerSynchronousMode() throws -> Int {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    // MARK: Writes

    public func perform(
        _ operation: StoreOperation,
        now: Instant,
        policy: LedgerPolicy,
        idempotency: IdempotencyClaim?
    ) async throws -> Performed {
        try await committer.write { db in
            if let idempotency,
                let record = try Self.idempotencyRecord(db, caller: idempotency.caller, key: idempotency.key)
            {
                return .replayed(record)
            }
            let result: Result<OperationResult, ConnectsError>
            do {
                var value: OperationResult?
                try db.inSavepoint {
                    value = try Self.apply(operation, db: db, now: now, policy: policy)
                    return .commit
                }
                result = .success(value!)
            } catch let error as ConnectsError {
                result = .failure(error)
            }
            guard let idempotency else { return .done(result, response: nil) }
            let response = idempotency.render(result)
            try db.execute(
                sql: """
                    INSERT INTO idempotency_records (caller, key, fingerprint, status, content_type, body, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    idempotency.caller, idempotency.key, idempotency.fingerprint, response.status,
                    response.contentType, Data(response.body), now.millisecondsSinceEpoch,
                ]
            )
            return .done(result, response: response)
        }
    }

    /// Removes idempotency records older than `cutoff` (API.md keeps them at least 7 days).
    public func pruneIdempotencyRecords(olderThan cutoff: Instant) async throws -> Int {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM idempotency_records WHERE created_at < ?",
                arguments: [cutoff.millisecondsSinceEpoch]
            )
            return db.changesCount
        }
    }

    public func isReady() async -> Bool {
        (try? await pool.read { db in try Self.migrator.hasCompletedMigrations(db) }) ?? false
    }
}
