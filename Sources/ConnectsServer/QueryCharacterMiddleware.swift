import ConnectsCore
import Hummingbird

/// Refuses a query value holding U+0000 before any handler reads it: PostgreSQL cannot hold that
/// character in text (a lookup with it fails instead of finding nothing), so every store refuses it
/// alike, as bodies do (``JSONObject/string(_:required:maxLength:)``).
struct QueryCharacterMiddleware: RouterMiddleware {
    typealias Context = ConnectsRequestContext

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let (name, _) = request.uri.queryParameters.first(where: { $0.value.utf8.contains(0) }) {
            throw ConnectsError.invalidField(String(name), "must not contain the NUL character (U+0000)")
        }
        return try await next(request, context)
    }
}
