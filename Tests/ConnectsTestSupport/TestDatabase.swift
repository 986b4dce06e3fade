import ConnectsStore
import Foundation
import Logging
import NIOPosix
import PostgresNIO

/// The databases every store and scenario test runs against.
public enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }
}

/// A fresh, empty, migrated database of one kind, and the store on it; ``close()`` removes it.
///
/// SQLite: a file in a folder of its own. PostgreSQL: a database of its own in the cluster named by
/// `CONNECTS_TEST_POSTGRES_URL` (`./scripts/test` starts one). Without that variable a PostgreSQL test
/// fails, saying so: it is never skipped silently.
public final class TestDatabase: Sendable {
    public let kind: StoreKind
    /// The SQLite file's path or the PostgreSQL URL, as `--database` takes it.
    public let location: String
    public let store: any LedgerStore
    private let folder: URL?
    private let databaseName: String?

    private init(kind: StoreKind, location: String, store: any LedgerStore, folder: URL?, databaseName: String?) {
        self.kind = kind
        self.location = location
        self.store = store
        self.folder = folder
        self.databaseName = databaseName
    }

    /// The cluster's URL; fails when it is not set.
    public static func postgresURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["CONNECTS_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw TestDatabaseError.noPostgres
        }
        return url
    }

    /// Creates an empty database; with `migrate`, also the store on it (else only the location).
    public static func make(
        _ kind: StoreKind, logger: Logger = Logger(label: "connects.test")
    ) async throws
        -> TestDatabase
    {
        switch kind {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "connects-test-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let path = folder.appendingPathComponent("connects.sqlite").path
            return TestDatabase(
                kind: kind, location: path, store: try SQLiteStore(path: path, logger: logger), folder: folder,
                databaseName: nil)
        case .postgres:
            let (name, url) = try await createPostgresDatabase()
            let store = try await PostgresStore.connect(url: url, maximumConnections: 8, logger: logger)
            return TestDatabase(kind: kind, location: url, store: store, folder: nil, databaseName: name)
        }
    }

    /// Creates an empty PostgreSQL database in the test cluster; returns its name and URL.
    public static func createPostgresDatabase() async throws -> (name: String, url: String) {
        let adminURL = try postgresURL()
        let name = "connects_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await withAdminConnection(adminURL) { connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        var components = URLComponents(string: adminURL)!
        components.path = "/" + name
        return (name, components.string!)
    }

    /// Drops a database made by ``createPostgresDatabase()``, closing whatever still uses it.
    public static func dropPostgresDatabase(_ name: String) async throws {
        try await withAdminConnection(try postgresURL()) { connection in
            _ = try await connection.query(
                PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger)
        }
    }

    private static let logger = Logger(label: "connects.test.postgres")

    private static func withAdminConnection(
        _ url: String, _ body: (PostgresConnection) async throws -> Void
    ) async throws {
        guard let components = URLComponents(string: url), let host = components.host, let user = components.user
        else { throw TestDatabaseError.badURL(url) }
        let configuration = PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: String(components.path.dropFirst()), tls: .disable)
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: 1, logger: logger)
        do {
            try await body(connection)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Closes the store and removes the database.
    public func close() async {
        if let postgres = store as? PostgresStore {
            await postgres.shutdown()
        }
        if let databaseName { try? await Self.dropPostgresDatabase(databaseName) }
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    /// Every invariant, recomputed from the raw tables.
    public func verify() async throws -> LedgerVerifier.Report {
        try await store.verify()
    }

    /// Runs raw SQL behind the store's back, as an attacker or a bug would: the append-only triggers are
    /// lifted for it, and put back unless `restoringTriggers` is `false`.
    public func tamper(_ sql: String, restoringTriggers: Bool = true) async throws {
        let triggers = ["entries_are_append_only_update", "entries_are_append_only_delete"]
        let kind = self.kind
        try await store.write { db in
            switch kind {
            case .sqlite:
                let definitions = try db.fetchAll(
                    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'entries'", []
                ).map { $0["sql"] as String }
                for trigger in triggers { try db.execute("DROP TRIGGER \(trigger)", []) }
                try db.execute(sql, [])
                if restoringTriggers {
                    for definition in definitions { try db.execute(definition, []) }
                }
            case .postgres:
                for trigger in triggers { try db.execute("ALTER TABLE entries DISABLE TRIGGER \(trigger)", []) }
                try db.execute(sql, [])
                for trigger in triggers {
                    try db.execute(
                        restoringTriggers
                            ? "ALTER TABLE entries ENABLE TRIGGER \(trigger)" : "DROP TRIGGER \(trigger) ON entries", []
                    )
                }
            }
        }
    }
}

/// Runs `body` with a fresh database of `kind`, removed afterwards whatever happens.
public func withTestDatabase<T: Sendable>(
    _ kind: StoreKind, _ body: (TestDatabase) async throws -> T
) async throws -> T {
    let database = try await TestDatabase.make(kind)
    do {
        let value = try await body(database)
        await database.close()
        return value
    } catch {
        await database.close()
        throw error
    }
}

public enum TestDatabaseError: Error, CustomStringConvertible {
    case noPostgres
    case badURL(String)

    public var description: String {
        switch self {
        case .noPostgres:
            return "CONNECTS_TEST_POSTGRES_URL is not set: run the tests with ./scripts/test, which starts PostgreSQL"
        case .badURL(let url): return "not a PostgreSQL URL: \(url)"
        }
    }
}
