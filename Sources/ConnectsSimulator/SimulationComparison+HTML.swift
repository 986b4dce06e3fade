import ConnectsCharts
import Foundation

extension SimulationComparison {
    /// The comparison as one HTML page a person can open from disk: the table, and charts drawn by
    /// the project (SVG inline; no script, nothing from another host).
    public var html: String {
        let labels = reports.map(\.label)
        let settings = reports[0].settings
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Connects simulation: \(ChartSVG.escape(labels.joined(separator: " vs ")))</title>
            <style>
            body { font-family: system-ui, sans-serif; color: #1b1b1b; max-width: 960px; margin: 2rem auto; padding: 0 1rem; line-height: 1.4; }
            table { border-collapse: collapse; width: 100%; margin: 1rem 0 2rem; }
            th, td { padding: .35rem .6rem; border-bottom: 1px solid #d8dde0; text-align: right; }
            th[scope="row"], th[scope="col"]:first-child { text-align: left; font-weight: normal; }
            th[scope="col"] { font-weight: 600; }
            tr.group th { text-align: left; font-weight: 600; padding-top: 1rem; border-bottom: 2px solid #1b1b1b; }
            figure { margin: 1rem 0 2rem; }
            figcaption { font-weight: 600; margin-bottom: .4rem; }
            svg { width: 100%; height: auto; }
            .flows { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 1rem; }
            p.note { color: #505a5f; }
            </style>
            </head>
            <body>
            <h1>What the policy does: \(ChartSVG.escape(labels.joined(separator: " vs ")))</h1>
            <p>\(settings.freelancers.formatted()) freelancers and \(settings.clients.formatted()) clients over \
            \(settings.days) simulated days, seed \(settings.seed), on the real engine: every movement below was \
            decided by Connects' own rules and read back from its ledger.</p>
            \(htmlTable)
            \(htmlCharts)
            <p class="note">\(Self.supportNote)</p>
            </body>
            </html>

            """
    }

    /// What "support events" counts, under every rendering of the report.
    public static let supportNote = """
        Support events are fees kept on jobs that ended without a hire, expiries of a freelancer's \
        connects, and days a freelancer wanted to propose and could not afford it.
        """

    /// The figures as an HTML table, a column for each report and one for the change.
    public var htmlTable: String {
        let labels = reports.map(\.label)
        var table = "<table><tr><th scope=\"col\">Figure</th>"
        for label in labels { table += "<th scope=\"col\">\(ChartSVG.escape(label))</th>" }
        if reports.count == 2 { table += "<th scope=\"col\">Change</th>" }
        table += "</tr>"
        for row in rows {
            if let group = row.group {
                table += "<tr class=\"group\"><th colspan=\"\(labels.count + 2)\" scope=\"rowgroup\">\(group)</th></tr>"
            }
            table += "<tr><th scope=\"row\">\(ChartSVG.escape(row.name))</th>"
            for value in row.values { table += "<td>\(ChartSVG.escape(row.text(value)))</td>" }
            if reports.count == 2 { table += "<td>\(ChartSVG.escape(row.change))</td>" }
            table += "</tr>"
        }
        return table + "</table>"
    }

    /// The daily figures as line charts, and each report's movements as bars.
    public var htmlCharts: String {
        let last = "day \(reports[0].settings.days)"
        func chart(_ title: String, _ value: (SimulationReport.Day) -> Int64) -> String {
            let svg = ChartSVG.lines(
                reports.map { ($0.label, $0.daily.map(value)) }, first: "day 1", last: last, title: title)
            return "<figure><figcaption>\(ChartSVG.escape(title))</figcaption>\(svg)</figure>"
        }
        let flows = reports.map { report in
            let connects = report.connects
            return [
                connects.granted, connects.rewarded, connects.bought, connects.spent, connects.returned,
                connects.expired,
            ]
        }
        let high = flows.compactMap { $0.max() }.max()
        let bars = zip(reports, flows).map { report, values in
            "<figure><figcaption>Connects moved under \(ChartSVG.escape(report.label))</figcaption>"
                + ChartSVG.bars(
                    values, labels: ["granted", "rewarded", "bought", "spent", "returned", "expired"],
                    title: "Connects moved under \(report.label): granted, rewarded, bought, spent, returned, expired",
                    high: high)
                + "</figure>"
        }
        return chart("Proposals sent each day") { Int64($0.proposals) }
            + chart("Median balance of active freelancers, each morning") { $0.medianBalance }
            + chart("Freelancers still active") { Int64($0.activeFreelancers) }
            + "<div class=\"flows\">\(bars.joined())</div>"
    }
}
