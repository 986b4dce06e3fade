import AsyncAlgorithms
import ConnectsCore
import ConnectsStore
import Logging
import ServiceLifecycle

/// Housekeeping that runs beside the server: it forgets idempotency records once they are older than
/// the API's promise (7 days; kept 8 to be safe), so the table stays bounded.
struct MaintenanceService: Service {
    /// How long an idempotency record is kept, in days.
    static let idempotencyRetentionDays: Int64 = 8

    let store: any SQLLedgerStore
    let now: @Sendable () -> Instant
    let interval: Duration
    let logger: Logger

    func run() async throws {
        for await _ in AsyncTimerSequence(interval: interval, clock: .continuous).cancelOnGracefulShutdown() {
            do {
                let removed = try await store.pruneIdempotencyRecords(
                    olderThan: now().adding(days: -Self.idempotencyRetentionDays)
                )
                if removed > 0 {
                    logger.info("pruned idempotency records", metadata: ["idempotency.removed": "\(removed)"])
                }
            } catch {
                logger.error("pruning idempotency records failed", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    }
}
