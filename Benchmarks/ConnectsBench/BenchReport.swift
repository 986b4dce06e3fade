import Foundation

/// One measured figure, its goal, and the anchor it is compared with.
public struct BenchFigure: Sendable, Codable {
    public var number: Int
    public var name: String
    public var value: Double
    public var unit: String
    public var goal: String
    /// The figure divided by its anchor, when it has one (`ratio` of the issue's table).
    public var ratio: Double?
    public var ratioLabel: String?
    public var notes: String?
    /// The CPU time per item while it was measured: of the bench's process for in-process figures
    /// (all threads, the load generator's included), of the server's for figures 1 and 3 (not the load
    /// generator's, nor PostgreSQL's). Steadier than the rate on a machine shared with others
    /// (``ProcessCPU``).
    public var cpuMicrosecondsPerItem: Double?
}

/// The core's time for one operation of a hot path, without a database (``CoreBench``).
public struct CoreMeasurement: Sendable, Codable {
    public var name: String
    /// The median of five timed rounds.
    public var nanoseconds: Double
    /// The figure this operation is a part of, once per item (an account of figure 4, the close of
    /// figure 5), and the part of that figure's time per item it takes, when the figure ran too.
    public var figure: Int?
    public var shareOfFigure: Double?
}

/// The whole run: figures, anchors and the machine it ran on.
public struct BenchReport: Sendable, Codable {
    public var mode: String
    public var machine: String
    public var startedAt: String
    public var anchors: [String: Double] = [:]
    public var figures: [BenchFigure] = []
    public var core: [CoreMeasurement] = []

    /// The table printed at the end of a run.
    public func table() -> String {
        var lines = ["| # | figure | measured | goal | ratio |", "|---|---|---|---|---|"]
        for figure in figures {
            let ratio = figure.ratio.map { String(format: "%.2f x %@", $0, figure.ratioLabel ?? "") } ?? "-"
            let value =
                figure.value >= 100 ? String(format: "%.0f", figure.value) : String(format: "%.2f", figure.value)
            let cpu = figure.cpuMicrosecondsPerItem.map { String(format: " (%.0f µs CPU each)", $0) } ?? ""
            lines.append(
                "| \(figure.number) | \(figure.name) | \(value) \(figure.unit)\(cpu) | \(figure.goal) | \(ratio) |")
        }
        if !core.isEmpty {
            lines += ["", "| core operation (no I/O) | time | share of its figure's time per item |", "|---|---|---|"]
            for operation in core {
                let time =
                    operation.nanoseconds >= 1e6
                    ? String(format: "%.2f ms", operation.nanoseconds / 1e6)
                    : String(format: "%.2f µs", operation.nanoseconds / 1e3)
                let share = operation.shareOfFigure.map {
                    String(format: "%.1f%% of figure %d", $0 * 100, operation.figure ?? 0)
                }
                lines.append("| \(operation.name) | \(time) | \(share ?? "-") |")
            }
        }
        if !anchors.isEmpty {
            lines.append("")
            for (name, value) in anchors.sorted(by: { $0.key < $1.key }) {
                lines.append("anchor \(name): \(Int(value)) ops/s")
            }
        }
        return lines.joined(separator: "\n")
    }
}
