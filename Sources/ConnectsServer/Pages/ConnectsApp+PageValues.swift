import ConnectsCore
import ConnectsStore
import Foundation
import Hummingbird
import HummingbirdCore

/// The history page's filters, read from its query: a period (7, 30 or 90 days, or custom dates), a
/// kind, and the page's cursor. A value that does not parse falls back to the default and says so.
struct HistoryFilters {
    static let periods: [(value: String, label: String)] = [
        ("7", "7 days"), ("30", "30 days"), ("90", "90 days"), ("custom", "Custom dates"),
    ]
    static let pageSize = 50
    /// The most movements one page of the history reads: a filter that matches few of a long history
    /// shows what it found among them and a link further back, rather than reading every movement.
    static let scanWindow: Int64 = 5_000

    var period = "30"
    var since: String = ""
    var until: String = ""
    var kind: EntryKind?
    var cursor: String?
    var problem: String?
    var query: EntryQuery

    init(_ parameters: FlatDictionary<Substring, Substring>, now: Instant) {
        query = EntryQuery(limit: Self.pageSize)
        query.scanWindow = Self.scanWindow
        if let raw = parameters["period"].map(String.init), Self.periods.contains(where: { $0.value == raw }) {
            period = raw
        }
        if let raw = parameters["kind"].map(String.init), !raw.isEmpty {
            if let kind = EntryKind(rawValue: raw) { self.kind = kind } else { problem = "Unknown kind: showing all." }
        }
        since = parameters["since"].map(String.init) ?? ""
        until = parameters["until"].map(String.init) ?? ""
        if let raw = parameters["cursor"].map(String.init), !raw.isEmpty, raw.utf8.count <= 100 { cursor = raw }
        query.kind = kind
        query.cursor = cursor
        if period == "custom" {
            let from = Self.day(since)
            let to = Self.day(until)
            if (!since.isEmpty && from == nil) || (!until.isEmpty && to == nil) {
                problem = "Dates are written like 2026-03-14."
            } else if let from, let to, to < from {
                problem = "The end date is before the start date."
            } else {
                query.since = from
                query.until = to?.adding(days: 1)
            }
        } else {
            query.since = now.adding(days: -(Int64(period) ?? 30))
        }
    }

    /// Midnight UTC of a `YYYY-MM-DD` date.
    static func day(_ text: String) -> Instant? {
        RFC3339.parse(text + "T00:00:00Z")
    }

    /// The query string of these filters, with another cursor.
    func queryString(cursor: String?) -> String {
        var items = [("period", period)]
        if period == "custom" { items += [("since", since), ("until", until)] }
        if let kind { items.append(("kind", kind.rawValue)) }
        if let cursor { items.append(("cursor", cursor)) }
        return items.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            .joined(separator: "&")
    }
}

extension ConnectsApp {
    /// What every page's layout shows: the navigation and the session's form token.
    func layoutValues(_ session: WebSession, _ caller: Caller, current: String) -> [String: Any] {
        var values: [String: Any] = [
            "signedIn": true, "csrf": session.csrfToken, "isClient": caller.role == .client,
            "on" + current.prefix(1).uppercased() + current.dropFirst(): true,
        ]
        values["returnURL"] = session.returnURL
        return values
    }

    /// The Connects page: what can be spent now, what expires when, when the next connects come, and
    /// the last movements (PAGES.md's four questions).
    func connectsPage(
        _ snapshot: AccountSnapshot, recent: [Entry], session: WebSession, caller: Caller
    ) async throws -> [String: Any] {
        let now = now()
        let account = snapshot.account
        let economy = policy.economy
        var values = layoutValues(session, caller, current: "connects")
        values["available"] = snapshot.balance.available
        values["held"] = snapshot.balance.held
        values["total"] = snapshot.balance.total
        values["hasExpiring"] = !snapshot.expiring.isEmpty
        values["expiring"] = snapshot.expiring.map { expiring -> [String: Any] in
            [
                "amount": expiring.amount, "iso": RFC3339.format(expiring.on),
                "date": PageDate.long(expiring.on, now: now), "relative": PageDate.relative(expiring.on, now: now),
            ]
        }
        if account.kind == .client {
            values["nextGrant"] = "Clients do not use connects: freelancers spend them to send you proposals."
        } else if let next = account.nextCycleAt, let key = account.pendingPlan ?? account.plan,
            let plan = economy.plan(key)
        {
            values["nextGrant"] =
                "\(plan.allotment) connects on \(PageDate.long(next, now: now)), with your \(Self.planName(key)) plan."
        } else {
            values["nextGrant"] = "No connects are due: this account is closed."
        }
        let unread = try await store.unreadNotificationCount(accountID: account.id)
        if unread > 0 { values["unread"] = unread }
        values["unreadWords"] = Self.unreadWords(unread)
        values["holdsConnects"] = account.kind.holdsConnects
        values["hasRecent"] = !recent.isEmpty
        values["recent"] = try await movementValues(recent, now: now)
        let costs = economy.costs.ladder.map(\.cost) + [economy.costs.withoutBudget]
        values["costRange"] = "\(costs.min() ?? 0) to \(costs.max() ?? 0)"
        return values
    }

