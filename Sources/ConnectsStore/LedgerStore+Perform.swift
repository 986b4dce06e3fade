import ConnectsCore
import Foundation
import Logging

extension LedgerStore {
    /// Carries out `operation` at `now` under `policy` in one durable transaction, storing its outcome
    /// under `idempotency`; a request whose key was already used is answered from its record.
    ///
    /// A refusal discards every write the operation made before it, so a refused command changes
    /// nothing but its idempotency record.
    public func perform(
        _ operation: StoreOperation,
        now: Instant,
        policy: LedgerPolicy,
        idempotency: IdempotencyClaim?
    ) async throws -> Performed {
        try await write { db in
            // SQLite looks the key up first: a statement in the process costs next to nothing, and a used
            // key found only by the insert below would have the whole batch run again to undo this
            // write. On PostgreSQL, where every statement is a round trip, the insert finds it.
            if let idempotency, db.dialect == .sqlite,
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
            let recorded = try db.fetchAllWithLater(
                """
                INSERT INTO idempotency_records (caller, key, fingerprint, status, content_type, body, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (caller, key) DO NOTHING RETURNING 1
                """,
                [
                    idempotency.caller, idempotency.key, idempotency.fingerprint, response.status,
                    response.contentType, Data(response.body), now,
                ]
            )
            guard recorded.isEmpty else { return .done(result, response: response) }
            // Another request used the key first, and has committed: this one's work is undone, and its
            // answer is that request's.
            try db.discardChanges()
            guard let record = try Self.idempotencyRecord(db, caller: idempotency.caller, key: idempotency.key) else {
                throw StoreError.unavailable("the record of this Idempotency-Key was removed while the request ran")
            }
            return .replayed(record)
        }
    }

    /// Removes idempotency records older than `cutoff` (API.md keeps them at least 7 days).
    func pruneIdempotencyRecords(olderThan cutoff: Instant) async throws -> Int {
        try await write { db in
            try db.countingChanges(
                "DELETE FROM idempotency_records WHERE created_at < ?", [cutoff])
        }
    }
}
