import ArgumentParser
import ConnectsBench
import Foundation

extension Connects {
    /// `connects bench`: the benchmark suite, printing a table and writing the same figures as JSON.
    struct BenchCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench",
            abstract: "Measure Connects beside the raw limits of its stores; prints a table and writes JSON.",
            discussion: "Run it from a release build: swift run -c release connects bench"
        )

        @Flag(help: "A few seconds, SQLite only: checks that the bench still works (run by the test command).")
        var smoke = false

        @Option(help: "Where to write the figures as JSON.")
        var json: String = "bench-results.json"

        @Option(help: "The anchors script (raw store limits), run in the same bench.")
        var anchors: String = "../shared/bench/anchors.sh"

        @Option(help: "Seconds each throughput figure runs.")
        var seconds: Double?

        @Option(
            help:
                "Measure only these figures (comma-separated numbers, e.g. 1,2; 8: the core micro-benchmarks; 10: writes to an account with many lots; 11: figure 4 and its floor, SQLite alone writing its rows)."
        )
        var only: String?

        @Option(help: "Accounts falling due at once in figure 4 (the goal speaks of 1,000,000).")
        var dueAccounts: Int?

        @Option(
            help: """
                A PostgreSQL cluster (postgres://user@host:port/db) in which to measure figure 3 and figure 4 \
                again; each figure gets a fresh database, dropped afterwards.
                """)
        var postgres: String?

        @Option(help: "Entries of the account exported in figure 6 (the goal speaks of 1,000,000).")
        var exportEntries: Int?

        func run() async throws {
            let work = FileManager.default.temporaryDirectory.appendingPathComponent(
                "connects-bench-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: work) }
            let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
            var options = Bench.Options(
                isSmoke: smoke,
                executable: FileManager.default.isExecutableFile(atPath: executable)
                    ? executable : Bundle.main.executablePath ?? executable,
                anchorsScript: FileManager.default.fileExists(atPath: anchors) ? anchors : nil,
                workDirectory: work.path,
                progress: { message in FileHandle.standardError.write(Data("bench: \(message)\n".utf8)) }
            )
            if let seconds { options.seconds = seconds }
            if let only { options.only = Set(only.split(separator: ",").compactMap { Int($0) }) }
            if let dueAccounts { options.dueAccounts = max(1, dueAccounts) }
            if let exportEntries { options.exportEntries = max(10, exportEntries) }
            options.postgresURL = postgres
            let report = try await Bench.run(options)
            print(report.table())
            for figure in report.figures where figure.notes != nil {
                print("figure \(figure.number): \(figure.notes!)")
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
            print("figures written to \(json) (\(report.machine))")
        }
    }
}
