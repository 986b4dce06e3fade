import ConnectsCore
import Foundation
import Logging

/// A ``LedgerStore`` whose rules are written once, in SQL both SQLite and PostgreSQL understand.
///
/// A conforming store only opens transactions: ``read(_:)`` on committed state and ``write(_:)``
/// durably. Everything else — carrying out operations, idempotency records, scheduled work, history,
/// webhooks — lives in extensions of this protocol, so both databases behave the same by construction.
public protocol SQLLedgerStore: LedgerStore {
    var logger: Logger { get }

    /// Runs `body` on committed state.
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T

    /// Runs `body` in a transaction and returns once that transaction is durable. The body may run more
    /// than once (a retried conflict), and may share its transaction with others, in a savepoint of its own.
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T
}

extension SQLLedgerStore {
    public func perform(
        _ operation: StoreOperation,
        now: Instant,
        policy: LedgerPolicy,
        idempotency: IdempotencyClaim?
    ) async throws -> Performed {
        try await write { db in
            if let idempotency,
                let record = try Self.idempotencyRecord(db, caller: idempotency.caller, key: idempotency.key)
            {
                return .replayed(record)
            }
            let result: Result<OperationResult, ConnectsError>
            do {
                result = .success(try Self.apply(operation, db: db, now: now, policy: policy))
            } catch let error as ConnectsError {
                // A refusal may come after some of the operation's writes: none of them stays.
                try db.discardChanges()
                result = .failure(error)
            }
            guard let idempotency else { return .done(result, response: nil) }
            let response = idempotency.render(result)
            try db.executeLater(
                """
                INSERT INTO idempotency_records (caller, key, fingerprint, status, content_type, body, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    idempotency.caller, idempotency.key, idempotency.fingerprint, response.status,
                    response.contentType, Data(response.body), now,
                ]
            )
            return .done(result, response: response)
        }
    }

    /// Removes idempotency records older than `cutoff` (API.md keeps them at least 7 days).
    public func pruneIdempotencyRecords(olderThan cutoff: Instant) async throws -> Int {
        try await write { db in
            try db.countingChanges(
                "DELETE FROM idempotency_records WHERE created_at < ?", [cutoff])
        }
    }
}
