import ArgumentParser

/// The `connects` command: a thin front end over the store and the server.
@main
struct Connects: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connects",
        abstract: "A self-hostable bid-credit engine for freelance marketplaces.",
        subcommands: [Serve.self, Migrate.self, Verify.self, BenchCommand.self],
        defaultSubcommand: Serve.self
    )
}

/// Options every command that opens a database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "The SQLite database file.")
    var database: String = "./connects.sqlite"
}
