import ConnectsCore
import ConnectsStore
import HTTPTypes
import Hummingbird

/// Resolves `Authorization: Bearer <key>` to a ``Caller`` for every `/v1` request.
///
/// Keys are stored as digests (``APIKey/digest(_:)``).
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = ConnectsRequestContext

    let store: any LedgerStore
    /// The digest of the `--admin-key`, which is never stored.
    let adminKeyHash: String?
    /// The per-key request limit, if any.
    let rateLimiter: RateLimiter?

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard request.uri.path.hasPrefix("/v1/") else { return try await next(request, context) }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "), header.count > 7 else {
            throw ConnectsError(.unauthenticated, "send Authorization: Bearer <api key>")
        }
        let secret = String(header.dropFirst(7))
        guard secret.utf8.count <= 256 else { throw ConnectsError(.unauthenticated, "unknown API key") }
        let hash = APIKey.digest(secret)
        var context = context
        if hash == adminKeyHash {
            context.caller = Caller(keyID: "admin", role: .admin, accountID: nil)
        } else if let key = try await store.apiKey(secretHash: hash) {
            context.caller = Caller(keyID: key.id, role: key.role, accountID: key.accountID)
        } else {
            throw ConnectsError(.unauthenticated, "unknown API key")
        }
        context.logger[metadataKey: "caller.key"] = .string(context.caller!.keyID)
        if let retryAfter = rateLimiter?.acquire(context.caller!.keyID) {
            throw RateLimited(retryAfterSeconds: retryAfter)
        }
        return try await next(request, context)
    }
}

/// A request over its key's rate; answered 429 `rate_limited` with `Retry-After`.
struct RateLimited: Error {
    let retryAfterSeconds: Int
}
