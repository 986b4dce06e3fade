import ConnectsCore
import ConnectsStore
import Hummingbird

extension ConnectsApp {
    /// Catches up with what other server nodes on the same database changed: a newer policy version,
    /// and the shared test clock. Every scheduler pass runs it, so nodes agree within one interval.
    func syncSharedState() async throws {
        if configuration.clock.isTestClock, let shared = try await store.testClock(raisedTo: nil) {
            configuration.clock.move(to: shared)
        }
        if let (version, stored) = try await store.latestPolicy(), version > policy.version {
            policyBox.replace(with: stored.ledgerPolicy(version: version))
        }
    }

    /// Moves this node's test clock to `instant` and shares it with the other nodes; when another node
    /// has already moved the shared time further, this node follows it.
    func moveTestClock(to instant: Instant) async throws {
        configuration.clock.move(to: instant)
        if let shared = try await store.testClock(raisedTo: configuration.clock.now()) {
            configuration.clock.move(to: shared)
        }
    }
}

/// With a test clock, reads the time every node shares before each request, so that a request sent to
/// any node right after `POST /v1/test-clock` on another sees the new time.
struct SharedTestClockMiddleware: RouterMiddleware {
    typealias Context = ConnectsRequestContext
    let app: ConnectsApp

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let shared = try await app.store.testClock(raisedTo: nil) {
            app.configuration.clock.move(to: shared)
        }
        return try await next(request, context)
    }
}
