import ConnectsCore
import ConnectsStore
import Foundation
import HTTPTypes
import Hummingbird

extension ConnectsApp {
    /// The freelancer's jobs and proposals: open jobs with their cost, a job with its bid table and a
    /// proposal form that says the cost first, and every proposal with what was paid and what came back.
    func addFreelancerPages(to table: inout RouteTable) {
        table.on(.get, "/portal/jobs", .readJobs) { request, context in
            let (caller, session, accountID) = try Self.signedIn(context)
            let cursor = request.uri.queryParameters["cursor"].map(String.init).flatMap { $0.count <= 100 ? $0 : nil }
            let page = try await service.jobs(status: .open, limit: 50, after: cursor, by: caller)
            let snapshot = try await service.account(accountID, by: caller)
            var values = layoutValues(session, caller, current: "jobs")
            values["available"] = snapshot.balance.available
            values["hasJobs"] = !page.items.isEmpty
            values["jobs"] = page.items.map { job -> [String: Any] in
                [
                    "id": job.id, "title": job.title, "cost": job.connectCost, "proposals": job.proposalCount,
                    "closes": PageDate.long(job.boostClosesAt, now: now()),
                    "closesIso": RFC3339.format(job.boostClosesAt),
                ]
            }
            values["olderURL"] = page.nextCursor.map { "/portal/jobs?cursor=" + $0 }
            return pages.page("jobs", values)
        }

        table.on(.get, "/portal/jobs/{id}", .readJobs) { _, context in
            let (caller, session, _) = try Self.signedIn(context)
            let values = try await jobPage(try context.parameters.require("id"), caller: caller, session: session)
            return pages.page("job", values)
        }

        table.on(.post, "/portal/jobs/{id}/proposals", .submitProposal) { request, context in
            let (caller, session, accountID) = try Self.signedIn(context)
            let jobID = try context.parameters.require("id")
            guard let form = try await Self.pageForm(request, caller: caller, session: session) else {
                return formOutOfDate(session)
            }
            let typed = (form["boost"] ?? "").trimmingCharacters(in: .whitespaces)
            var boost: Int64?
            if !typed.isEmpty {
                guard let number = Int64(typed), number >= 1 else {
                    var values = try await jobPage(jobID, caller: caller, session: session)
                    Self.showError(
                        "Enter the boost as a whole number of connects, 1 or more, or leave it empty", typed,
                        in: &values)
                    return pages.page("job", values, status: .unprocessableContent)
                }
                boost = number
            }
            let outcome = try await service.submitProposal(
                to: jobID, by: accountID, agencyID: nil, boost: boost, form.write)
            switch outcome {
            case .done(.success(.proposal(let proposal, _)), _):
                return Response(status: .seeOther, headers: [.location: "/portal/proposals?sent=\(proposal.id)"])
            case .done(.failure(let error), _):
                var values = try await jobPage(jobID, caller: caller, session: session)
                Self.showError(Self.sentence(for: error), typed, in: &values)
                return pages.page(
                    "job", values, status: HTTPResponse.Status(code: ProblemResponse.status(of: error.code)))
            default:
                return Response(status: .seeOther, headers: [.location: "/portal/proposals"])
            }
        }

        table.on(.get, "/portal/proposals", .readAccount) { request, context in
            let (caller, session, accountID) = try Self.signedIn(context)
            let proposals = try await service.proposals(of: accountID, limit: 100, offset: 0, by: caller)
            let titles = try await store.jobTitles(ids: proposals.map(\.jobID))
            var values = layoutValues(session, caller, current: "proposals")
            values["hasProposals"] = !proposals.isEmpty
            values["proposals"] = proposals.map { proposal -> [String: Any] in
                [
                    "id": proposal.id, "jobID": proposal.jobID, "title": titles[proposal.jobID] ?? proposal.jobID,
                    "status": Self.statusWords(proposal.status), "iso": RFC3339.format(proposal.submittedAt),
                    "date": PageDate.long(proposal.submittedAt, now: now()), "paid": Self.paidWords(proposal),
                    "outcome": Self.outcomeSentence(proposal), "canWithdraw": proposal.isActive,
                    "withdrawEffect": proposal.boostState == .held
                        ? "Withdrawing keeps the \(proposal.fee) connects you paid (this marketplace's rule) and frees the boost of \(proposal.boostBid ?? 0)."
                        : "Withdrawing keeps the \(proposal.fee) connects you paid (this marketplace's rule).",
                    "csrf": session.csrfToken, "once": Self.formKey(),
                ]
            }
            if let sent = request.uri.queryParameters["sent"], proposals.contains(where: { $0.id == sent }) {
                values["notice"] = "Your proposal was sent."
            }
            if request.uri.queryParameters["withdrawn"] != nil { values["notice"] = "Your proposal is withdrawn." }
            let costs = policy.economy.costs.ladder.map(\.cost) + [policy.economy.costs.withoutBudget]
            values["costRange"] = "\(costs.min() ?? 0) to \(costs.max() ?? 0)"
            return pages.page("proposals", values)
        }
        addWithdrawal(to: &table)
    }

