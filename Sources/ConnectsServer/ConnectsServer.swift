import ConnectsCore
import ConnectsStore
import HTTPTypes
import Hummingbird
import HummingbirdCore
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
    var configured = ConnectsService(
        store: store, policyBox: PolicyBox(policy), clock: configuration.clock, metrics: ServerMetrics())
    configured.allowsPrivateWebhookTargets = configuration.allowsPrivateWebhookTargets
    configured.draftSimulation = configuration.draftSimulation
    let service = configured
    let app = ConnectsApp(service: service, configuration: configuration, pages: try PageRenderer.load())
    if configuration.clock.isTestClock {
        // Join the time other nodes on this database already share, or start it.
        try await service.moveTestClock(to: configuration.clock.now())
    }
    let (router, _) = app.makeRouter()
    // The group stops services in the reverse of this order, after the HTTP server: a store that owns
    // connections (PostgreSQL's client) comes first, so that it closes after everything that uses it.
    var services: [any Service] = []
    if let connections = store as? any Service { services.append(connections) }
    if let interval = configuration.schedulerInterval {
        services.append(
            PeriodicService(name: "scheduler", interval: interval, logger: logger) {
                try await service.syncSharedState()
                let ran = try await store.runAllDueWork(now: service.now, policy: service.policy)
                if ran > 0 { logger.debug("ran scheduled work", metadata: ["scheduler.items": "\(ran)"]) }
            })
        services.append(
            PeriodicService(name: "webhooks", interval: .seconds(1), logger: logger) {
                _ = try await service.webhookSender(logger: logger).deliverDue()
            })
    }
    services.append(
        PeriodicService(name: "housekeeping", interval: .seconds(3600), logger: logger) {
            let pruned = try await store.prune(now: configuration.clock.now(), retention: configuration.retention)
            if pruned.total > 0 {
                logger.info(
                    "pruned what retention no longer keeps",
                    metadata: [
                        "pruned.events": "\(pruned.events)", "pruned.deliveries": "\(pruned.deliveries)",
                        "pruned.webhooks": "\(pruned.webhooks)", "pruned.idempotency": "\(pruned.idempotencyRecords)",
                        "pruned.signins": "\(pruned.signIns)",
                    ])
            }
        })
    return Application(
        router: router,
        // The handlers are an autoclosure: each connection gets its own deadline.
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [RequestReadDeadline(timeout: configuration.readTimeout)],
                httpDecoderConfiguration: .init(
                    maxHeaderFieldSize: Limits.requestHeaderBytesMax, maxHeaderListSize: Limits.requestHeaderBytesMax,
                    maxHeaderFieldCount: Limits.requestHeaderCountMax))),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "connects",
            availableConnectionsDelegate: MaximumAvailableConnections(configuration.connectionsMax, logger: logger)),
        services: services,
        onServerRunning: { channel in
            // The port actually bound: with `--port 0` the system picks one, and whoever started the
            // server (a test, a supervisor) learns it from this line.
            logger.info("serving", metadata: ["port": "\(channel.localAddress?.port ?? configuration.port)"])
        },
        logger: logger
    )
}

/// The routes of the API the server registers, as `METHOD /path/{param}`; the OpenAPI document must
/// match them. The pages (`/portal`, and the demo's `/`) are not part of it.
public func registeredRoutes(store: any LedgerStore) -> [String] {
    makeRouteTable(store: store).filter { !$0.isPage }.map(\.name)
}

/// Every route with the action it takes and who may take it (``Permission/summary``), as
/// `METHOD /path/{param}  action  roles`: the authorization table of the API in one place.
public func routePermissions(store: any LedgerStore) -> [String] {
    makeRouteTable(store: store).map { route in
        guard let action = route.action else { return "\(route.name)  public" }
        return "\(route.name)  \(action.rawValue)  \(action.permission.summary)"
    }
}

private func makeRouteTable(store: any LedgerStore) -> [RouteTable.Route] {
    let service = ConnectsService(
        store: store, policyBox: PolicyBox(.standard), clock: .system(), metrics: ServerMetrics())
    let pages = (try? PageRenderer.load()) ?? PageRenderer(library: .init(), stylesheet: [])
    return ConnectsApp(service: service, configuration: ServerConfiguration(isDemo: true), pages: pages).makeRouter().1
}
