import GRDB
import Synchronization

/// Shares one durable transaction among many concurrent writes.
///
/// Writers enqueue work; one drain loop at a time takes up to ``batchSizeMax`` pending writes, runs them
/// in a single transaction, commits once, and hands the batch to the ``WriteAheadLogSyncer``, which
/// answers every writer once the commit is on disk; meanwhile the loop runs the next batch. Writes are
/// applied in the order they were enqueued, so per-account ordering is the order of arrival.
///
/// A write that throws is undone alone, and undoing costs: a savepoint makes SQLite copy every page the
/// write changes, in case it is rolled back, which was most of a proposal's cost (bench figure
/// 1). Almost no write needs it: a refusal is decided before anything is written. So a batch first
/// runs with nothing to undo its writes. A write that fails having changed nothing is simply left out;
/// if one fails after changing rows, the transaction is rolled back and the batch runs again with each
/// write in a savepoint of its own.
final class GroupCommitter: Sendable {
    /// The most writes one transaction carries; bounds latency and memory of one batch.
    static let batchSizeMax = 1_000
    /// The most writes that may wait to be answered, whether queued, running or committed and waiting
    /// for the sync; past it a write is refused with ``StoreError/overloaded`` rather than grow the
    /// queue without bound.
    let queueLengthMax: Int

    private struct State {
        var pending: [PendingWrite] = []
        /// Writes taken from `pending` and not yet answered: running, or committed and waiting for the
        /// syncer (a slow disk holds them here).
        var inFlight = 0
        var isDraining = false
    }

    private let writer: DatabasePool
    private let syncer: WriteAheadLogSyncer
    private let state = Mutex(State())

    init(writer: DatabasePool, syncer: WriteAheadLogSyncer, queueLengthMax: Int = 100_000) {
        self.writer = writer
        self.syncer = syncer
        self.queueLengthMax = queueLengthMax
    }

    /// Runs `work` as one write of a shared transaction; returns after that transaction is durable.
    func write<T: Sendable>(_ work: @escaping @Sendable (GRDBSession) throws -> T) async throws -> T {
        if let failure = syncer.failure { throw failure }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let outcome = Mutex<Result<T, any Error>?>(nil)
            let pending = PendingWrite(
                run: { db, scope in
                    let session = GRDBSession(db: db, writeScope: scope)
                    do {
                        let value = try session.inWrite { try work(session) }
                        outcome.withLock { $0 = .success(value) }
                        return false
                    } catch {
                        outcome.withLock { $0 = .failure(error) }
                        return scope != .savepoint && session.hasChanged
                    }
                },
                finish: { commitError in
                    if let commitError {
                        continuation.resume(throwing: commitError)
                    } else {
                        continuation.resume(with: outcome.withLock { $0! })
                    }
                }
            )
            switch enqueue(pending) {
            case .queued: break
            case .startDrain: Task.detached { await self.drain() }
            case .full: continuation.resume(throwing: StoreError.overloaded)
            }
        }
    }

    private enum Enqueued { case queued, startDrain, full }

    private func enqueue(_ pending: PendingWrite) -> Enqueued {
        state.withLock { state in
            guard state.pending.count + state.inFlight < queueLengthMax else { return .full }
            state.pending.append(pending)
            if state.isDraining { return .queued }
            state.isDraining = true
            return .startDrain
        }
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [PendingWrite] in
                let count = min(state.pending.count, Self.batchSizeMax)
                let batch = Array(state.pending.prefix(count))
                state.pending.removeFirst(count)
                state.inFlight += count
                if batch.isEmpty { state.isDraining = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                try await writer.writeWithoutTransaction { db in try Self.run(batch, db: db) }
                syncer.whenDurable { syncError in self.finish(batch, syncError) }
            } catch {
                finish(batch, error)
            }
        }
    }

    private func finish(_ batch: [PendingWrite], _ error: (any Error)?) {
        state.withLock { $0.inFlight -= batch.count }
        for pending in batch { pending.finish(error) }
    }

    /// One transaction for the whole batch: first with nothing to undo its writes, and if one of them
    /// must be undone, again with each write in a savepoint.
    private static func run(_ batch: [PendingWrite], db: Database) throws {
        try db.beginTransaction(.immediate)
        do {
            if !runUnguarded(batch, db: db) {
                // (Unless SQLite has rolled it back itself, after an I/O error.)
                if db.isInsideTransaction { try db.rollback() }
                try db.beginTransaction(.immediate)
                for pending in batch { _ = pending.run(db, .savepoint) }
            }
            try db.commit()
        } catch {
            if db.isInsideTransaction { try? db.rollback() }
            throw error
        }
    }

    /// Runs the batch with nothing to undo its writes; `false` as soon as one must be undone.
    private static func runUnguarded(_ batch: [PendingWrite], db: Database) -> Bool {
        for pending in batch {
            let scope = GRDBSession.WriteScope.unguarded(changesBefore: db.totalChangesCount)
            if pending.run(db, scope) { return false }
        }
        return true
    }
}

/// One write waiting for its transaction.
private struct PendingWrite: Sendable {
    /// Runs the write in the given scope; returns whether it failed unguarded after changing rows, so
    /// that its batch must run again.
    let run: @Sendable (Database, GRDBSession.WriteScope) -> Bool
    let finish: @Sendable ((any Error)?) -> Void
}
