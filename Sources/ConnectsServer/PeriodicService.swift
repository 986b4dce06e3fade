import AsyncAlgorithms
import Logging
import ServiceLifecycle

/// Work that runs beside the server every `interval` until graceful shutdown: the scheduler, webhook
/// deliveries, housekeeping.
///
/// A pass that fails is logged and the next one runs at its time: a database that is briefly away
/// must not stop the scheduler for good. A pass already running when shutdown begins finishes first.
struct PeriodicService: Service {
    /// Names the work in logs (`service.name`).
    let name: String
    let interval: Duration
    let logger: Logger
    let pass: @Sendable () async throws -> Void

    func run() async throws {
        for await _ in AsyncTimerSequence(interval: interval, clock: .continuous).cancelOnGracefulShutdown() {
            do {
                try await pass()
            } catch {
                logger.error(
                    "periodic work failed",
                    metadata: ["service.name": "\(name)", "error": "\(String(reflecting: error))"])
            }
        }
    }
}
