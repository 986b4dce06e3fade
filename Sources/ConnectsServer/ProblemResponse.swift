import ConnectsCore
import ConnectsStore
import HTTPTypes
import Hummingbird

/// Renders refusals as `application/problem+json` with the stable code of API.md.
enum ProblemResponse {
    /// The HTTP status of each stable code.
    static func status(of code: ConnectsError.Code) -> Int {
        switch code {
        case .malformedRequest, .idempotencyKeyRequired: return 400
        case .unauthenticated: return 401
        case .forbidden: return 403
        case .notFound: return 404
        case .methodNotAllowed: return 405
        case .payloadTooLarge: return 413
        case .validationFailed, .limitExceeded: return 422
        case .rateLimited: return 429
        case .unavailable: return 503
        default: return 409
        }
    }

    static let titles: [ConnectsError.Code: String] = [
        .malformedRequest: "Malformed request", .validationFailed: "Validation failed",
        .idempotencyKeyRequired: "Idempotency key required", .idempotencyKeyReused: "Idempotency key reused",
        .requestInProgress: "Request in progress", .unauthenticated: "Unauthenticated", .forbidden: "Forbidden",
        .notFound: "Not found", .insufficientConnects: "Insufficient connects", .jobNotOpen: "Job not open",
        .alreadyApplied: "Already applied", .invalidState: "Invalid state", .accountClosed: "Account closed",
        .paymentReferenceUsed: "Payment reference used", .limitExceeded: "Limit exceeded",
        .payloadTooLarge: "Payload too large", .rateLimited: "Rate limited", .methodNotAllowed: "Method not allowed",
        .unavailable: "Unavailable",
    ]

    /// The stored form of a refusal.
    static func render(_ error: ConnectsError) -> StoredResponse {
        let status = status(of: error.code)
        let body: JSONValue = .object([
            "type": .string("https://connects.dev/errors/\(error.code.rawValue)"),
            "title": .string(titles[error.code] ?? error.code.rawValue),
            "status": .int(Int64(status)),
            "detail": .string(error.detail),
            "code": .string(error.code.rawValue),
        ])
        return StoredResponse(
            status: status, contentType: "application/problem+json", body: body.serialized)
    }
}

/// Turns every thrown error into a response: refusals into problem+json, anything unexpected into a
/// bare 500 that is logged and never leaks its detail.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = ConnectsRequestContext

    /// The methods each path answers, for the `405` of a method it does not.
    let methods: RouteMethods

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ConnectsError {
            return Response(ProblemResponse.render(error))
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return Response(ProblemResponse.render(ConnectsError(.payloadTooLarge, "the body is over 64 KiB")))
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = methods.allowed(at: request.uri.path)
            guard !allowed.isEmpty else {
                return Response(ProblemResponse.render(ConnectsError(.notFound, "no such route")))
            }
            var response = Response(
                ProblemResponse.render(
                    ConnectsError(.methodNotAllowed, "\(request.method.rawValue) is not answered here")))
            response.headers[.allow] = allowed.joined(separator: ", ")
            return response
        } catch let error as RateLimited {
            return Self.retryLater(ConnectsError(.rateLimited, error.detail), after: error.retryAfterSeconds)
        } catch StoreError.unavailable(let detail) {
            // The detail may name the database's address: logged, not sent.
            context.logger.warning(
                "database unavailable", metadata: ["error": "\(detail)", "http.path": "\(request.uri.path)"])
            return Self.retryLater(ConnectsError(.unavailable, "the database cannot be reached; retry shortly"))
        } catch StoreError.overloaded {
            return Self.retryLater(ConnectsError(.rateLimited, "the server is busy; retry shortly"))
        } catch {
            context.logger.error(
                "request failed",
                metadata: ["error": "\(String(reflecting: error))", "http.path": "\(request.uri.path)"])
            let body: JSONValue = .object([
                "type": .string("about:blank"), "title": .string("Internal server error"), "status": .int(500),
                "detail": .string("the server could not complete the request"), "code": .string("internal_error"),
            ])
            return Response(
                StoredResponse(status: 500, contentType: "application/problem+json", body: body.serialized))
        }
    }

    /// A refusal the caller may send again, unchanged, after `seconds` (`Retry-After`).
    static func retryLater(_ error: ConnectsError, after seconds: Int = 1) -> Response {
        var response = Response(ProblemResponse.render(error))
        response.headers[.retryAfter] = String(seconds)
        return response
    }
}

extension Response {
    /// A response with a stored status, content type and body.
    init(_ stored: StoredResponse) {
        // A 204 has no body (a stored one renders `null`, which is not sent).
        guard stored.status != 204 else {
            self.init(status: .noContent)
            return
        }
        self.init(
            status: HTTPResponse.Status(code: stored.status),
            headers: [.contentType: stored.contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: stored.body))
        )
    }
}
