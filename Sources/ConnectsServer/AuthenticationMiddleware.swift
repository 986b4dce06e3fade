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
    /// Failed authentications per address: past the limit, an address's requests are refused before any
    /// key is looked up (guessing keys costs the guesser, not the database).
    let failureLimiter: RateLimiter?

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard request.uri.path.hasPrefix("/v1/") else { return try await next(request, context) }
        let address = context.remoteAddress ?? "unknown"
        if let wait = failureLimiter?.waitForToken(address) {
            throw RateLimited(
                retryAfterSeconds: wait, detail: "too many failed authentications from this address; retry later")
        }
        func refuse(_ detail: String) -> ConnectsError {
            _ = failureLimiter?.acquire(address)
            return ConnectsError(.unauthenticated, detail)
        }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "), header.count > 7 else {
            throw refuse("send Authorization: Bearer <api key>")
        }
        let secret = String(header.dropFirst(7))
        guard secret.utf8.count <= 256 else { throw refuse("unknown API key") }
        let hash = APIKey.digest(secret)
        var context = context
        if hash == adminKeyHash {
            context.caller = Caller(keyID: "admin", role: .admin, accountID: nil)
        } else if let key = try await store.apiKey(secretHash: hash) {
            context.caller = Caller(keyID: key.id, role: key.role, accountID: key.accountID)
        } else {
            throw refuse("unknown API key")
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
    var detail = "too many requests for this key; retry later"
}
