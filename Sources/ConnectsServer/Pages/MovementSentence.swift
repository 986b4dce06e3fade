import ConnectsCore
import Foundation

/// One movement of the ledger as one plain sentence a freelancer understands (PAGES.md): the entry's
/// kind, rule and cause pick the words; the rule key and policy version stay one click away.
enum MovementSentence {
    /// What a sentence may name besides the entry itself.
    struct Names: Sendable {
        /// Job titles by proposal id and by job id.
        var jobTitles: [String: String] = [:]
        /// Plans' display names by key.
        var planNames: [String: String] = [:]
    }

    /// The sentence for `entry`.
    static func make(_ entry: Entry, names: Names) -> String {
        let amount = abs(entry.amount)
        let held = abs(entry.held)
        let title = names.jobTitles[entry.cause.id].map { "“\($0)”" }
        let job = title.map { " to \($0)" } ?? ""
        switch entry.kind {
        case .grant:
            let parts = entry.cause.id.split(separator: ":")
            let plan = parts.first.map { names.planNames[String($0)] ?? String($0).capitalized } ?? "your"
            let start = parts.count > 1 ? Int64(parts[1]).map { Instant(millisecondsSinceEpoch: $0) } : nil
            let cycle = start.map { ", cycle starting \(PageDate.short($0))" } ?? ""
            return "+\(amount) monthly connects (\(plan) plan\(cycle))"
        case .reward:
            return "+\(amount) " + rewardReason(entry.cause)
        case .purchase:
            return "+\(amount) bought"
        case .courtesy, .adjustment:
            let sign = entry.amount >= 0 ? "+" : "-"
            return "\(sign)\(amount) from support: \(entry.reason ?? "no reason given")\(ticket(entry))"
        case .reversal:
            let sign = entry.amount >= 0 ? "+" : "-"
            return "\(sign)\(amount) correction by support: \(entry.reason ?? "no reason given")\(ticket(entry))"
        case .spend:
            return "-\(amount) to send a proposal\(job)"
        case .hold:
            return "\(held) held to boost your proposal\(job)"
        case .capture:
            return "-\(amount) boost paid for your proposal\(job)"
        case .release where entry.rule == JobEffect.outbidRule:
            return "Boost of \(held) released\(title.map { " on \($0)" } ?? ""): outbid before the client looked"
        case .release:
            return "\(held) boost released for your proposal\(job): you pay nothing for it"
        case .return:
            return "+\(amount) returned: " + returnReason(entry.rule)
        case .expire:
            return "-\(amount) expired, a year after you received them"
        case .forfeit:
            return "-\(amount) over your plan's rollover limit"
        }
    }

    /// Why connects came back, by the rule that decided it.
    static func returnReason(_ rule: String?) -> String {
        switch rule {
        case "returns.jobClosedWithoutHire": return "the client closed the job without hiring"
        case "returns.jobCanceled": return "the job was cancelled"
        case "returns.jobRemoved": return "the job was removed by the marketplace"
        case "returns.hiringDeadline": return "the client did not hire by their own deadline"
        case "returns.ifUnviewedAfterHours": return "the client did not open your proposal in time"
        case "returns.ifWaitingAfterDays": return "your proposal waited without a hire or a decline"
        case "returns.onDecline": return "the client declined"
        case "returns.onJobExpiry": return "the job expired"
        case "returns.closeJobAfterInactiveDays": return "the client stopped responding"
        default: return "a rule of this marketplace (\(rule ?? "unnamed"))"
        }
    }

    static func rewardReason(_ cause: Cause) -> String {
        if cause.type == "promo_code" { return "from the promo code \(cause.id)" }
        switch cause.id {
        case "signup": return "for joining"
        case "rising_talent": return "for earning the Rising Talent badge"
        case "interview_won": return "for winning an interview"
        case "skill_certification": return "for passing a skill certification"
        default: return "reward: \(cause.id.replacingOccurrences(of: "_", with: " "))"
        }
    }

    static func ticket(_ entry: Entry) -> String {
        entry.ticket.map { " (ticket \($0))" } ?? ""
    }
}

/// Dates as a reader says them ("14 March", "in 3 days"), in UTC like every time Connects shows.
enum PageDate {
    private static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    /// "14 March", with the year when it is not `now`'s.
    static func long(_ instant: Instant, now: Instant? = nil) -> String {
        let (date, _) = BillingCalendar.civil(instant)
        let base = "\(date.day) \(months[Int(date.month) - 1])"
        guard let now, BillingCalendar.civil(now).0.year == date.year else { return base + " \(date.year)" }
        return base
    }

    /// "16 Jan".
    static func short(_ instant: Instant) -> String {
        let (date, _) = BillingCalendar.civil(instant)
        return "\(date.day) \(months[Int(date.month) - 1].prefix(3))"
    }

    /// "today", "tomorrow", "in 3 days".
    static func relative(_ instant: Instant, now: Instant) -> String {
        let days = (instant.millisecondsSinceEpoch - now.millisecondsSinceEpoch) / Instant.millisecondsPerDay
        switch days {
        case ..<1: return "today"
        case 1: return "tomorrow"
        default: return "in \(days) days"
        }
    }
}
