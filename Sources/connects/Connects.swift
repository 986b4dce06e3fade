import ArgumentParser
import ConnectsStore
import Foundation
import Logging

/// The `connects` command: a thin front end over the store and the server.
@main
struct Connects: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connects",
        abstract: "A self-hostable bid-credit engine for freelance marketplaces.",
        subcommands: [
            Serve.self, Migrate.self, Verify.self, Backup.self, Staff.self, Simulate.self, BenchCommand.self,
        ],
        defaultSubcommand: Serve.self
    )
}

/// Options every command that opens a database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: """
            The SQLite database file, or a PostgreSQL URL (postgres://user:password@host:port/database) for \
            several server nodes on one database. Default: CONNECTS_DATABASE_URL, else ./connects.sqlite.
            """)
    var database: String?

    /// The database named by `--database`, the environment, or the default file.
    var location: String {
        database ?? ProcessInfo.processInfo.environment["CONNECTS_DATABASE_URL"] ?? "./connects.sqlite"
    }

    var isPostgres: Bool { location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") }

    /// Opens the store, migrating it unless `migrate` is `false`.
    func open(
        migrate: Bool = true, logger: Logger = Logger(label: "connects.store")
    ) async throws
        -> any LedgerStore
    {
        if isPostgres {
            return try await PostgresStore.connect(url: location, migrate: migrate, logger: logger)
        }
        return try SQLiteStore(path: location, migrate: migrate, logger: logger)
    }

    /// The location with any password hidden, for logs.
    var displayName: String {
        guard isPostgres, var components = URLComponents(string: location), components.password != nil else {
            return location
        }
        components.password = "***"
        return components.string ?? "postgres"
    }
}
