import HTTPTypes
import Hummingbird

/// Registers routes on the router and remembers each one with the ``Action`` it takes, so that the
/// permissions of every route can be read in one place (``ConnectsServer/routePermissions()``) and a
/// test can check that `/openapi.json` describes exactly the routes that exist.
struct RouteTable {
    /// One registered route.
    struct Route: Sendable, Hashable {
        var method: HTTPRequest.Method
        /// In OpenAPI form: `/v1/accounts/{id}`.
        var path: String
        /// What the route does, and so who may call it; `nil` for the unauthenticated operations routes.
        var action: Action?

        var name: String { "\(method.rawValue) \(path)" }
        /// Whether the route is a web page rather than part of the API.
        var isPage: Bool { RouteTable.isPage(path) }
    }

    /// Whether `path` is a web page's (the portal, the console, the sign-in, the demo's) rather than
    /// the API's: pages answer with pages and know their callers by a session cookie.
    static func isPage(_ path: some StringProtocol) -> Bool {
        path == "/" || path == "/sign-in" || path.hasPrefix("/portal") || path.hasPrefix("/console")
            || path.hasPrefix("/demo/")
    }

    let router: Router<ConnectsRequestContext>
    private(set) var routes: [Route] = []

    init(router: Router<ConnectsRequestContext>) {
        self.router = router
    }

    /// Adds `handler` for `method` at `path`, written in OpenAPI form (`/v1/accounts/{id}`), taking
    /// `action`.
    ///
    /// A caller whose role may take the action for no account is refused before the request is read;
    /// the service checks the rest (which account) when it carries the action out.
    mutating func on(
        _ method: HTTPRequest.Method,
        _ path: String,
        _ action: Action?,
        _ handler: @escaping @Sendable (Request, ConnectsRequestContext) async throws -> Response
    ) {
        routes.append(Route(method: method, path: path, action: action))
        let hummingbirdPath = path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? ":" + segment.dropFirst().dropLast() : segment
        }.joined(separator: "/")
        guard let action else {
            router.on(RouterPath(hummingbirdPath), method: method, use: handler)
            return
        }
        router.on(RouterPath(hummingbirdPath), method: method) { request, context in
            try context.requireCaller().requireRole(for: action)
            return try await handler(request, context)
        }
    }
}
