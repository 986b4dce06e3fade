import ConnectsCore
import ConnectsStore
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// What the server needs to run: where to listen, who is admin, the policy to start with, the clock.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// A key registered as admin at start, never stored (`--admin-key` / `CONNECTS_ADMIN_KEY`).
    public var adminKey: String?
    /// The policy to put in force at start (stored as a new version if it differs from the newest);
    /// `nil` keeps the newest stored policy, or the standard one on a new database.
    public var policy: Policy?
    /// Requests a second each API key may send (bursts of twice that); `nil` for no limit.
    public var rateLimitPerSecond: Int?
    /// The time source: the system clock, or a test clock moved by `POST /v1/test-clock`.
    public var clock: ServerClock
    /// How often the scheduler looks for due work; `nil` runs no scheduler (tests that drive it).
    public var schedulerInterval: Duration?

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        adminKey: String? = nil,
        policy: Policy? = nil,
        rateLimitPerSecond: Int? = nil,
        clock: ServerClock = .system(),
        schedulerInterval: Duration? = .seconds(5)
    ) {
        self.host = host
        self.port = port
        self.adminKey = adminKey
        self.policy = policy
        self.rateLimitPerSecond = rateLimitPerSecond
        self.clock = clock
        self.schedulerInterval = schedulerInterval
    }
}

/// The HTTP API: handlers that parse and authorize, hand one operation to the store, and render.
struct ConnectsApp: Sendable {
    let store: any LedgerStore
    let configuration: ServerConfiguration
    let policyBox: PolicyBox
    let metrics: ServerMetrics
    let inFlight = InFlightRequests()

    /// The current time.
    func now() -> Instant { configuration.clock.now() }

    /// The policy in force now.
    var policy: LedgerPolicy { policyBox.policy }

    /// Builds the router with every route of API.md that exists so far.
    func makeRouter() -> (Router<ConnectsRequestContext>, [String]) {
        let router = Router(context: ConnectsRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: QueryCharacterMiddleware())
        if configuration.clock.isTestClock {
            router.add(middleware: SharedTestClockMiddleware(app: self))
        }
        router.add(
            middleware: AuthenticationMiddleware(
                store: store,
                adminKeyHash: configuration.adminKey.map(AuthenticationMiddleware.digest),
                rateLimiter: configuration.rateLimitPerSecond.map { RateLimiter(ratePerSecond: $0) }
            ))
        var table = RouteTable(router: router)
        addOperationRoutes(to: &table)
        addKeyRoutes(to: &table)
        addAccountRoutes(to: &table)
        addLedgerRoutes(to: &table)
        addEconomyRoutes(to: &table)
        addJobRoutes(to: &table)
        addEventRoutes(to: &table)
        return (router, table.routes)
    }

    // MARK: Shared steps of every handler

    /// Reads the body up to the API's limit and parses it as a JSON object.
    static func readObject(_ request: Request) async throws -> (JSONObject, [UInt8]) {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > Limits.requestBodyBytesMax {
            throw ConnectsError(.payloadTooLarge, "the body is over 64 KiB")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Limits.requestBodyBytesMax)
        } catch {
            throw ConnectsError(.payloadTooLarge, "the body is over 64 KiB")
        }
        let bytes = Array(buffer.readableBytesView)
        return (try JSONObject(bytes: bytes.isEmpty ? Array("{}".utf8) : bytes), bytes)
    }

    /// Runs a write through the store under the request's idempotency key, and answers it.
    ///
    /// - Parameters:
    ///   - requiresKey: whether the request moves connects, so that a missing key is refused.
    ///   - status: the status of a success.
    ///   - statusOf: the status of a success that depends on the result (a replayed business event).
    ///   - render: the JSON of a success.
    func perform(
        _ operation: StoreOperation,
        request: Request,
        context: ConnectsRequestContext,
        body: [UInt8],
        requiresKey: Bool,
        status: Int,
        statusOf: (@Sendable (OperationResult) -> Int)? = nil,
        render: @escaping @Sendable (OperationResult) -> JSONValue
    ) async throws -> Response {
        let caller = try context.requireCaller()
        let renderResult: @Sendable (Result<OperationResult, ConnectsError>) -> StoredResponse = { result in
            switch result {
            case .success(let value):
                return StoredResponse(
                    status: statusOf?(value) ?? status, contentType: "application/json",
                    body: render(value).serialized
                )
            case .failure(let error):
                return ProblemResponse.render(error)
            }
        }
        let now = now()
        guard let key = request.headers[.idempotencyKey] else {
            if requiresKey {
                throw ConnectsError(
                    .idempotencyKeyRequired, "this request moves connects: send an Idempotency-Key header")
            }
            let performed = try await store.perform(operation, now: now, policy: policy, idempotency: nil)
            return answer(performed, fingerprint: "", render: renderResult)
        }
        guard (1...Limits.idempotencyKeyBytesMax).contains(key.utf8.count) else {
            throw ConnectsError.invalidField("Idempotency-Key", "must be 1 to \(Limits.idempotencyKeyBytesMax) bytes")
        }
        let fingerprint = Self.fingerprint(method: request.method.rawValue, path: request.uri.description, body: body)
        // A finished request's record is found by the write itself (the store reads it first), so a new
        // key, the common case, costs no read transaction of its own. Only a key that is busy here is
        // looked up first: a replay of a finished request is answered even while another replay runs.
        let flightKey = caller.keyID + "\u{0}" + key
        guard inFlight.begin(flightKey) else {
            if let record = try await store.idempotencyRecord(caller: caller.keyID, key: key) {
                return answer(.replayed(record), fingerprint: fingerprint, render: renderResult)
            }
            throw ConnectsError(.requestInProgress, "a request with this Idempotency-Key is still running")
        }
        defer { inFlight.end(flightKey) }
        let claim = IdempotencyClaim(caller: caller.keyID, key: key, fingerprint: fingerprint, render: renderResult)
        let performed = try await store.perform(operation, now: now, policy: policy, idempotency: claim)
        return answer(performed, fingerprint: fingerprint, render: renderResult)
    }

    private func answer(
        _ performed: Performed,
        fingerprint: String,
        render: (Result<OperationResult, ConnectsError>) -> StoredResponse
    ) -> Response {
        switch performed {
        case .replayed(let record):
            guard record.fingerprint == fingerprint else {
                return Response(
                    ProblemResponse.render(
                        ConnectsError(
                            .idempotencyKeyReused,
                            "this Idempotency-Key was used for a different request"
                        )))
            }
            var response = Response(record.response)
            response.headers[.idempotentReplayed] = "true"
            return response
        case .done(let result, let stored):
            if case .success(let value) = result {
                for kind in value.writtenKinds { metrics.recordMovement(kind) }
            }
            return Response(stored ?? render(result))
        }
    }

    /// A digest of what makes two requests the same: method, path with query, and body.
    static func fingerprint(method: String, path: String, body: [UInt8]) -> String {
        var hasher = SHA256()
        hasher.update(data: Array("\(method) \(path)\n".utf8))
        hasher.update(data: body)
        return hasher.finalize().map { String($0, radix: 16) }.joined()
    }

    /// A JSON response with `status`.
    static func json(_ value: JSONValue, status: Int = 200) -> Response {
        Response(StoredResponse(status: status, contentType: "application/json", body: value.serialized))
    }
}

extension HTTPField.Name {
    static let idempotencyKey = Self("Idempotency-Key")!
    static let idempotentReplayed = Self("Idempotent-Replayed")!
}
