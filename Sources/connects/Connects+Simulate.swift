import ArgumentParser
import ConnectsCore
import ConnectsSimulator
import Foundation
import Synchronization

extension Connects {
    /// `connects simulate`: a synthetic marketplace on the real engine, under one policy or two.
    struct Simulate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a synthetic marketplace under a policy (or two, side by side) and report what it does.",
            discussion: """
                Each run is the real engine in this process, on a new SQLite database: jobs, proposals, \
                hires, purchases and rewards go through the store as the server's would, and the \
                scheduler's own passes grant allotments, expire connects and return fees as the clock moves \
                day by day. The figures are read back from that database. The same seed gives the same \
                report; both policies see the same clients and jobs.

                A policy file names only what it changes from the default policy (for example \
                `returns: {onDecline: true}`). A behaviour model file (--model) likewise; its defaults:

                \(BehaviourModel.documentedDefaults)
                """
        )

        @Option(help: "Policy A (YAML; default: the default policy).")
        var policy: String?

        @Option(help: "Policy B, to compare with A.")
        var vs: String?

        @Option(help: "The behaviour model (YAML; default: the model below).")
        var model: String?

        @Option(help: "Freelancers (1 to 1,000,000).")
        var freelancers = 2_000

        @Option(help: "Clients (1 to 200,000).")
        var clients = 400

        @Option(help: "Simulated days (1 to 730).")
        var days = 60

        @Option(help: "The seed of every random choice.")
        var seed: UInt64 = 1

        @Option(help: "Write the report as JSON to this file.")
        var json: String?

        @Option(help: "Write the report as an HTML page with charts to this file.")
        var html: String?

        @Option(help: "Keep the databases the runs write in this folder (default: a temporary folder, removed).")
        var keep: String?

        func run() async throws {
            let settings = Simulation.Settings(freelancers: freelancers, clients: clients, days: days, seed: seed)
            let behaviour = try model.map(YAMLFile.model) ?? .standard
            var simulations = [
                Simulation(
                    label: policy.map(Self.label) ?? "default", policy: try policy.map(YAMLFile.policy) ?? .standard,
                    model: behaviour, settings: settings)
            ]
            if let vs {
                simulations.append(
                    Simulation(
                        label: Self.label(vs), policy: try YAMLFile.policy(vs), model: behaviour, settings: settings))
                if simulations[0].label == simulations[1].label {
                    simulations[0].label += " (A)"
                    simulations[1].label += " (B)"
                }
            }
            do {
                try settings.validate()
            } catch {
                throw ValidationError(error.detail)
            }
            let started = Date()
            let progress = ProgressBar(labels: simulations.map(\.label), days: settings.days, started: started)
            let comparison = try await SimulationComparison.run(
                simulations, keepingDatabasesIn: keep.map { URL(fileURLWithPath: $0) }, progress: progress.advance)
            progress.finish()
            print(comparison.table)
            if let json {
                try comparison.json().write(to: URL(fileURLWithPath: json))
                print("wrote \(json)")
            }
            if let html {
                try Data(comparison.html.utf8).write(to: URL(fileURLWithPath: html))
                print("wrote \(html)")
            }
        }

        /// A policy's name in reports: its file's name without the extension.
        static func label(_ path: String) -> String {
            URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        }
    }
}

/// One progress bar per run on a line of standard error, redrawn in place.
final class ProgressBar: Sendable {
    let labels: [String]
    let days: Int
    let started: Date
    private let done: Mutex<[Int]>

    init(labels: [String], days: Int, started: Date) {
        self.labels = labels
        self.days = days
        self.started = started
        done = Mutex(labels.map { _ in 0 })
    }

    @Sendable func advance(run: Int, days done: Int) {
        let line = self.done.withLock { counts in
            counts[run] = done
            let width = 20
            let bars = zip(labels, counts).map { label, count in
                let filled = count * width / max(days, 1)
                return "\(label) [" + String(repeating: "#", count: filled)
                    + String(repeating: ".", count: width - filled)
                    + "] \(count)/\(days)"
            }
            return "\r" + bars.joined(separator: "  ") + String(format: "  %.0f s", Date().timeIntervalSince(started))
        }
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        let line = String(
            format: "\r\u{1B}[2Kran %d simulated days in %.1f s\n", days, Date().timeIntervalSince(started))
        FileHandle.standardError.write(Data(line.utf8))
    }
}
