import AsyncHTTPClient
import ConnectsCore
import ConnectsServer
import ConnectsStore
import ConnectsTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Testing

/// A real server on a real SQLite file, driven over real HTTP (AsyncHTTPClient on loopback).
struct ServerHarness {
    static let adminKey = "test-admin-key-0123456789"

    /// The standard policy without sign-up reward or allotments, so ledger tests start from zero.
    static let ledgerOnly: Policy = {
        var economy = Policy.standard
        economy.rewards.removeAll { $0.key == "signup" }
        economy.plans = economy.plans.map { Policy.Plan(key: $0.key, allotment: 0) }
        return economy
    }()

    /// Runs `test` against a fresh server on a fresh database of `kind`, removed afterwards. `wrap` may
    /// put the store behind a test double's gate.
    static func run(
        on kind: StoreKind = .sqlite,
        store wrap: @Sendable (any LedgerStore) -> any LedgerStore = { $0 },
        rateLimitPerSecond: Int? = nil,
        policy: Policy = ServerHarness.ledgerOnly,
        clock: ServerClock = .system(),
        allowsPrivateWebhookTargets: Bool = true,
        failedAuthenticationsPerMinute: Int? = nil,
        _ test: @Sendable (API, TestDatabase) async throws -> Void
    ) async throws {
        try await withTestDatabase(kind) { database in
            let app = try await buildApplication(
                store: wrap(database.store),
                configuration: ServerConfiguration(
                    port: 0, adminKey: adminKey, policy: policy, rateLimitPerSecond: rateLimitPerSecond, clock: clock,
                    schedulerInterval: clock.isTestClock ? nil : .seconds(1),
                    allowsPrivateWebhookTargets: allowsPrivateWebhookTargets,
                    failedAuthenticationsPerMinute: failedAuthenticationsPerMinute,
                    // A debug build among the other suites: small enough for the HTTP client's timeout.
                    draftSimulation: .init(freelancers: 120, clients: 25, days: 30, seed: 1)
                )
            )
            // HummingbirdTesting runs the server on a free port; the requests go through a client of
            // our own (see `HTTPClient.reply`), with a connection for each of the most requests a test
            // sends at once.
            try await app.test(.ahc(.http)) { testClient in
                let client = HTTPClient(
                    eventLoopGroupProvider: .singleton,
                    configuration: .init(
                        connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
                    )
                )
                do {
                    try await test(API(client: client, port: testClient.port!), database)
                } catch {
                    try await client.shutdown()
                    throw error
                }
                try await client.shutdown()
            }
        }
    }
}

/// One HTTP exchange's outcome.
struct Reply: Sendable {
    var status: Int
    var headers: HTTPFields
    var body: [UInt8]

    var json: JSONValue { (try? JSONDecoder().decode(JSONValue.self, from: Data(body))) ?? .null }
    var text: String { String(decoding: body, as: UTF8.self) }
    /// The stable error code of a problem response.
    var code: String? { if case .string(let code)? = json["code"] { return code } else { return nil } }
    var isReplay: Bool { headers[HTTPField.Name("Idempotent-Replayed")!] == "true" }
}

/// A small client for the Connects API.
struct API: Sendable {
    let client: HTTPClient
    let port: Int

    func send(
        _ method: HTTPRequest.Method,
        _ path: String,
        body: String? = nil,
        key: String? = ServerHarness.adminKey,
        idempotencyKey: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = HTTPHeaders(extra.map { ($0.name.rawName, $0.value) })
        if let key { headers.add(name: "Authorization", value: "Bearer \(key)") }
        if let idempotencyKey { headers.add(name: "Idempotency-Key", value: idempotencyKey) }
        return try await client.reply(
            HTTPMethod(rawValue: method.rawValue), url: "http://localhost:\(port)\(path)", headers: headers, body: body)
    }

    /// Creates a freelancer and returns its id.
    func makeFreelancer(_ externalID: String = UUID().uuidString) async throws -> String {
        let reply = try await send(.post, "/v1/accounts", body: #"{"externalId":"\#(externalID)","kind":"freelancer"}"#)
        #expect(reply.status == 201, "\(reply.text)")
        return reply.json["id"]?.stringValue ?? ""
    }

    /// Creates a client and returns its id.
    func makeClient(_ externalID: String = UUID().uuidString) async throws -> String {
        let reply = try await send(.post, "/v1/accounts", body: #"{"externalId":"\#(externalID)","kind":"client"}"#)
        #expect(reply.status == 201, "\(reply.text)")
        return reply.json["id"]?.stringValue ?? ""
    }

    /// Adjusts an account's balance by `amount` (admin).
    @discardableResult
    func adjust(
        _ accountID: String, _ amount: Int64, reason: String = "test", key: String = ServerHarness.adminKey,
        idempotencyKey: String = UUID().uuidString
    ) async throws -> Reply {
        try await send(
            .post,
            "/v1/accounts/\(accountID)/adjustments",
            body: #"{"amount":\#(amount),"reason":"\#(reason)"}"#,
            key: key,
            idempotencyKey: idempotencyKey
        )
    }

    /// Issues an API key of `role`, bound to `accountID` for freelancer and client keys.
    func makeKey(role: String, accountID: String? = nil) async throws -> String {
        let account = accountID.map { #","accountId":"\#($0)""# } ?? ""
        let reply = try await send(.post, "/v1/keys", body: #"{"role":"\#(role)"\#(account)}"#)
        #expect(reply.status == 201, "\(reply.text)")
        return reply.json["key"]?.stringValue ?? ""
    }

    func available(_ accountID: String) async throws -> Int64? {
        try await send(.get, "/v1/accounts/\(accountID)").json["balance"]?["available"]?.intValue
    }
}

extension JSONValue {
    var stringValue: String? { if case .string(let value) = self { return value } else { return nil } }
    var intValue: Int64? { if case .int(let value) = self { return value } else { return nil } }
    var arrayValue: [JSONValue]? { if case .array(let value) = self { return value } else { return nil } }
}
