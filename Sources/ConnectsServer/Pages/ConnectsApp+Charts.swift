import ConnectsCharts
import ConnectsCore
import ConnectsStore
import Foundation
import HTTPTypes
import Hummingbird

extension ConnectsApp {
    /// The pages' charts, as SVG images of their own (`<img>` on the page, with a text alternative):
    /// the balance one could spend at the end of each day of a period, and what expires in each of
    /// the next thirteen 30-day periods (a lot lasts a year).
    func addChartPages(to table: inout RouteTable) {
        table.on(.get, "/portal/charts/balance.svg", .readAccount) { request, context in
            let (caller, _, accountID) = try Self.signedIn(context)
            let now = now()
            let filters = HistoryFilters(request.uri.queryParameters, now: now)
            let account = try await service.account(accountID, by: caller).account
            let end = min(filters.query.until ?? now, now)
            let start = max(filters.query.since ?? account.createdAt, account.createdAt)
            let days = min(
                max((end.millisecondsSinceEpoch - start.millisecondsSinceEpoch) / Instant.millisecondsPerDay, 0),
                Int64(Limits.chartPointsMax - 1))
            // The end of each day from the period's start, and the period's end itself.
            let instants = (0..<days).map { start.adding(days: $0 + 1) } + [end]
            let balances = try await service.balances(of: accountID, at: instants, by: caller)
            let svg = ChartSVG.line(
                balances.map(\.available), first: PageDate.short(start), last: PageDate.short(end),
                title:
                    "Connects you could spend at the end of each day, \(PageDate.short(start)) to \(PageDate.short(end))"
            )
            return Self.svg(svg)
        }

        table.on(.get, "/portal/charts/expiring.svg", .readAccount) { _, context in
            let (caller, _, accountID) = try Self.signedIn(context)
            let now = now()
            let amounts = try await service.expiries(of: accountID, from: now, periods: 13, days: 30, by: caller)
            let labels = (0..<13).map { PageDate.short(now.adding(days: Int64($0) * 30)) }
            let svg = ChartSVG.bars(
                amounts, labels: labels.enumerated().map { $0.offset % 2 == 0 ? $0.element : "" },
                title: "Connects that expire in each 30 days from today, for a year")
            return Self.svg(svg)
        }
    }

    static func svg(_ text: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "image/svg+xml", .cacheControl: "no-store",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
