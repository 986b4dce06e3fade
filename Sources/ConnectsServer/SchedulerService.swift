import AsyncAlgorithms
import ConnectsCore
import ConnectsStore
import Logging
import ServiceLifecycle

/// Runs scheduled work every few seconds: cycle starts and their allotments, downgrades, rollover
/// forfeits, expiry sweeps.
///
/// Every item is a ledger command with its own exactly-once key, so a pass interrupted by a crash is
/// simply run again by the next one; nothing is ever done twice.
struct SchedulerService: Service {
    let app: ConnectsApp
    let interval: Duration
    let logger: Logger

    func run() async throws {
        for await _ in AsyncTimerSequence(interval: interval, clock: .continuous).cancelOnGracefulShutdown() {
            do {
                try await app.syncSharedState()
                let ran = try await app.store.runAllDueWork(now: app.now, policy: app.policy)
                if ran > 0 { logger.debug("ran scheduled work", metadata: ["scheduler.items": "\(ran)"]) }
            } catch {
                logger.error("scheduled work failed", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    }
}
