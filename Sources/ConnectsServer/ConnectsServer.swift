import ConnectsCore
import ConnectsStore
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle

/// Builds the Connects HTTP application on `store`: puts the configured policy in force, then wires
/// the routes, the scheduler and housekeeping.
///
/// - Returns: the application, ready for `runService()` (graceful shutdown on SIGTERM/SIGINT finishes
///   in-flight requests) or `test(...)`.
public func buildApplication(
    store: any LedgerStore,
    configuration: ServerConfiguration,
    logger: Logger = Logger(label: "connects.server")
) async throws -> some ApplicationProtocol {
    let now = configuration.clock.now()
    let policy: LedgerPolicy
    if let configured = configuration.policy {
        try configured.validate()
        policy = configured.ledgerPolicy(version: try await store.savePolicy(configured, now: now))
    } else if let (version, stored) = try await store.latestPolicy() {
        policy = stored.ledgerPolicy(version: version)
    } else {
        policy = Policy.standard.ledgerPolicy(version: try await store.savePolicy(.standard, now: now))
    }
    let app = ConnectsApp(
        store: store, configuration: configuration, policyBox: PolicyBox(policy), metrics: ServerMetrics())
    if configuration.clock.isTestClock {
        // Join the time other nodes on this database already share, or start it.
        try await app.moveTestClock(to: configuration.clock.now())
    }
    let (router, _) = app.makeRouter()
    var services: [any Service] = []
    if let interval = configuration.schedulerInterval {
        services.append(SchedulerService(app: app, interval: interval, logger: logger))
        services.append(app.webhookDelivery(interval: .seconds(1), logger: logger))
    }
    if let sqlStore = store as? any SQLLedgerStore {
        services.append(
            MaintenanceService(store: sqlStore, now: configuration.clock.now, interval: .seconds(3600), logger: logger)
        )
    }
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "connects"),
        services: services,
        onServerRunning: { channel in
            // The port actually bound: with `--port 0` the system picks one, and whoever started the
            // server (a test, a supervisor) learns it from this line.
            logger.info("serving", metadata: ["port": "\(channel.localAddress?.port ?? configuration.port)"])
        },
        logger: logger
    )
}

/// The routes the server registers, as `METHOD /path/{param}`; the OpenAPI document must match them.
public func registeredRoutes(store: any LedgerStore) -> [String] {
    ConnectsApp(
        store: store,
        configuration: ServerConfiguration(),
        policyBox: PolicyBox(.standard),
        metrics: ServerMetrics()
    ).makeRouter().1
}
