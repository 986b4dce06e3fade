import HTTPTypes
import Hummingbird

/// Registers routes on the router and remembers each one as `METHOD /path/{param}`, so that a test can
/// check that `/openapi.json` describes exactly the routes that exist.
struct RouteTable {
    let router: Router<ConnectsRequestContext>
    private(set) var routes: [String] = []

    init(router: Router<ConnectsRequestContext>) {
        self.router = router
    }

    /// Adds `handler` for `method` at `path`, written in OpenAPI form (`/v1/accounts/{id}`).
    mutating func on(
        _ method: HTTPRequest.Method,
        _ path: String,
        _ handler: @escaping @Sendable (Request, ConnectsRequestContext) async throws -> Response
    ) {
        routes.append("\(method.rawValue) \(path)")
        let hummingbirdPath = path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? ":" + segment.dropFirst().dropLast() : segment
        }.joined(separator: "/")
        router.on(RouterPath(hummingbirdPath), method: method, use: handler)
    }
}