    /// The history page: the filtered movements, newest first, each a sentence with its reasons.
    func historyPage(
        _ page: Page<Entry>, filters: HistoryFilters, session: WebSession, caller: Caller
    ) async throws -> [String: Any] {
        var values = layoutValues(session, caller, current: "history")
        values["periods"] = HistoryFilters.periods.map { period -> [String: Any] in
            ["value": period.value, "label": period.label, "selected": period.value == filters.period]
        }
        values["since"] = filters.since
        values["until"] = filters.until
        values["kinds"] =
            [["value": "", "label": "All kinds", "selected": filters.kind == nil] as [String: Any]]
            + EntryKind.allCases.map { kind -> [String: Any] in
                ["value": kind.rawValue, "label": kind.rawValue.capitalized, "selected": kind == filters.kind]
            }
        values["error"] = filters.problem
        let count = page.items.count
        if page.nextCursor == nil {
            values["summary"] = count == 1 ? "1 movement." : "\(count) movements."
        } else if count == HistoryFilters.pageSize {
            values["summary"] = "The newest \(count) movements."
        } else {
            values["summary"] = "\(count) found among the newest \(HistoryFilters.scanWindow) movements read."
        }
        values["hasRows"] = !page.items.isEmpty
        values["rows"] = try await movementValues(page.items, now: now())
        values["csvURL"] = "/portal/history.csv?" + filters.queryString(cursor: filters.cursor)
        values["chartURL"] = "/portal/charts/balance.svg?" + filters.queryString(cursor: nil)
        values["olderURL"] = page.nextCursor.map { "/portal/history?" + filters.queryString(cursor: $0) }
        return values
    }

    /// Each entry as the movement partial shows it.
    func movementValues(_ entries: [Entry], now: Instant) async throws -> [[String: Any]] {
        var names = MovementSentence.Names()
        names.jobTitles = try await store.jobTitles(
            ids: entries.map(\.cause.id).filter { $0.hasPrefix("prop_") || $0.hasPrefix("job_") })
        for plan in policy.economy.plans { names.planNames[plan.key] = Self.planName(plan.key) }
        return entries.map { entry in
            var values: [String: Any] = [
                "id": entry.id, "sentence": MovementSentence.make(entry, names: names),
                "direction": entry.amount > 0 ? "in" : entry.amount < 0 ? "out" : "held",
                "iso": RFC3339.format(entry.createdAt), "date": PageDate.long(entry.createdAt, now: now),
                "policyVersion": entry.policyVersion.map(String.init) ?? "none",
                "cause": "\(entry.cause.type) \(entry.cause.id)",
                "available": entry.balanceAfter.available, "held": entry.balanceAfter.held,
            ]
            values["rule"] = entry.rule
            return values
        }
    }

    /// A plan key as people read it: `basic` is "Basic".
    static func planName(_ key: String) -> String {
        key.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }

    /// The demo's front page: every demo person, with a button to enter as them.
    func demoPage() async throws -> [String: Any] {
        var people: [[String: Any]] = []
        for (name, kind) in DemoMarketplace.people {
            guard let account = try await store.accounts(externalID: "demo-\(name)", kind: kind, now: now()).first
            else { continue }
            people.append([
                "id": account.account.id, "name": account.account.name ?? name, "kind": kind.rawValue,
                "available": account.balance.available, "holdsConnects": kind.holdsConnects,
            ])
        }
        var staff: [[String: Any]] = []
        for member in DemoMarketplace.staff where try await store.staffMember(name: member.name) != nil {
            staff.append([
                "name": member.name,
                "role": member.role == .admin ? "an admin: may also change the policy" : "a support agent",
            ])
        }
        return ["people": people, "hasPeople": !people.isEmpty, "staff": staff, "hasStaff": !staff.isEmpty]
    }
}
