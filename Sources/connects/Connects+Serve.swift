import ArgumentParser
import ConnectsServer
import ConnectsStore
import Foundation
import Hummingbird
import Logging

extension Connects {
    /// `connects serve`: migrate, then serve the API until SIGTERM or SIGINT.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the Connects server.")

        @OptionGroup var databaseOptions: DatabaseOptions

        @Option(help: "The address to listen on.")
        var host: String = "127.0.0.1"

        @Option(help: "The port to listen on; 0 lets the system pick one, named in the `serving` log line.")
        var port: Int = 8080

        @Option(name: .customLong("admin-key"), help: "Register this key as an admin key (or set CONNECTS_ADMIN_KEY).")
        var adminKey: String?

        @Option(
            help:
                "A policy file (YAML; the document of GET /v1/policy, or only the settings it changes) to put in force."
        )
        var policy: String?

        @Flag(
            help: """
                Load a small demo marketplace into an empty database before serving, and show at / a page \
                from which anyone can enter as any demo person (demos only).
                """)
        var demo = false

        @Option(
            name: .customLong("public-url"),
            help: "Where browsers reach this server (https://connects.example.com), for portal links.")
        var publicURL: String?

        @Flag(
            name: .customLong("secure-cookies"),
            help: "Send the pages' session cookie over TLS only (also on whenever X-Forwarded-Proto is https).")
        var secureCookies = false

        @Option(
            name: .customLong("auth-failures-per-minute"),
            help: "Failed authentications an address may make a minute before it is refused unread (0: no limit).")
        var authFailuresPerMinute = 60

        @Flag(
            name: .customLong("allow-private-webhook-urls"),
            help: "Let webhooks deliver to loopback, private and link-local addresses (a local receiver, tests).")
        var allowPrivateWebhookURLs = false

        @Flag(
            name: .customLong("test-clock"),
            help: "Let admins move time with POST /v1/test-clock (tests and demos only).")
        var testClock = false

        @Option(
            name: .customLong("rate-limit"),
            help: "Requests a second each API key may send (bursts of twice that); no limit when omitted.")
        var rateLimitPerSecond: Int?

        @Option(
            name: .customLong("scheduler-interval"),
            help: "Seconds between scheduler passes (cycle grants, expiry, job decisions).")
        var schedulerIntervalSeconds: Int = 5

        @Option(
            name: .customLong("event-retention-days"),
            help: """
                Days events (notifications, webhook payloads) and finished deliveries are kept; an event \
                still to be delivered is kept however old. The ledger is kept for good.
                """)
        var eventRetentionDays: Int64 = Retention.standard.eventDays

        @Option(
            name: .customLong("read-timeout"),
            help: "Seconds a client may take to send a whole request, and a keep-alive connection may stay idle.")
        var readTimeoutSeconds = 75

        @Option(
            name: .customLong("max-connections"),
            help: "Connections served at once; more wait to be accepted until one closes.")
        var maxConnections = 2_048

        func validate() throws {
            guard (1...3600).contains(schedulerIntervalSeconds) else {
                throw ValidationError("--scheduler-interval must be 1...3600 seconds")
            }
            guard Retention.eventDaysRange.contains(eventRetentionDays) else {
                throw ValidationError("--event-retention-days must be 1...3650")
            }
            guard (1...3600).contains(readTimeoutSeconds) else {
                throw ValidationError("--read-timeout must be 1...3600 seconds")
            }
            guard (1...1_000_000).contains(maxConnections) else {
                throw ValidationError("--max-connections must be 1...1000000")
            }
            guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
            if let rate = rateLimitPerSecond, rate < 1 { throw ValidationError("--rate-limit must be at least 1") }
            if let key = resolvedAdminKey, key.count < 16 {
                throw ValidationError("the admin key must be at least 16 characters")
            }
            if let url = publicURL, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
                throw ValidationError("--public-url must be an http or https URL")
            }
        }

        var resolvedAdminKey: String? { adminKey ?? ProcessInfo.processInfo.environment["CONNECTS_ADMIN_KEY"] }

        func run() async throws {
            var logger = Logger(label: "connects")
            logger.logLevel = .info
            let store = try await databaseOptions.open(logger: logger)
            logger.info("database opened", metadata: ["database": "\(databaseOptions.displayName)"])
            let policyDocument = try policy.map(YAMLFile.policy)
            let app = try await buildApplication(
                store: store,
                configuration: ServerConfiguration(
                    host: host,
                    port: port,
                    adminKey: resolvedAdminKey,
                    policy: policyDocument,
                    rateLimitPerSecond: rateLimitPerSecond,
                    clock: testClock ? .test() : .system(),
                    schedulerInterval: .seconds(schedulerIntervalSeconds),
                    isDemo: demo,
                    publicURL: publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 },
                    secureCookies: secureCookies,
                    allowsPrivateWebhookTargets: allowPrivateWebhookURLs,
                    failedAuthenticationsPerMinute: authFailuresPerMinute > 0 ? authFailuresPerMinute : nil,
                    retention: Retention(
                        eventDays: eventRetentionDays, idempotencyDays: Retention.standard.idempotencyDays),
                    readTimeout: .seconds(readTimeoutSeconds),
                    connectionsMax: maxConnections
                ),
                logger: logger
            )
            if demo {
                // buildApplication has put the policy in force and stored it.
                let (version, policy) = try await store.latestPolicy() ?? (1, .standard)
                if let summary = try await DemoMarketplace.loadIfEmpty(
                    into: store, policy: policy.ledgerPolicy(version: version), now: ServerClock.systemNow()
                ) {
                    var lines = ["Loaded the demo marketplace:"]
                    lines += summary.accounts.sorted { $0.key < $1.key }.map { "  account \($0.key): \($0.value)" }
                    lines += summary.jobs.sorted { $0.key < $1.key }.map { "  job \($0.key): \($0.value)" }
                    FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
                }
            }
            // The service group closes the store's connections when it ends (``PostgresStore/run()``).
            try await app.runService()
        }
    }

    /// `connects migrate`: create or upgrade the schema, then exit.
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create or upgrade the database schema.")

        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            let store = try await databaseOptions.open()
            await (store as? PostgresStore)?.shutdown()
            print("migrated \(databaseOptions.displayName)")
        }
    }
}
