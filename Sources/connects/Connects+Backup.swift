import ArgumentParser
import ConnectsStore
import Foundation

extension Connects {
    /// `connects backup`: a consistent copy of a live SQLite database, checked.
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a SQLite database, while it serves, to a new file, and verify the copy.",
            discussion: """
                The copy is one consistent moment of the database (SQLite's VACUUM INTO, from one read \
                transaction), taken without stopping the server: writes go on meanwhile, and the copy has \
                each of them or none. Every invariant is then checked on the copy, as `connects verify` \
                does. For PostgreSQL use its own tools (pg_dump, or a base backup with WAL archiving), \
                then `connects verify --database` on the restored copy.
                """
        )

        @Option(help: "The SQLite database file to copy.")
        var database: String

        @Option(help: "The file to write; it must not exist.")
        var to: String

        func run() async throws {
            guard !database.hasPrefix("postgres://"), !database.hasPrefix("postgresql://") else {
                throw ValidationError(
                    "backup copies SQLite databases; back up PostgreSQL with pg_dump and check the copy with verify")
            }
            guard FileManager.default.fileExists(atPath: database) else {
                throw ValidationError("no database at \(database)")
            }
            guard !FileManager.default.fileExists(atPath: to) else {
                throw ValidationError("\(to) exists; a backup never overwrites a file")
            }
            let started = Date()
            try SQLiteStore.backup(path: database, to: to)
            let report = try SQLiteStore.verify(path: to)
            let size = (try? FileManager.default.attributesOfItem(atPath: to)[.size] as? Int) ?? 0
            print(
                String(
                    format: "copied %@ to %@ (%.1f MiB) in %.2f s", database, to, Double(size) / 1_048_576,
                    Date().timeIntervalSince(started)))
            print("checked \(report.accountsChecked) accounts, \(report.entriesChecked) entries")
            guard report.isClean else {
                print("FAILED: the copy breaks \(report.violations.count) invariant(s); the first:")
                for violation in report.violations.prefix(5) { print("  \(violation)") }
                throw ExitCode(1)
            }
            print("ok: every invariant holds in the copy")
        }
    }
}
