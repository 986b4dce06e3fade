import ConnectsCore
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The store for several server nodes: one PostgreSQL database shared by all of them.
///
/// The rules are the same as SQLite's (``LedgerStore``). What differs is how writers of different
/// nodes are kept apart: each operation is its own transaction, the rows it loads are locked
/// (`SELECT ... FOR UPDATE`, accounts of one job in id order), and a transaction that loses a race —
/// a deadlock, or a unique index that another node's commit satisfied first — is rolled back and run
/// again, where it then finds the other node's result (an event key). An idempotency key another
/// request has used is found by the insert of its record (``LedgerStore/perform(_:now:policy:idempotency:)``).
///
/// Durability: PostgreSQL's `synchronous_commit` is set `on` for every connection, so a write is
/// answered only after its commit is flushed.
public final class PostgresStore: LedgerStore, Service {
    public let logger: Logger
    let client: PostgresClient
    /// Runs the client's connection pool (its `run()`, the service loop postgres-nio asks for) until
    /// ``shutdown()``. It starts with the store, not with the service group, because migrations and the
    /// policy are read before the server is built; the group owns its end (``run()``).
    private let clientTask: Task<Void, Never>
    /// Threads on which transaction scripts run and wait for their statements.
    private let threads: NIOThreadPool
    private let statements = PreparedStatements()
    /// Whether ``shutdown()`` has begun: the service group and a one-shot command may both call it.
    private let isShutDown = Mutex(false)

    /// The most times a transaction that lost a race is run again.
    static let attemptsMax = 10

    /// Connects to the database at `url` (`postgres://user:password@host:port/database`), and migrates
    /// it unless `migrate` is `false`, in which case an unmigrated database is refused.
    public static func connect(
        url: String,
        migrate: Bool = true,
        maximumConnections: Int = 32,
        logger: Logger = Logger(label: "connects.store")
    ) async throws -> PostgresStore {
        let store = try PostgresStore(url: url, maximumConnections: maximumConnections, logger: logger)
        do {
            if migrate {
                try await store.migrate()
            } else {
                guard try await store.read({ db in try PostgresSchema.isMigrated(db) }) else {
                    throw StoreError.unavailable("the database at \(url) is not migrated; run `connects migrate`")
                }
            }
        } catch {
            await store.shutdown()
            throw error
        }
        return store
    }

    private init(url: String, maximumConnections: Int, logger: Logger) throws {
        var configuration = try Self.configuration(url: url)
        configuration.options.maximumConnections = maximumConnections
        // Every statement is prepared once per connection and is a short keyed lookup or write whose
        // plan does not depend on its values: plan it once, not on every run (PostgreSQL otherwise
        // keeps planning anew while a custom plan looks cheaper; bench figures 3 and 4).
        configuration.options.additionalStartupParameters = [
            ("synchronous_commit", "on"), ("plan_cache_mode", "force_generic_plan"),
        ]
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        self.clientTask = Task { await client.run() }
        self.threads = NIOThreadPool(numberOfThreads: maximumConnections)
        threads.start()
    }

    /// The client configuration for a `postgres://` or `postgresql://` URL; `?sslmode=disable` turns TLS off.
    static func configuration(url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme),
            let host = components.host, let user = components.user
        else {
            throw StoreError.unavailable("not a PostgreSQL URL (postgres://user:password@host:port/database): \(url)")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let requiresTLS = components.queryItems?.first { $0.name == "sslmode" }?.value == "require"
        return PostgresClient.Configuration(
            host: host,
            port: components.port ?? 5432,
            username: user.removingPercentEncoding ?? user,
            password: components.password?.removingPercentEncoding,
            database: database.isEmpty ? nil : database,
            tls: requiresTLS ? .require(.makeClientConfiguration()) : .disable
        )
    }

