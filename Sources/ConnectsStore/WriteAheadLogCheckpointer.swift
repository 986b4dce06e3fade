import Dispatch
import GRDB
import GRDBSQLite
import Logging
import Synchronization

/// Copies the write-ahead log into the database on a connection and a thread of its own, so that the
/// only writer does not stop for it.
///
/// SQLite's own automatic checkpoint runs in the commit that takes the log past 1,000 pages: the writer
/// syncs the log, copies its pages into the database and syncs that, while every write waits (a large
/// share of the writer's time in bench figure 2). Here the writer only asks for a checkpoint, which a
/// connection of its own runs in passive mode, beside the writes.
///
/// A passive checkpoint never copies pages a reader or the writer still needs, and under a steady load
/// the writer commits again before it ends, so it seldom copies the whole log, and the log restarts from
/// its beginning only after a checkpoint that copied it all. So once the log passes
/// ``writerFrames`` the writer checkpoints in its commit as SQLite would, which copies only the pages
/// the background checkpoints have not: the log stays bounded.
final class WriteAheadLogCheckpointer: Sendable {
    /// Pages added to the log that start a background checkpoint.
    let backgroundFrames: Int
    /// Pages in the log past which the writer checkpoints in its commit.
    let writerFrames: Int

    private struct State {
        /// The log's size in pages when a checkpoint was last asked for.
        var requestedAt = 0
        var isRunning = false
        /// Whether another checkpoint was asked for while one ran.
        var isRequested = false
    }

    private let connection: DatabaseQueue
    private let logger: Logger
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "connects.wal-checkpoint")

    /// Opens a connection of its own to the database at `path`.
    ///
    /// - Parameters:
    ///   - backgroundFrames: 1,000 is SQLite's default for its own automatic checkpoint.
    ///   - writerFrames: 8,000 pages are 32 MiB of log.
    init(path: String, backgroundFrames: Int = 1_000, writerFrames: Int = 8_000, logger: Logger) throws {
        self.backgroundFrames = backgroundFrames
        self.writerFrames = writerFrames
        var configuration = Configuration()
        configuration.label = "connects.checkpoint"
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.logger = logger
    }

    /// Replaces SQLite's automatic checkpoint on `writer` with this one. Call ``uninstall(from:)`` on the
    /// same connection before this object goes: the connection keeps an unretained reference to it.
    func install(on writer: Database) {
        sqlite3_wal_hook(
            writer.sqliteConnection,
            { context, connection, _, frames in
                let checkpointer = Unmanaged<WriteAheadLogCheckpointer>.fromOpaque(context!).takeUnretainedValue()
                checkpointer.logGrew(to: Int(frames), writer: connection)
                return SQLITE_OK
            },
            Unmanaged.passUnretained(self).toOpaque())
    }

    /// Gives `writer` SQLite's automatic checkpoint back.
    func uninstall(from writer: Database) {
        sqlite3_wal_autocheckpoint(writer.sqliteConnection, 1_000)
    }

    /// Called by SQLite on the writer after each commit, with the log's size in pages.
    private func logGrew(to frames: Int, writer: OpaquePointer?) {
        if frames >= writerFrames {
            // Busy when a background checkpoint is running: the next commit tries again.
            sqlite3_wal_checkpoint_v2(writer, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            return
        }
        let start = state.withLock { state -> Bool in
            // A smaller log than at the last request has restarted from its beginning.
            if frames < state.requestedAt { state.requestedAt = 0 }
            guard frames - state.requestedAt >= backgroundFrames else { return false }
            state.requestedAt = frames
            if state.isRunning {
                state.isRequested = true
                return false
            }
            state.isRunning = true
            return true
        }
        if start { queue.async { self.checkpointWhileRequested() } }
    }

    private func checkpointWhileRequested() {
        repeat {
            do {
                try connection.inDatabase { db in _ = try db.checkpoint(.passive) }
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                // The writer is checkpointing; nothing is lost by skipping this one.
            } catch {
                logger.warning("checkpoint failed", metadata: ["error": "\(error)"])
            }
        } while state.withLock { state in
            state.isRunning = state.isRequested
            state.isRequested = false
            return state.isRunning
        }
    }
}
