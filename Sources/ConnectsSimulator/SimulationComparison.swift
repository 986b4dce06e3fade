import ConnectsCharts
import ConnectsCore
import Foundation

/// Reports of the same marketplace under one or two policies, side by side: as a table in the
/// terminal, as JSON, and as a page with charts.
public struct SimulationComparison: Codable, Hashable, Sendable {
    public var reports: [SimulationReport]

    public init(_ reports: [SimulationReport]) {
        precondition(!reports.isEmpty, "a comparison of nothing")
        self.reports = reports
    }

    /// A line of the comparison: a figure's name and its value in each report.
    public struct Row: Sendable {
        public var name: String
        public var values: [Double]
        public var format: Format
        /// A heading above the row, when it starts a group.
        public var group: String?

        public enum Format: Sendable {
            case count
            case decimal
            case percent
            case money(String)
        }

        /// `value` as the report shows it.
        public func text(_ value: Double) -> String {
            switch format {
            case .count: return Int64(value.rounded()).formatted()
            case .decimal: return String(format: "%.2f", value)
            case .percent: return String(format: "%.1f%%", value * 100)
            case .money(let currency): return String(format: "%.2f \(currency)", value / 100)
            }
        }

        /// How B differs from A, when there are two.
        public var change: String {
            guard values.count == 2 else { return "" }
            let (a, b) = (values[0], values[1])
            if a == b { return "same" }
            if case .percent = format { return String(format: "%+.1f pts", (b - a) * 100) }
            guard a != 0 else { return "new" }
            return String(format: "%+.1f%%", (b - a) / abs(a) * 100)
        }
    }

    /// The figures compared, in the report's order.
    public var rows: [Row] {
        func row(
            _ name: String, _ format: Row.Format, group: String? = nil, _ value: (SimulationReport) -> Double
        )
            -> Row
        {
            Row(name: name, values: reports.map(value), format: format, group: group)
        }
        let currency = reports[0].connects.revenue.currency
        return [
            row("Jobs posted", .count, group: "Jobs") { Double($0.jobs.posted) },
            row("Proposals per job", .decimal) { $0.jobs.proposalsPerJob },
            row("Boosted proposals", .count) { Double($0.jobs.boostedProposals) },
            row("Jobs filled", .count) { Double($0.jobs.filled) },
            row("Ghosted jobs", .percent) { $0.jobs.ghostedShare },
            row("Granted (allotments)", .count, group: "Connects") { Double($0.connects.granted) },
            row("Rewarded", .count) { Double($0.connects.rewarded) },
            row("Bought", .count) { Double($0.connects.bought) },
            row("Spent", .count) { Double($0.connects.spent) },
            row("Returned", .count) { Double($0.connects.returned) },
            row("Expired", .count) { Double($0.connects.expired) },
            row("Revenue", .money(currency)) { Double($0.connects.revenue.minor) },
            row("Median balance", .count, group: "Freelancers") { Double($0.freelancers.medianBalance) },
            row("10th percentile balance", .count) { Double($0.freelancers.balance10thPercentile) },
            row("Newcomers hired at least once", .percent) { $0.freelancers.newcomerFirstHireRate },
            row("Left (churn)", .percent) { $0.freelancers.churnRate },
            row("Newcomers who left", .percent) { $0.freelancers.newcomerChurnRate },
            row("Fees kept on jobs without a hire", .count, group: "Support") {
                Double($0.support.feesKeptWithoutHire)
            },
            row("Expiries", .count) { Double($0.support.expiries) },
            row("Days short of connects", .count) { Double($0.support.daysShort) },
            row("Support events per 1,000 freelancers", .decimal) { $0.support.perThousandFreelancers },
        ]
    }

    /// The comparison as a table for a terminal.
    public var table: String {
        let header = [""] + reports.map(\.label) + (reports.count == 2 ? ["change"] : [])
        var lines: [[String]] = []
        for row in rows {
            if let group = row.group { lines.append([group.uppercased()]) }
            lines.append(["  " + row.name] + row.values.map(row.text) + (reports.count == 2 ? [row.change] : []))
        }
        let widths = (0..<header.count).map { column in
            ([header] + lines).map { $0.count > column ? $0[column].count : 0 }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                column == 0
                    ? cell.padding(toLength: widths[0], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }
        let settings = reports[0].settings
        return """
            \(settings.freelancers.formatted()) freelancers, \(settings.clients.formatted()) clients, \
            \(settings.days) days, seed \(settings.seed)

            \(([line(header)] + lines.map(line)).joined(separator: "\n"))

            """
    }

    /// The comparison as JSON (the reports whole, daily figures included).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}

extension SimulationComparison {
    /// Runs `simulations` side by side, each on a new database of its own in `folder` (default: a
    /// temporary folder, removed afterwards), at the same time: each run has one writer, so two use two
    /// cores.
    ///
    /// - Parameter progress: called with a run's index and the number of its days done.
    public static func run(
        _ simulations: [Simulation], keepingDatabasesIn folder: URL? = nil,
        progress: @escaping @Sendable (_ run: Int, _ days: Int) -> Void = { _, _ in }
    ) async throws -> SimulationComparison {
        let location =
            folder
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("connects-simulate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: location, withIntermediateDirectories: true)
        defer { if folder == nil { try? FileManager.default.removeItem(at: location) } }
        let reports = try await withThrowingTaskGroup(of: (Int, SimulationReport).self) { group in
            for (index, simulation) in simulations.enumerated() {
                let path = location.appendingPathComponent("simulation-\(index + 1).sqlite").path
                group.addTask { (index, try await simulation.run(databasePath: path) { progress(index, $0) }) }
            }
            var reports: [Int: SimulationReport] = [:]
            for try await (index, report) in group { reports[index] = report }
            return simulations.indices.map { reports[$0]! }
        }
        return SimulationComparison(reports)
    }
}
