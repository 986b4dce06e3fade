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
    func pruneIdempotencyRecords(olderThan cutoff: Instant) async throws -> Int {
        try await write { db in
            try db.countingChanges(
                "DELETE FROM idempotency_records WHERE created_at < ?", [cutoff])
        }
    }
}
