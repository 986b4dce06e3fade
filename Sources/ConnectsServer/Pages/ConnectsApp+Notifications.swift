import ConnectsCore
import ConnectsStore
import Foundation
import Hummingbird

extension ConnectsApp {
    /// The notifications page: what happened to one's connects and proposals, newest first, the unread
    /// ones marked, and a button that marks everything shown read.
    func addNotificationPages(to table: inout RouteTable) {
        table.on(.get, "/portal/notifications", .readAccount) { request, context in
            let (caller, session, accountID) = try Self.signedIn(context)
            let cursor = request.uri.queryParameters["cursor"].flatMap { raw -> Int64? in
                raw.first == "e" ? Int64(raw.dropFirst()) : nil
            }
            let (page, unread) = try await service.notifications(
                of: accountID, limit: HistoryFilters.pageSize, before: cursor, by: caller)
            var values = layoutValues(session, caller, current: "notifications")
            values["unread"] = unread
            values["hasUnread"] = unread > 0
            values["unreadWords"] = Self.unreadWords(unread)
            values["hasNotifications"] = !page.items.isEmpty
            values["notifications"] = try await notificationValues(page.items)
            values["newest"] = page.items.first?.event.id ?? ""
            values["olderURL"] = page.nextCursor.map { "/portal/notifications?cursor=" + $0 }
            return pages.page("notifications", values)
        }

        table.on(.post, "/portal/notifications/read", .markNotificationsRead) { request, context in
            let (caller, session, accountID) = try Self.signedIn(context)
            let form = try await Self.readForm(request)
            guard form["csrf"] == session.csrfToken, let newest = form["upTo"], !newest.isEmpty else {
                return formOutOfDate(session)
            }
            _ = try await service.markNotificationsRead(of: accountID, upTo: newest, ids: [], by: caller)
            return Response(status: .seeOther, headers: [.location: "/portal/notifications"])
        }
    }

    /// "3 unread", "none unread", "1000 or more unread".
    static func unreadWords(_ count: Int) -> String {
        switch count {
        case 0: return "Nothing unread."
        case 1: return "1 unread."
        case Limits.unreadCountMax...: return "\(count) or more unread."
        default: return "\(count) unread."
        }
    }

    /// Each notification as the page shows it: a sentence, when, and whether it is new.
    func notificationValues(_ notifications: [ConnectsStore.Notification]) async throws -> [[String: Any]] {
        let data = notifications.map { (try? JSONValue(parsing: Array($0.event.data.utf8))) ?? .null }
        let entries = try await store.entries(ids: data.compactMap { $0["entryId"]?.text })
        var names = MovementSentence.Names()
        let jobIDs = data.compactMap { $0["jobId"]?.text }
        names.jobTitles = try await store.jobTitles(ids: jobIDs + entries.values.map { $0.cause.id })
        for plan in policy.economy.plans { names.planNames[plan.key] = Self.planName(plan.key) }
        let now = now()
        return zip(notifications, data).map { notification, data in
            let event = notification.event
            return [
                "id": event.id, "isNew": notification.readAt == nil,
                "sentence": Self.notificationSentence(event.type, data, entries: entries, names: names, now: now),
                "iso": RFC3339.format(event.createdAt), "date": PageDate.long(event.createdAt, now: now),
            ]
        }
    }

    /// One notification in a sentence: a movement in the words of the history, the rest from its data.
    static func notificationSentence(
        _ type: String, _ data: JSONValue, entries: [String: Entry], names: MovementSentence.Names, now: Instant
    ) -> String {
        if let id = data["entryId"]?.text, let entry = entries[id] {
            return MovementSentence.make(entry, names: names)
        }
        let title = data["jobId"]?.text.flatMap { names.jobTitles[$0] }.map { "“\($0)”" } ?? "a job"
        let amount = data["amount"]?.number ?? 0
        switch type {
        case "connects.expiring":
            let on =
                data["expiresAt"]?.text.flatMap(RFC3339.parse)
                ?? data["expiresAtMs"]?.number.map { Instant(millisecondsSinceEpoch: $0) }
            return
                "\(amount) connects expire \(on.map { "on " + PageDate.long($0, now: now) } ?? "soon") unless you spend them"
        case "proposal.submitted":
            let boost = data["boost"]?.number ?? 0
            return "Proposal sent to \(title): \(data["fee"]?.number ?? 0) connects"
                + (boost > 0 ? ", and a boost of \(boost) held" : "")
        case "proposal.boost_outbid":
            return
                "Your boost of \(data["bid"]?.number ?? 0) on \(title) was outbid before the client looked: it came back in full"
        case "proposal.boost_captured":
            return "Your boost of \(data["bid"]?.number ?? 0) on \(title) was spent: your proposal kept its place"
        case "proposal.fee_kept":
            let sentence = keptSentence(data["rule"]?.text ?? "", paid: data["kept"]?.number ?? 0)
            return sentence.replacingOccurrences(of: " not returned:", with: " not returned for \(title):")
        case "job.closed":
            let status = data["status"]?.text.flatMap(Job.Status.init(rawValue:))
            return "Your job \(title): \(status.map(jobStatusWords) ?? "closed")"
        case "account.plan_changed":
            let plan = data["plan"]?.text.map { names.planNames[$0] ?? $0 }
            if let pending = data["pendingPlan"]?.text {
                return "Your plan changes to \(names.planNames[pending] ?? pending) at your next cycle"
            }
            return "Your plan is now \(plan ?? "none")"
        default:
            return type
        }
    }
}

extension JSONValue {
    /// The string this value is, if it is one (an event's data, read for a sentence).
    fileprivate var text: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The whole number this value is, if it is one.
    fileprivate var number: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }
}
