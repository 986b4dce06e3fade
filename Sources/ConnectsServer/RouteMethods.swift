import Synchronization

/// The methods each route's path answers, written once when the router is built, read when a request's
/// method finds no route: such a request is answered `405 Method Not Allowed` with an `Allow` header
/// (RFC 9110), not `404`, when its path exists.
final class RouteMethods: Sendable {
    private let templates = Mutex<[(segments: [Substring], methods: [String])]>([])

    func set(_ routes: [RouteTable.Route]) {
        var byPath: [String: [String]] = [:]
        var order: [String] = []
        for route in routes {
            if byPath[route.path] == nil { order.append(route.path) }
            byPath[route.path, default: []].append(route.method.rawValue)
        }
        let templates = order.map { path in
            (path.split(separator: "/", omittingEmptySubsequences: false), byPath[path]!)
        }
        self.templates.withLock { $0 = templates }
    }

    /// The methods answered at `path` (a template's `{id}` matches any one segment); empty when no route
    /// has the path.
    func allowed(at path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return templates.withLock { templates in
            var methods: [String] = []
            for template in templates where template.segments.count == segments.count {
                let matches = zip(template.segments, segments).allSatisfy { pattern, segment in
                    (pattern.hasPrefix("{") && !segment.isEmpty) || pattern == segment
                }
                if matches { methods += template.methods.filter { !methods.contains($0) } }
            }
            return methods
        }
    }
}
