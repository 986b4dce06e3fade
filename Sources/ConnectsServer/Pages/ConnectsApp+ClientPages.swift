import ConnectsCore
import ConnectsStore
import Foundation
import HTTPTypes
import Hummingbird

extension ConnectsApp {
    /// The client's pages: post a job, their jobs, a job's proposals in slot order, and the decisions on
    /// them, each saying first what it does to the freelancers' connects (PAGES.md).
    func addClientPages(to table: inout RouteTable) {
        table.on(.get, "/portal/my-jobs", .readAccount) { request, context in
            let (caller, session, accountID) = try Self.signedIn(context)
            let jobs = try await service.jobs(of: accountID, limit: 100, by: caller)
            var values = layoutValues(session, caller, current: "myJobs")
            values["hasJobs"] = !jobs.isEmpty
            values["jobs"] = jobs.map { job -> [String: Any] in
                [
                    "id": job.id, "title": job.title, "status": Self.jobStatusWords(job.status),
                    "proposals": job.proposalCount, "cost": job.connectCost,
                ]
            }
            return pages.page("my-jobs", values)
        }

        table.on(.get, "/portal/post-job", .postJob) { _, context in
            let (caller, session, _) = try Self.signedIn(context)
            return pages.page("post-job", postJobValues(session, caller))
        }

        table.on(.post, "/portal/post-job", .postJob) { request, context in
            let (caller, session, accountID) = try Self.signedIn(context)
            guard let form = try await Self.pageForm(request, caller: caller, session: session) else {
                return formOutOfDate(session)
            }
            var values = postJobValues(session, caller)
            let title = (form["title"] ?? "").trimmingCharacters(in: .whitespaces)
            let budgetText = (form["budget"] ?? "").trimmingCharacters(in: .whitespaces)
            let deadlineText = form["deadline"] ?? ""
            values["title"] = title
            values["budget"] = budgetText
            values["deadline"] = deadlineText
            var errors: [(field: String, message: String)] = []
            if title.isEmpty || title.count > Limits.labelLengthMax {
                errors.append(("title", "Enter a title of 1 to \(Limits.labelLengthMax) characters"))
            }
            let currency = policy.economy.pricing.pricePerConnect.currency
            var budget: Policy.Money?
            if !budgetText.isEmpty {
                if let minor = Self.minorUnits(budgetText) {
                    budget = Policy.Money(currency: currency, minor: minor)
                } else {
                    errors.append(("budget", "Enter the budget as an amount like 400 or 399.50, or leave it empty"))
                }
            }
            var deadline: Instant?
            if !deadlineText.isEmpty {
                // The end of the chosen day: hiring on the day itself is in time.
                if let day = HistoryFilters.day(deadlineText), day.adding(days: 1) > now() {
                    deadline = day.adding(milliseconds: Instant.millisecondsPerDay - 1)
                } else {
                    errors.append(("deadline", "Enter a date from today on, like 2026-03-14, or leave it empty"))
                }
            }
            guard errors.isEmpty else {
                Self.show(errors, in: &values)
                return pages.page("post-job", values, status: .unprocessableContent)
            }
            let outcome = try await service.postJob(
                for: accountID, title: title, budget: budget, connectCost: nil, hiringDeadline: deadline,
                form.write)
            return try outcomeResponse(outcome, session: session) { result in
                guard case .job(let job) = result else { return "/portal/my-jobs" }
                return "/portal/my-jobs/\(job.id)?done=posted"
            }
        }

        table.on(.get, "/portal/my-jobs/{id}", .readProposals) { request, context in
            let (caller, session, _) = try Self.signedIn(context)
            let job = try await service.job(try context.parameters.require("id"), by: caller)
            let (proposals, names) = try await service.proposalsWithNames(on: job.id, limit: 100, by: caller)
            var values = myJobValues(job, proposals: proposals, names: names, session: session, caller: caller)
            values["notice"] = request.uri.queryParameters["done"].flatMap { Self.doneNotice[String($0)] }
            return pages.page("my-job", values)
        }

        for (name, decision) in [("view", ProposalDecision.view), ("decline", .decline)] {
            table.on(.post, "/portal/my-proposals/{id}/\(name)", .decideOnProposals) { request, context in
                let (caller, session, _) = try Self.signedIn(context)
                guard let form = try await Self.pageForm(request, caller: caller, session: session) else {
                    return formOutOfDate(session)
                }
                let outcome = try await service.decide(decision, on: try context.parameters.require("id"), form.write)
                return try outcomeResponse(outcome, session: session) { result in
                    guard case .proposal(let proposal, let job) = result else { return "/portal/my-jobs" }
                    return "/portal/my-jobs/\(job.id)?done=\(name)#\(proposal.id)"
                }
            }
        }

        table.on(.post, "/portal/my-jobs/{id}/hire", .decideOnProposals) { request, context in
            let (caller, session, _) = try Self.signedIn(context)
            guard let form = try await Self.pageForm(request, caller: caller, session: session),
                let proposalID = form["proposal"]
            else { return formOutOfDate(session) }
            let jobID = try context.parameters.require("id")
            let outcome = try await service.hire(proposalID, on: jobID, form.write)
            return try outcomeResponse(outcome, session: session) { _ in "/portal/my-jobs/\(jobID)?done=hired" }
        }

        table.on(.post, "/portal/my-jobs/{id}/close", .decideOnProposals) { request, context in
            let (caller, session, _) = try Self.signedIn(context)
            guard let form = try await Self.pageForm(request, caller: caller, session: session) else {
                return formOutOfDate(session)
            }
            let jobID = try context.parameters.require("id")
            let isCanceled = form["reason"] == "canceled"
            let outcome = try await service.close(jobID, isCanceled: isCanceled, form.write)
            return try outcomeResponse(outcome, session: session) { _ in
                "/portal/my-jobs/\(jobID)?done=\(isCanceled ? "canceled" : "closed")"
            }
        }
    }

