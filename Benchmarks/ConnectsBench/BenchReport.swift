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
}

/// The whole run: figures, anchors and the machine it ran on.
public struct BenchReport: Sendable, Codable {
    public var mode: String
    public var machine: String
    public var startedAt: String
    public var anchors: [String: Double] = [:]
    public var figures: [BenchFigure] = []

    /// The table printed at the end of a run.
    public func table() -> String {
        var lines = ["| # | figure | measured | goal | ratio |", "|---|---|---|---|---|"]
        for figure in figures {
            let ratio = figure.ratio.map { String(format: "%.2f x %@", $0, figure.ratioLabel ?? "") } ?? "-"
            let value =
                figure.value >= 100 ? String(format: "%.0f", figure.value) : String(format: "%.2f", figure.value)
            lines.append("| \(figure.number) | \(figure.name) | \(value) \(figure.unit) | \(figure.goal) | \(ratio) |")
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
