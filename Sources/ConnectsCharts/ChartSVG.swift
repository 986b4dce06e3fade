import Foundation

/// Small charts drawn by the project as SVG (no script, nothing from another host): the balance over a
/// period and what expires when on the web pages, the simulator's daily figures in its report. They
/// hold numbers, dates and labels only, escaped all the same.
public enum ChartSVG {
    static let width = 600
    static let height = 180
    /// Room for the axis labels.
    static let left = 44
    static let bottom = 24
    static let top = 12

    /// A step line of `values` (one a day), labelled with the first and last day and the highest value.
    public static func line(_ values: [Int64], first: String, last: String, title: String) -> String {
        lines([("", values)], first: first, last: last, title: title)
    }

    /// Step lines of several named series on one scale (one value a day each), the first filled
    /// beneath, with a legend when there is more than one.
    public static func lines(
        _ series: [(name: String, values: [Int64])], first: String, last: String, title: String
    )
        -> String
    {
        let high = max(series.compactMap { $0.values.max() }.max() ?? 0, 1)
        let plotWidth = Double(width - left - 8)
        let plotHeight = Double(height - bottom - top)
        func y(_ value: Int64) -> String { format(Double(top) + plotHeight * (1 - Double(value) / Double(high))) }
        var body = axes(high: high)
        for (index, (name, values)) in series.enumerated() {
            // One day is drawn as a level line across the chart.
            let values = values.count == 1 ? values + values : values
            let step = values.count > 1 ? plotWidth / Double(values.count - 1) : 0
            var points: [String] = []
            for (day, value) in values.enumerated() {
                let x = format(Double(left) + step * Double(day))
                if day > 0 { points.append("\(x),\(y(values[day - 1]))") }
                points.append("\(x),\(y(value))")
            }
            let colour = seriesColours[index % seriesColours.count]
            if index == 0, !points.isEmpty {
                let area =
                    "\(left),\(height - bottom) " + points.joined(separator: " ")
                    + " \(format(Double(left) + step * Double(max(values.count - 1, 0)))),\(height - bottom)"
                body += ##"<polygon points="\##(area)" fill="#d2e5f5"/>"##
            }
            body +=
                ##"<polyline points="\##(points.joined(separator: " "))" fill="none" stroke="\##(colour)" stroke-width="2"\##(index == 0 ? "" : #" stroke-dasharray="6 3""#)/>"##
            if series.count > 1 {
                // The legend, below the plot between the first and last day's labels.
                let x = width / 2 - 60 * series.count + index * 120
                body +=
                    ##"<line x1="\##(x)" y1="\##(height - 10)" x2="\##(x + 18)" y2="\##(height - 10)" stroke="\##(colour)" stroke-width="3"/>"##
                    + label(name, x: x + 22, y: height - 6, anchor: "start")
            }
        }
        return document(
            title: title,
            body: body + label(first, x: left, y: height - 6, anchor: "start")
                + label(last, x: width - 8, y: height - 6, anchor: "end"))
    }

    /// Colours of the series of ``lines(_:first:last:title:)``, told apart by a dash too.
    static let seriesColours = ["#1d70b8", "#d4351c", "#00703c"]

    /// One bar per period of `values`, each labelled below with `labels`, on a scale up to `high`
    /// (default: the highest value), so that charts drawn side by side can share one.
    public static func bars(_ values: [Int64], labels: [String], title: String, high: Int64? = nil) -> String {
        let high = max(high ?? values.max() ?? 0, values.max() ?? 0, 1)
        let plotWidth = Double(width - left - 8)
        let plotHeight = Double(height - bottom - top)
        let slot = plotWidth / Double(max(values.count, 1))
        var body = axes(high: high)
        for (index, value) in values.enumerated() {
            let barHeight = plotHeight * Double(value) / Double(high)
            let x = Double(left) + slot * Double(index) + slot * 0.15
            body +=
                ##"<rect x="\##(format(x))" y="\##(format(Double(top) + plotHeight - barHeight))" width="\##(format(slot * 0.7))" height="\##(format(barHeight))" fill="#f47738"/>"##
            if value > 0 {
                body += label(
                    String(value), x: Int(x + slot * 0.35),
                    y: max(top + 10, Int(Double(top) + plotHeight - barHeight) - 3),
                    anchor: "middle")
            }
            if index < labels.count {
                body += label(labels[index], x: Int(x + slot * 0.35), y: height - 6, anchor: "middle")
            }
        }
        return document(title: title, body: body)
    }

    private static func document(title: String, body: String) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(width) \(height)" role="img" aria-label="\(escape(title))" font-family="system-ui, sans-serif" font-size="12"><title>\(escape(title))</title>\(body)</svg>
        """
    }

    /// The axes, with the top value and zero on the left.
    private static func axes(high: Int64) -> String {
        ##"<line x1="\##(left)" y1="\##(top)" x2="\##(left)" y2="\##(height - bottom)" stroke="#505a5f"/>"##
            + ##"<line x1="\##(left)" y1="\##(height - bottom)" x2="\##(width - 8)" y2="\##(height - bottom)" stroke="#505a5f"/>"##
            + label(String(high), x: left - 4, y: top + 10, anchor: "end")
            + label("0", x: left - 4, y: height - bottom, anchor: "end")
    }

    private static func label(_ text: String, x: Int, y: Int, anchor: String) -> String {
        ##"<text x="\##(x)" y="\##(y)" text-anchor="\##(anchor)" fill="#1b1b1b">\##(escape(text))</text>"##
    }

    private static func format(_ value: Double) -> String {
        String(Double((value * 10).rounded()) / 10)
    }

    /// `text` made safe inside an HTML or SVG element or attribute.
    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
