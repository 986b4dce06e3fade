import CSQLiteConfiguration
import ConnectsCore
import Foundation
import GRDB
import Logging

/// The embedded store: one SQLite file in WAL mode, one writer shared by group commit, readers in a
/// pool.
///
/// Durability: a write is answered only once its transaction is on disk. The writer commits with
/// `synchronous = NORMAL` and the ``WriteAheadLogSyncer`` syncs the log before anyone is answered, so
/// the disk's latency overlaps the next batch instead of stalling the writer (bench figure 1). A
/// reader may see a commit a few milliseconds before it is on
/// disk; power lost in that moment loses it, as it loses any write not yet answered. Anything that
/// acts on what it read through a write (a webhook delivery claims its rows first) waits for that
/// write's own sync, which covers every commit before it. The ``WriteAheadLogCheckpointer`` copies the
/// log into the database beside the writer.
public final class SQLiteStore: LedgerStore {
    let pool: DatabasePool
    let committer: GroupCommitter
    let checkpointer: WriteAheadLogCheckpointer
    public let logger: Logger

    /// Whether a write waits for its commit to reach the disk.
    public enum Durability: Sendable {
        /// Answered once on disk: every database anyone keeps.
        case synced
        /// Never synced (`synchronous = OFF`): for a database nobody keeps, such as the simulator's,
        /// which the machine's crash may lose or corrupt.
        case unsynced
    }

    /// Opens (creating if needed) the database at `path` and migrates it.
    ///
    /// - Parameter migrate: run migrations; when `false`, a database that is not fully migrated is refused.
    public init(
        path: String, migrate: Bool = true, durability: Durability = .synced,
        logger: Logger = Logger(label: "connects.store")
    ) throws {
        _ = Self.libraryConfigured
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.maximumReaderCount = 8
        configuration.label = "connects"
        let pool = try DatabasePool(path: path, configuration: configuration)
        let checkpointer = try WriteAheadLogCheckpointer(path: path, logger: logger)
        // NORMAL is GRDB's own choice in WAL mode; it is stated here because the WriteAheadLogSyncer
        // relies on it: SQLite still syncs the log before each checkpoint, and the database after.
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: durability == .synced ? "PRAGMA synchronous = NORMAL" : "PRAGMA synchronous = OFF")
            // Room for a whole group-committed batch in memory, so it is written once, at commit, rather
            // than spilled page by page mid-transaction (64 MiB).
            try db.execute(sql: "PRAGMA cache_size = -65536")
            checkpointer.install(on: db)
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
        self.committer = GroupCommitter(
            writer: pool,
            syncer: durability == .synced ? WriteAheadLogSyncer(logPath: path + "-wal") : WriteAheadLogSyncer(sync: {}))
        self.checkpointer = checkpointer
        self.logger = logger
    }

    deinit {
        pool.writeWithoutTransaction { db in checkpointer.uninstall(from: db) }
    }

    /// Whether SQLite took our process-wide settings (it does when this is the first use of SQLite in
    /// the process, as in `connects serve`): connections without their own mutex, no memory statistics,
    /// 128 KiB of savepoint undo journal in memory.
    static let libraryConfigured = connects_sqlite_configure() == 1

    /// The writer connection's `PRAGMA synchronous` (1 is NORMAL, 2 is FULL).
    public func writerSynchronousMode() throws -> Int {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await pool.read { db in try body(GRDBSession(db: db)) }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await committer.write(body)
    }

    /// Verifies the database at `path`, opened read-only so that nothing in it changes.
    public static func verify(
        path: String, progress: (Int, Int) -> Void = { _, _ in }
    ) throws
        -> LedgerVerifier.Report
    {
        var configuration = Configuration()
        configuration.readonly = true
        let pool = try DatabasePool(path: path, configuration: configuration)
        return try pool.read { db in try LedgerVerifier().verify(GRDBSession(db: db), progress: progress) }
    }

    /// Writes a consistent copy of the database at `path` to a new file `target` (`VACUUM INTO`, from
    /// one read transaction): safe while a server writes to it, and the copy is compact. Fails if
    /// `target` exists.
    public static func backup(path: String, to target: String) throws {
        guard !FileManager.default.fileExists(atPath: target) else { throw StoreError.backupTargetExists(target) }
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.inDatabase { db in try db.execute(sql: "VACUUM INTO ?", arguments: [target]) }
        try queue.close()
    }

    public func isReady() async -> Bool {
        (try? await pool.read { db in try Self.migrator.hasCompletedMigrations(db) }) ?? false
    }
}
