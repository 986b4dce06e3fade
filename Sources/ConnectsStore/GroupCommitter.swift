import GRDB
import Synchronization

/// Shares one durable transaction among many concurrent writes.
///
/// Writers enqueue work; one drain loop at a time takes up to ``batchSizeMax`` pending writes, runs each
/// in its own savepoint inside a single transaction, commits once (one fsync), and only then answers
/// every writer. A write that throws rolls back its own savepoint and nothing else. Writes are applied
/// in the order they were enqueued, so per-account ordering is the order of arrival.
final class GroupCommitter: Sendable {
    /// The most writes one transaction carries; bounds latency and memory of one batch.
    static let batchSizeMax = 1_000
    /// The most writes that may wait; past it a write is refused with
    /// ``StoreError/overloaded`` rather than grow the queue without bound.
    static let queueLengthMax = 100_000

    private struct State {
        var pending: [PendingWrite] = []
        var isDraining = false
    }

    private let writer: DatabasePool
    private let state = Mutex(State())

    init(writer: DatabasePool) {
        self.writer = writer
    }

    /// Runs `work` inside a savepoint of a shared transaction; returns after that transaction commits.
    func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let outcome = Mutex<Result<T, any Error>?>(nil)
            let pending = PendingWrite(
                run: { db in
                    do {
                        let value = try GRDBSession(db: db).inWriteSavepoint { try work(db) }
                        outcome.withLock { $0 = .success(value) }
                    } catch {
                        outcome.withLock { $0 = .failure(error) }
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
            guard state.pending.count < Self.queueLengthMax else { return .full }
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
                if batch.isEmpty { state.isDraining = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                try await writer.write { db in
                    for pending in batch { pending.run(db) }
                }
                for pending in batch { pending.finish(nil) }
            } catch {
                for pending in batch { pending.finish(error) }
            }
        }
    }
}

/// One write waiting for its transaction.
private struct PendingWrite: Sendable {
    let run: @Sendable (Database) -> Void
    let finish: @Sendable ((any Error)?) -> Void
}
