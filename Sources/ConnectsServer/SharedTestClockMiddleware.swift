import ConnectsCore
import ConnectsStore
import Hummingbird

/// With a test clock, reads the time every node shares before each request, so that a request sent to
/// any node right after `POST /v1/test-clock` on another sees the new time.
struct SharedTestClockMiddleware: RouterMiddleware {
    typealias Context = ConnectsRequestContext
    let service: ConnectsService

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let shared = try await service.store.testClock(raisedTo: nil) {
            service.clock.move(to: shared)
        }
        return try await next(request, context)
    }
}
