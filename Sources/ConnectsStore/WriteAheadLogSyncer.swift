import Foundation
import Synchronization

/// Makes committed SQLite transactions durable while the writer goes on to the next batch.
///
/// The writer commits with `synchronous = NORMAL`: SQLite appends a transaction's pages to the
/// write-ahead log without waiting for the disk. The group committer hands each committed batch here,
/// and its writers are answered only after a sync of the log that began after that batch committed, so
/// an answered write is on disk exactly as with `synchronous = FULL`. One sync covers every batch
/// committed before it began, and it runs on a thread of its own, so the disk's latency overlaps the
/// next batch's work instead of stalling the only writer. SQLite itself still syncs the log before each
/// checkpoint copies it into the database, and the database after.
final class WriteAheadLogSyncer: Sendable {
    /// Called once a batch's transaction is durable, or with the error that leaves it in doubt.
    typealias Completion = @Sendable ((any Error)?) -> Void

    private struct State {
        var waiting: [Completion] = []
        var isSyncing = false
        var failure: StoreError?
    }

    private let sync: @Sendable () throws -> Void
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "connects.wal-sync")

    /// - Parameter sync: makes everything written to the log so far durable.
    init(sync: @escaping @Sendable () throws -> Void) {
        self.sync = sync
    }

    /// Syncs the log file at `path` (the database path with `-wal`).
    convenience init(logPath path: String) {
        self.init(sync: LogFile(path: path).sync)
    }

    /// A failed sync, after which nothing more is written: the kernel may have dropped the pages it
    /// could not write, so a later sync that succeeds would not mean they are on disk. Restarting
    /// recovers from what the log holds.
    var failure: StoreError? { state.withLock { $0.failure } }

    /// Calls `completion` after a sync that begins after this call.
    func whenDurable(_ completion: @escaping Completion) {
        enum Next { case wait, startSyncing, fail(StoreError) }
        let next = state.withLock { state -> Next in
            if let failure = state.failure { return .fail(failure) }
            state.waiting.append(completion)
            if state.isSyncing { return .wait }
            state.isSyncing = true
            return .startSyncing
        }
        switch next {
        case .wait: break
        case .startSyncing: queue.async { self.syncWhileWaiting() }
        case .fail(let failure): completion(failure)
        }
    }

    private func syncWhileWaiting() {
        while true {
            let completions = state.withLock { state -> [Completion] in
                let completions = state.waiting
                state.waiting = []
                if completions.isEmpty { state.isSyncing = false }
                return completions
            }
            if completions.isEmpty { return }
            var failure: StoreError?
            do {
                try sync()
            } catch {
                failure = .unavailable("the write-ahead log could not be synced (\(error)); restart to recover")
                state.withLock { $0.failure = failure }
            }
            for completion in completions { completion(failure) }
        }
    }

    /// `fdatasync` of the file at `path` through a descriptor of its own (a sync covers the file's pages
    /// whichever descriptor wrote them); returns the file's inode, or `nil` if there is no such file.
    @discardableResult
    static func dataSync(_ path: String) throws -> ino_t? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            if errno == ENOENT { return nil }
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, fdatasync(descriptor) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        return status.st_ino
    }
}

/// SQLite's log file, synced by path.
private final class LogFile: Sendable {
    let path: String
    /// The log file whose name is known to be on disk.
    private let durableName = Mutex<ino_t?>(nil)

    init(path: String) {
        self.path = path
    }

    /// Syncs the file, and its directory when the file is new to us: SQLite creates the log afresh when
    /// a database is opened without one, and a new file's name is on disk only once its directory is
    /// synced (SQLite does that itself only at its first sync of the file, at the first checkpoint).
    /// A log that no longer exists was checkpointed into the database and removed by SQLite, which
    /// syncs both first.
    func sync() throws {
        guard let file = try WriteAheadLogSyncer.dataSync(path) else { return }
        guard durableName.withLock({ $0 }) != file else { return }
        let directory = (path as NSString).deletingLastPathComponent
        try WriteAheadLogSyncer.dataSync(directory.isEmpty ? "." : directory)
        durableName.withLock { $0 = file }
    }
}