    /// What a page says after a client's decision went through.
    static let doneNotice: [String: String] = [
        "posted": "Your job is posted. Freelancers can send proposals now.",
        "view": "Marked as read.", "decline": "Declined.", "hired": "Hired. The job is filled.",
        "closed": "The job is closed without a hire; the freelancers got their connects back.",
        "canceled": "The job is cancelled; the freelancers got their connects back.",
    ]

    /// Where a page's form leads: the page `next` names on success (also for a form sent again), the
    /// refusal's words otherwise.
    func outcomeResponse(
        _ outcome: WriteOutcome, session: WebSession, next: (OperationResult) -> String
    ) throws -> Response {
        switch outcome {
        case .done(.success(let result), _):
            return Response(status: .seeOther, headers: [.location: next(result)])
        case .done(.failure(let error), _):
            throw ConnectsError(error.code, Self.sentence(for: error))
        case .replayed:
            return Response(status: .seeOther, headers: [.location: "/portal"])
        }
    }

    func postJobValues(_ session: WebSession, _ caller: Caller) -> [String: Any] {
        let costs = policy.economy.costs
        var values = layoutValues(session, caller, current: "postJob")
        values["once"] = Self.formKey()
        values["currency"] = policy.economy.pricing.pricePerConnect.currency
        values["ladder"] = costs.ladder.map { "\($0.cost)" }.joined(separator: ", ")
        values["withoutBudget"] = costs.withoutBudget
        values["title"] = ""
        values["budget"] = ""
        values["deadline"] = ""
        return values
    }

    /// A client's job with its proposals, each decision's effect on the freelancers' connects stated.
    func myJobValues(
        _ job: Job, proposals: [Proposal], names: [String: String], session: WebSession, caller: Caller
    ) -> [String: Any] {
        var values = layoutValues(session, caller, current: "myJobs")
        values["once"] = Self.formKey()
        values["id"] = job.id
        values["title"] = job.title
        values["status"] = Self.jobStatusWords(job.status)
        values["budget"] = job.budget.map(Self.moneyWords) ?? "not given"
        values["cost"] = job.connectCost
        values["deadline"] = job.hiringDeadline.map { PageDate.long($0, now: now()) }
        values["count"] = proposals.count
        values["hasProposals"] = !proposals.isEmpty
        values["isOpen"] = job.status == .open
        let returning = proposals.filter { $0.status != .withdrawn && $0.returned == nil }
        let paid = returning.map(\.paid)
        if returning.isEmpty {
            values["closeEffect"] = "No freelancer has paid to apply, so no connects move."
        } else if Set(paid).count == 1 {
            values["closeEffect"] =
                "Closing without hiring, or cancelling, returns \(paid[0]) connects to each of \(returning.count) "
                + (returning.count == 1 ? "freelancer." : "freelancers.")
        } else {
            values["closeEffect"] =
                "Closing without hiring, or cancelling, returns \(paid.reduce(0, +)) connects in all to the "
                + "\(returning.count) freelancers who paid to apply."
        }
        let onDecline = policy.economy.returns.onDecline
        values["proposals"] = proposals.map { proposal -> [String: Any] in
            let name = names[proposal.freelancerID] ?? "A freelancer"
            let others = proposals.filter { $0.id != proposal.id && $0.isActive }.count
            return [
                "id": proposal.id, "jobID": job.id, "name": name, "status": Self.statusWords(proposal.status),
                "boosted": proposal.boostState == .held || proposal.boostState == .captured,
                "iso": RFC3339.format(proposal.submittedAt), "date": PageDate.long(proposal.submittedAt, now: now()),
                "canDecide": proposal.isActive && job.status == .open,
                "csrf": session.csrfToken, "viewKey": Self.formKey(), "declineKey": Self.formKey(),
                "hireKey": Self.formKey(),
                "declineEffect": onDecline
                    ? "Declining returns the \(proposal.fee) connects \(name) paid."
                    : "Declining does not return the \(proposal.fee) connects \(name) paid (this marketplace's rule).",
                "hireEffect": others == 0
                    ? "Hiring fills the job."
                    : others == 1
                        ? "Hiring fills the job; the other freelancer's fee is not returned (this marketplace's rule)."
                        : "Hiring fills the job; the other \(others) freelancers' fees are not returned (this marketplace's rule)."
                    ,
            ]
        }
        return values
    }

    /// Problems of a form: in the summary at the top, and beside each field.
    static func show(_ errors: [(field: String, message: String)], in values: inout [String: Any]) {
        values["hasErrors"] = true
        values["errors"] = errors.map { ["field": $0.field, "message": $0.message] }
        for error in errors { values[error.field + "Error"] = error.message }
    }

    /// "400" or "399.50" as minor units (two decimals), within the movement of money a job may name.
    static func minorUnits(_ text: String) -> Int64? {
        let parts = text.replacingOccurrences(of: ",", with: "").split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let units = Int64(parts[0]), units >= 0, units <= 100_000_000 else {
            return nil
        }
        guard parts.count == 2 else { return units * 100 }
        guard (1...2).contains(parts[1].count), parts[1].allSatisfy(\.isNumber), let cents = Int64(parts[1]) else {
            return nil
        }
        return units * 100 + (parts[1].count == 1 ? cents * 10 : cents)
    }

    static func jobStatusWords(_ status: Job.Status) -> String {
        switch status {
        case .open: return "Open"
        case .filled: return "Filled"
        case .closed: return "Closed without a hire"
        case .canceled: return "Cancelled"
        case .removed: return "Removed by the marketplace"
        case .expired: return "Expired"
        }
    }
}
