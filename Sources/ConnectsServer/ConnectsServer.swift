import ConnectsCore
import ConnectsStore
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle

/// Builds the Connects HTTP application on `store`.
///
/// - Returns: the application, ready for `runService()` (graceful shutdown on SIGTERM/SIGINT finishes
///   in-flight requests) or `test(...)`.
public func buildApplication(
    store: any LedgerStore,
    configuration: ServerConfiguration,
    logger: Logger = Logger(label: "connects.server")
) -> some ApplicationProtocol {
    let app = ConnectsApp(store: store, configuration: configuration, metrics: ServerMetrics())
    let (router, _) = app.makeRouter()
    var services: [any Service] = []
    if let sqlite = store as? SQLiteStore {
        services.append(
            MaintenanceService(store: sqlite, now: configuration.now, interval: .seconds(3600), logger: logger))
    }
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "connects"),
        services: services,
        logger: logger
    )
}

/// The routes the server registers, as `METHOD /path/{param}`; the OpenAPI document must match them.
public func registeredRoutes(store: any LedgerStore) -> [String] {
    ConnectsApp(store: store, configuration: ServerConfiguration(), metrics: ServerMetrics()).makeRouter().1
}