    func addWithdrawal(to table: inout RouteTable) {
        table.on(.post, "/portal/proposals/{id}/withdraw", .withdrawProposal) { request, context in
            let (caller, session, _) = try Self.signedIn(context)
            guard let form = try await Self.pageForm(request, caller: caller, session: session) else {
                return formOutOfDate(session)
            }
            let outcome = try await service.decide(.withdraw, on: try context.parameters.require("id"), form.write)
            return try outcomeResponse(outcome, session: session) { _ in "/portal/proposals?withdrawn=1" }
        }
    }

    /// A job as a freelancer sees it: facts, the bid table, their own proposal, or the form to send one.
    func jobPage(_ jobID: String, caller: Caller, session: WebSession) async throws -> [String: Any] {
        let accountID = session.accountID ?? ""
        let (job, bids) = try await service.bids(on: jobID, by: caller)
        let snapshot = try await service.account(accountID, by: caller)
        let mine = try await service.proposal(on: jobID, by: accountID, caller: caller)
        let economy = policy.economy
        var values = layoutValues(session, caller, current: "jobs")
        values["id"] = job.id
        values["title"] = job.title
        values["status"] = job.status == .open ? "Open" : "Not taking proposals (\(job.status.rawValue))"
        values["budget"] = job.budget.map(Self.moneyWords) ?? "not given"
        values["cost"] = job.connectCost
        values["proposals"] = job.proposalCount
        values["slots"] = job.boostSlots
        values["auctionClosed"] = job.isAuctionClosed
        values["closes"] = PageDate.long(job.boostClosesAt, now: now())
        values["closesIso"] = RFC3339.format(job.boostClosesAt)
        values["hasBids"] = !bids.isEmpty
        values["bids"] = bids.enumerated().map { rank, proposal -> [String: Any] in
            ["rank": rank + 1, "bid": proposal.boostBid ?? 0, "state": proposal.boostState?.rawValue ?? ""]
        }
        if let mine {
            values["mine"] = ["summary": "\(Self.statusWords(mine.status)). \(Self.outcomeSentence(mine))"]
        }
        let canPropose = mine == nil && job.status == .open && snapshot.account.kind == .freelancer
        values["canPropose"] = canPropose
        values["csrf"] = session.csrfToken
        values["once"] = Self.formKey()
        values["maxBid"] = economy.boost.maxBid
        values["after"] = snapshot.balance.available - job.connectCost
        values["boost"] = ""
        return values
    }

    /// Puts a problem on the form: in the summary at the top, next to the field, and the input shown back.
    static func showError(_ message: String, _ typed: String, in values: inout [String: Any]) {
        values["hasErrors"] = true
        values["errors"] = [["field": "boost", "message": message]]
        values["boostError"] = message
        values["boost"] = typed
    }

    /// A refusal as the person who sent the form reads it.
    static func sentence(for error: ConnectsError) -> String {
        switch error.code {
        case .insufficientConnects: return "You do not have enough connects for this proposal and boost"
        case .alreadyApplied: return "You already sent a proposal to this job"
        case .jobNotOpen: return "This job no longer takes proposals"
        case .limitExceeded: return "The boost is higher than this marketplace allows"
        case .invalidState: return "Bidding for boosts has closed on this job: send it without a boost"
        default: return error.detail
        }
    }

    static func statusWords(_ status: Proposal.Status) -> String {
        switch status {
        case .submitted: return "Sent"
        case .viewed: return "Opened by the client"
        case .withdrawn: return "Withdrawn"
        case .declined: return "Declined"
        case .hired: return "Hired"
        case .notHired: return "Not hired"
        }
    }

    static func paidWords(_ proposal: Proposal) -> String {
        var words = proposal.fee == 0 ? "nothing (invited)" : "\(proposal.fee) connects"
        if let bid = proposal.boostBid {
            switch proposal.boostState {
            case .held: words += "; a boost of \(bid) is held"
            case .captured: words += ", and a boost of \(bid)"
            case .released, nil: words += "; the boost of \(bid) was released, not paid"
            }
        }
        return words
    }

    /// What came of a proposal's connects: returned and why, kept and by which rule, or still open.
    static func outcomeSentence(_ proposal: Proposal) -> String {
        if let returned = proposal.returned {
            return "+\(returned.amount) returned: " + MovementSentence.returnReason(returned.rule)
        }
        guard let rule = proposal.keptBy else { return "Waiting for the client." }
        return keptSentence(rule, paid: proposal.paid)
    }

    /// Why `paid` connects were not returned, by the rule that kept them.
    static func keptSentence(_ rule: String, paid: Int64) -> String {
        switch rule {
        case "no_return.hired": return "You were hired: the fee is not returned."
        case "no_return.hired_other": return "\(paid) not returned: the client hired someone else."
        case "no_return.declined":
            return "\(paid) not returned: the client declined; this marketplace does not return fees on decline."
        case "no_return.job_expired": return "\(paid) not returned: the job expired without a hire."
        case "no_return.withdrawn": return "\(paid) not returned: you withdrew the proposal."
        case "no_return.nothing_paid": return "Nothing to return: you paid nothing."
        default: return "\(paid) not returned (rule \(rule))."
        }
    }

    static func moneyWords(_ money: Policy.Money) -> String {
        let units = money.minor / 100
        let cents = money.minor % 100
        let symbol = money.currency == "USD" ? "$" : money.currency + " "
        return cents == 0 ? "\(symbol)\(units)" : "\(symbol)\(units).\(cents < 10 ? "0" : "")\(cents)"
    }
}