    /// Keeps the connections open while the service group runs, and closes them when it shuts down:
    /// the group stops services in reverse order, so the server and the scheduler registered after
    /// the store have finished by then. It also closes them when another service fails and the group
    /// ends early.
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Closes the connections and stops the threads; later calls do nothing.
    public func shutdown() async {
        let wasShutDown = isShutDown.withLock { isShutDown in
            defer { isShutDown = true }
            return isShutDown
        }
        guard !wasShutDown else { return }
        clientTask.cancel()
        await clientTask.value
        try? await threads.shutdownGracefully()
    }

    /// Applies the schema once, however many nodes start at once.
    public func migrate() async throws {
        try await transaction(readOnly: false) { db in try PostgresSchema.migrate(db) }
    }

    public func isReady() async -> Bool {
        (try? await read { db in try PostgresSchema.isMigrated(db) }) ?? false
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await transaction(readOnly: true, body)
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await transaction(readOnly: false, body)
            } catch  where attempt < Self.attemptsMax && Self.isRace(error) {
                logger.debug(
                    "transaction lost a race; running it again",
                    metadata: ["attempt": "\(attempt)", "sqlstate": "\(Self.sqlState(of: error) ?? "")"])
                attempt += 1
                // A little random wait, so that the racers do not meet again in step.
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...(5 * attempt))))
            }
        }
    }

    /// Serialization failures, deadlocks, and unique indexes that another transaction satisfied first.
    static func isRace(_ error: any Error) -> Bool {
        guard let state = sqlState(of: error) else { return false }
        return ["40001", "40P01", "23505"].contains(state)
    }

    /// The SQLSTATE of a server error, from either of postgres-nio's error types (prepared statements
    /// report the older one).
    static func sqlState(of error: any Error) -> String? {
        if let error = error as? PSQLError { return error.serverInfo?[.sqlState] }
        if let error = error as? PostgresError, case .server = error { return error.code.raw }
        return nil
    }

    /// Whether `error` says the database server cannot be reached, or went away during the transaction:
    /// refused or broken connections, and the server shutting down, crashing or still starting
    /// (SQLSTATE classes 08 and 57P). Whatever the transaction did was rolled back, or committed before
    /// the answer was lost; either way the caller may retry with the same Idempotency-Key.
    static func isUnreachable(_ error: any Error) -> Bool {
        if let state = sqlState(of: error) {
            return state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state)
        }
        if let error = error as? PSQLError {
            return [.connectionError, .serverClosedConnection, .uncleanShutdown].contains(error.code)
        }
        // Prepared statements report a closed connection in the older error type, and a connection
        // reset under a statement surfaces as the socket's own error.
        if let error = error as? PostgresError, case .connectionClosed = error { return true }
        if error is IOError || error is ChannelError { return true }
        // The pool's own refusals (no connection could be made for a minute, the pool shutting down) are
        // of a type in postgres-nio's underscored module, not imported here for one name.
        return String(reflecting: type(of: error)).hasSuffix(".ConnectionPoolError")
    }

    private func transaction<T: Sendable>(
        readOnly: Bool, _ body: @escaping @Sendable (any SQLSession) throws -> T
    ) async throws -> T {
        do {
            return try await connectedTransaction(readOnly: readOnly, body)
        } catch  where Self.isUnreachable(error) {
            logger.warning("database unreachable", metadata: ["error": "\(error)"])
            throw StoreError.unavailable("the database cannot be reached")
        }
    }

    private func connectedTransaction<T: Sendable>(
        readOnly: Bool, _ body: @escaping @Sendable (any SQLSession) throws -> T
    ) async throws -> T {
        try await client.withConnection { connection in
            try await self.threads.runIfActive {
                let session = PostgresSession(
                    connection: connection, logger: self.logger, locksRows: !readOnly, statements: self.statements)
                try session.execute(readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN")
                do {
                    let value = try body(session)
                    try session.execute("COMMIT")
                    return value
                } catch {
                    session.discardLater()
                    _ = try? session.execute("ROLLBACK")
                    throw error
                }
            }
        }
    }
}
