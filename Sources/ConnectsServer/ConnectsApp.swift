import ConnectsCore
import ConnectsSimulator
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
    /// Whether `/` is the demo's front page, where anyone may enter as a demo person (`--demo`).
    public var isDemo: Bool
    /// Where browsers reach this server (`https://connects.example.com`), for the links of
    /// `POST /v1/portal-sessions`; `nil` uses the address each request came to.
    public var publicURL: String?
    /// Whether the pages' session cookie is sent over TLS only (`Secure`); it also is whenever a proxy
    /// says the request came over https (`X-Forwarded-Proto`).
    public var secureCookies: Bool
    /// Whether webhooks may deliver to loopback, private, link-local and other reserved addresses
    /// (`--allow-private-webhook-urls`); off, such URLs are refused (``WebhookTarget``).
    public var allowsPrivateWebhookTargets: Bool
    /// Failed authentications one address may make a minute before its requests are refused unread
    /// (`--auth-failures-per-minute`); `nil` for no limit.
    public var failedAuthenticationsPerMinute: Int?
    /// The marketplace an admin's draft policy is tried on from the console.
    public var draftSimulation: Simulation.Settings
    /// How long events, deliveries and idempotency records are kept (`--event-retention-days`); the
    /// hourly housekeeping removes what is older.
    public var retention: Retention
    /// How long a client may take to send a whole request, and a keep-alive connection may stay idle
    /// (`--read-timeout`); past it the connection is closed (``RequestReadDeadline``).
    public var readTimeout: Duration
    /// The most connections served at once (`--max-connections`); past it, new ones wait in the listen
    /// queue until one closes.
    public var connectionsMax: Int
    /// 400 freelancers, 80 clients, 60 days: a few seconds on a release build.
    public static let defaultDraftSimulation = Simulation.Settings(freelancers: 400, clients: 80, days: 60, seed: 1)

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        adminKey: String? = nil,
        policy: Policy? = nil,
        rateLimitPerSecond: Int? = nil,
        clock: ServerClock = .system(),
        schedulerInterval: Duration? = .seconds(5),
        isDemo: Bool = false,
        publicURL: String? = nil,
        secureCookies: Bool = false,
        allowsPrivateWebhookTargets: Bool = false,
        failedAuthenticationsPerMinute: Int? = 60,
        draftSimulation: Simulation.Settings = defaultDraftSimulation,
        retention: Retention = .standard,
        readTimeout: Duration = .seconds(75),
        connectionsMax: Int = 2_048
    ) {
        self.host = host
        self.port = port
        self.adminKey = adminKey
        self.policy = policy
        self.rateLimitPerSecond = rateLimitPerSecond
        self.clock = clock
        self.schedulerInterval = schedulerInterval
        self.isDemo = isDemo
        self.publicURL = publicURL
        self.secureCookies = secureCookies
        self.allowsPrivateWebhookTargets = allowsPrivateWebhookTargets
        self.failedAuthenticationsPerMinute = failedAuthenticationsPerMinute
        self.draftSimulation = draftSimulation
        self.retention = retention
        self.readTimeout = readTimeout
        self.connectionsMax = connectionsMax
    }
}

/// The HTTP API: handlers that parse a request, call the ``ConnectsService``, and render its answer.
struct ConnectsApp: Sendable {
    let service: ConnectsService
    let configuration: ServerConfiguration
    let pages: PageRenderer

    var store: any LedgerStore { service.store }
    var metrics: ServerMetrics { service.metrics }

    /// The current time.
    func now() -> Instant { service.now() }

    /// The policy in force now.
    var policy: LedgerPolicy { service.policy }

    /// Builds the router with every route of the API.
    func makeRouter() -> (Router<ConnectsRequestContext>, [RouteTable.Route]) {
        let router = Router(context: ConnectsRequestContext.self)
        let methods = RouteMethods()
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: ProblemMiddleware(methods: methods))
        router.add(middleware: QueryCharacterMiddleware())
        if configuration.clock.isTestClock {
            router.add(middleware: SharedTestClockMiddleware(service: service))
        }
        router.add(middleware: WebSessionMiddleware(service: service, pages: pages))
        router.add(
            middleware: AuthenticationMiddleware(
                store: store,
                adminKeyHash: configuration.adminKey.map(APIKey.digest),
                rateLimiter: configuration.rateLimitPerSecond.map { RateLimiter(ratePerSecond: $0) },
                failureLimiter: configuration.failedAuthenticationsPerMinute.map {
                    RateLimiter(count: $0, perSeconds: 60)
                }
            ))
        var table = RouteTable(router: router)
        addOperationRoutes(to: &table)
        addKeyRoutes(to: &table)
        addAccountRoutes(to: &table)
        addLedgerRoutes(to: &table)
        addEconomyRoutes(to: &table)
        addJobRoutes(to: &table)
        addProposalRoutes(to: &table)
        addEventRoutes(to: &table)
        addPortalRoutes(to: &table)
        methods.set(table.routes)
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

    /// The write a request asks for: its caller, its `Idempotency-Key`, and how a success renders.
    ///
    /// - Parameters:
    ///   - body: the request's body, part of what makes two requests with one key the same.
    ///   - status: the status of a success.
    ///   - statusOf: the status of a success that depends on the result (a replayed business event).
    ///   - render: the JSON of a success.
    static func write(
        _ request: Request,
        _ context: ConnectsRequestContext,
        body: [UInt8],
        status: Int,
        statusOf: (@Sendable (OperationResult) -> Int)? = nil,
        render: @escaping @Sendable (OperationResult) -> JSONValue
    ) throws(ConnectsError) -> WriteRequest {
        WriteRequest(
            caller: try context.requireCaller(),
            idempotencyKey: request.headers[.idempotencyKey],
            fingerprint: fingerprint(method: request.method.rawValue, path: request.uri.description, body: body),
            render: { result in
                switch result {
                case .success(let value):
                    return StoredResponse(
                        status: statusOf?(value) ?? status, contentType: "application/json",
                        body: render(value).serialized)
                case .failure(let error):
                    return ProblemResponse.render(error)
                }
            })
    }

    /// The response to a write: its outcome, or the stored answer of an earlier request with its key.
    static func respond(_ outcome: WriteOutcome) -> Response {
        switch outcome {
        case .done(_, let response):
            return Response(response)
        case .replayed(let stored):
            var response = Response(stored)
            response.headers[.idempotentReplayed] = "true"
            return response
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
