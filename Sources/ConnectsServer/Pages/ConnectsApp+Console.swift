import ConnectsCore
import ConnectsSimulator
import ConnectsStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore

extension ConnectsApp {
    /// The staff's sign-in and the support console: find an account, read its balance, lots and full
    /// ledger with actors and reasons, adjust it or reverse an entry (with a reason and a ticket, under
    /// the agent's name), and the policy (an admin may change it, validated as `PUT /v1/policy` is).
    func addConsolePages(to table: inout RouteTable) {
        table.on(.get, "/sign-in", nil) { request, context in
            if context.webSession?.staffName != nil {
                return Response(status: .seeOther, headers: [.location: "/console"])
            }
            return signInPage(["name": ""], request)
        }

        table.on(.post, "/sign-in", nil) { request, context in
            // A sign-in form posted from another site would sign the browser in as someone else: the form
            // carries the token its page set in a cookie (which another site can neither read nor set).
            let form = try await Self.readForm(request)
            let token = request.cookies[Self.signInCookie]?.value
            guard request.headers[HTTPField.Name("Sec-Fetch-Site")!] != "cross-site", let token, !token.isEmpty,
                form["csrf"] == token
            else {
                return pages.message(
                    "This form is out of date", "Nothing was changed. Open the sign-in page again and sign in from it.",
                    status: .forbidden)
            }
            let name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
            do {
                let (secret, _) = try await service.signIn(
                    name: name, password: form["password"] ?? "", from: context.remoteAddress)
                var response = Response(status: .seeOther, headers: [.location: "/console"])
                response.setCookie(sessionCookie(secret, request))
                return response
            } catch let error as ConnectsError where error.code == .unauthenticated || error.code == .rateLimited {
                var values: [String: Any] = ["name": name]
                Self.show(
                    [("name", error.code == .rateLimited ? error.detail : "That name and password do not match")],
                    in: &values)
                return signInPage(
                    values, request, status: HTTPResponse.Status(code: ProblemResponse.status(of: error.code)))
            }
        }

        table.on(.get, "/console", .useConsole) { request, context in
            let (caller, session) = try Self.staffSignedIn(context)
            var values = consoleLayout(session, caller, current: "search")
            let text = (request.uri.queryParameters["q"].map(String.init) ?? "").trimmingCharacters(in: .whitespaces)
            values["q"] = text
            guard !text.isEmpty else { return pages.page("console-search", values) }
            guard text.utf8.count <= Limits.labelLengthMax else {
                Self.show([("q", "Search with at most \(Limits.labelLengthMax) characters")], in: &values)
                return pages.page("console-search", values, status: .unprocessableContent)
            }
            let found = try await service.searchAccounts(text, by: caller)
            if found.count == 1, found[0].id == text {
                return Response(status: .seeOther, headers: [.location: "/console/accounts/\(text)"])
            }
            values["searched"] = true
            values["hasResults"] = !found.isEmpty
            values["results"] = found.map { account -> [String: Any] in
                [
                    "id": account.id, "name": account.name ?? "", "externalID": account.externalID,
                    "kind": account.kind.rawValue, "status": account.status.rawValue,
                ]
            }
            return pages.page("console-search", values)
        }

        table.on(.get, "/console/accounts/{id}", .useConsole) { request, context in
            let (caller, session) = try Self.staffSignedIn(context)
            let values = try await consoleAccountValues(
                try context.parameters.require("id"), request.uri.queryParameters, caller: caller, session: session)
            return pages.page("console-account", values)
        }

        table.on(.post, "/console/accounts/{id}/adjustments", .adjustBalance) { request, context in
            let (caller, session) = try Self.staffSignedIn(context)
            let accountID = try context.parameters.require("id")
            guard let form = try await Self.pageForm(request, caller: caller, session: session) else {
                return formOutOfDate(session)
            }
            let amountText = (form["amount"] ?? "").trimmingCharacters(in: .whitespaces)
            let reason = (form["reason"] ?? "").trimmingCharacters(in: .whitespaces)
            let ticket = (form["ticket"] ?? "").trimmingCharacters(in: .whitespaces)
            var errors: [(field: String, message: String)] = []
            let amount = Int64(amountText.replacingOccurrences(of: "+", with: ""))
            if amount == nil || amount == 0 {
                errors.append(("amount", "Enter a whole number of connects: 5 adds five, -5 takes five away"))
            }
            errors += Self.reasonAndTicketProblems(reason: reason, ticket: ticket)
            var failure: ConnectsError?
            if errors.isEmpty, let amount {
                let done = try await Self.consoleWrite(replayedTo: "/console/accounts/\(accountID)") {
                    try await service.adjust(accountID, by: amount, reason: reason, ticket: ticket, form.write)
                }
                switch done {
                case .success(let next): return next
                case .failure(let error):
                    failure = error
                    errors.append(("amount", Self.consoleSentence(for: error)))
                }
            }
            var values = try await consoleAccountValues(accountID, [:], caller: caller, session: session)
            values["amount"] = amountText
            values["reason"] = reason
            values["ticket"] = ticket
            Self.show(errors, in: &values)
            let status = failure.map { HTTPResponse.Status(code: ProblemResponse.status(of: $0.code)) }
            return pages.page("console-account", values, status: status ?? .unprocessableContent)
        }

        table.on(.get, "/console/entries/{id}", .useConsole) { _, context in
            let (caller, session) = try Self.staffSignedIn(context)
            let values = try await consoleEntryValues(
                try context.parameters.require("id"), caller: caller, session: session)
            return pages.page("console-entry", values)
        }

        table.on(.post, "/console/entries/{id}/reverse", .reverseEntry) { request, context in
            let (caller, session) = try Self.staffSignedIn(context)
            let entryID = try context.parameters.require("id")
            guard let form = try await Self.pageForm(request, caller: caller, session: session) else {
                return formOutOfDate(session)
            }
            let reason = (form["reason"] ?? "").trimmingCharacters(in: .whitespaces)
            let ticket = (form["ticket"] ?? "").trimmingCharacters(in: .whitespaces)
            var errors = Self.reasonAndTicketProblems(reason: reason, ticket: ticket)
            var failure: ConnectsError?
            if errors.isEmpty {
                let done = try await Self.consoleWrite(replayedTo: "/console/entries/\(entryID)") {
                    try await service.reverse(entryID, reason: reason, ticket: ticket, form.write)
                }
                switch done {
                case .success(let next): return next
                case .failure(let error):
                    failure = error
                    errors.append(("reason", Self.consoleSentence(for: error)))
                }
            }
            var values = try await consoleEntryValues(entryID, caller: caller, session: session)
            values["reason"] = reason
            values["ticket"] = ticket
            Self.show(errors, in: &values)
            let status = failure.map { HTTPResponse.Status(code: ProblemResponse.status(of: $0.code)) }
            return pages.page("console-entry", values, status: status ?? .unprocessableContent)
        }

        table.on(.get, "/console/policy", .readPolicy) { request, context in
            let (caller, session) = try Self.staffSignedIn(context)
            var values = try await consolePolicyValues(caller: caller, session: session)
            if let saved = request.uri.queryParameters["saved"] {
                values["notice"] = "Version \(saved) is in force."
            }
            return pages.page("console-policy", values)
        }

        table.on(.post, "/console/policy", .writePolicy) { request, context in
            let (caller, session) = try Self.staffSignedIn(context)
            let form = try await Self.readForm(request)
            guard form["csrf"] == session.csrfToken else { return formOutOfDate(session) }
            let text = form["document"] ?? ""
            do {
                guard let json = try? JSONValue(parsing: Array(text.utf8)) else {
                    throw ConnectsError.invalidField("policy", "is not JSON")
                }
                let document = try Self.decodePolicy(json)
                if form["action"] == "simulate" {
                    let comparison = try await service.simulate(document, by: caller)
                    var values = try await consolePolicyValues(caller: caller, session: session)
                    values["document"] = text
                    values["simulation"] = comparison.htmlTable
                    values["simulationCharts"] = comparison.htmlCharts
                    values["simulationSize"] = Self.simulationSize(comparison)
                    values["supportNote"] = SimulationComparison.supportNote
                    return pages.page("console-policy", values)
                }
                let write = WriteRequest(
                    caller: caller, idempotencyKey: nil, fingerprint: "",
                    render: { _ in StoredResponse(status: 200, contentType: "application/json", body: []) })
                if case .done(.success(.policy(let version, _)), _) = try await service.replacePolicy(
                    with: document, write)
                {
                    return Response(status: .seeOther, headers: [.location: "/console/policy?saved=\(version)"])
                }
                return Response(status: .seeOther, headers: [.location: "/console/policy"])
            } catch let error as ConnectsError where error.code == .validationFailed || error.code == .requestInProgress
            {
                var values = try await consolePolicyValues(caller: caller, session: session)
                values["document"] = text
                let outcome = form["action"] == "simulate" ? "Not simulated" : "Not saved"
                Self.show([("document", "\(outcome): \(error.detail)")], in: &values)
                return pages.page("console-policy", values, status: .unprocessableContent)
            }
        }
    }

    /// The cookie that carries the sign-in form's token (there is no session yet to keep it).
    static let signInCookie = "connects_signin"

    /// The sign-in page, with a new form token set in its cookie and in the form.
    func signInPage(
        _ values: [String: Any], _ request: Request, status: HTTPResponse.Status = .ok
    ) -> Response {
        let token = APIKey.makeSecret(prefix: "")
        var values = values
        values["csrf"] = token
        var response = pages.page("sign-in", values, status: status)
        response.setCookie(
            Cookie(
                name: Self.signInCookie, value: token, maxAge: 3_600, path: "/sign-in", secure: isSecure(request),
                httpOnly: true, sameSite: .strict))
        return response
    }

    /// The signed-in staff member's caller and session; `unauthenticated` when signed out, `forbidden`
    /// for a freelancer's or client's session (the console is the staff's).
    static func staffSignedIn(_ context: ConnectsRequestContext) throws(ConnectsError) -> (Caller, WebSession) {
        guard let caller = context.caller, let session = context.webSession else {
            throw ConnectsError(.unauthenticated, "sign in first")
        }
        guard session.staffName != nil else {
            throw ConnectsError(.forbidden, "the console is for support agents and admins")
        }
        return (caller, session)
    }

    /// Carries out a console form's write that makes an entry: the redirect to its account with the new
    /// entry highlighted (or, for a form sent again, to `replayedTo`), or the refusal the form shows.
    /// A refusal decided before the store was asked (a limit, a rule of the core) is shown like one the
    /// store gave; forbidden, not found and signed out stay errors, answered as pages.
    static func consoleWrite(
        replayedTo: String, _ write: () async throws -> WriteOutcome
    ) async throws -> Result<Response, ConnectsError> {
        let outcome: WriteOutcome
        do {
            outcome = try await write()
        } catch let error as ConnectsError where ![.forbidden, .notFound, .unauthenticated].contains(error.code) {
            return .failure(error)
        }
        switch outcome {
        case .done(.success(let result), _):
            let entry = result.entry
            return .success(
                Response(
                    status: .seeOther,
                    headers: [.location: "/console/accounts/\(entry?.accountID ?? "")?done=\(entry?.id ?? "")#done"]))
        case .done(.failure(let error), _):
            return .failure(error)
        case .replayed:
            return .success(Response(status: .seeOther, headers: [.location: replayedTo]))
        }
    }

    /// A reason and a ticket are required on the console's forms: the reason is what the account's history
    /// says, the ticket what the next agent looks up. (The API leaves the ticket to the caller.)
    static func reasonAndTicketProblems(reason: String, ticket: String) -> [(field: String, message: String)] {
        var errors: [(field: String, message: String)] = []
        if reason.isEmpty || reason.count > Limits.reasonLengthMax {
            errors.append(
                ("reason", "Write why, in 1 to \(Limits.reasonLengthMax) characters: the account's history shows it"))
        }
        if ticket.isEmpty || ticket.count > Limits.labelLengthMax {
            errors.append(
                ("ticket", "Enter the support ticket this answers, in 1 to \(Limits.labelLengthMax) characters"))
        }
        return errors
    }

    /// A refusal as an agent reads it.
    static func consoleSentence(for error: ConnectsError) -> String {
        switch error.code {
        case .limitExceeded: return "Not done: \(error.detail). An admin can do it."
        case .insufficientConnects: return "Not done: the account does not have that many connects to take."
        default: return "Not done: \(error.detail)."
        }
    }

    /// What every console page's layout shows.
    func consoleLayout(_ session: WebSession, _ caller: Caller, current: String) -> [String: Any] {
        [
            "signedIn": true, "isStaff": true, "csrf": session.csrfToken, "staffName": session.staffName ?? "",
            "staffRole": caller.role.rawValue, "on" + current.prefix(1).uppercased() + current.dropFirst(): true,
        ]
    }

    /// An account as support sees it: who it is, its balance, lots and full ledger, and the adjustment
    /// form. `parameters` may name the ledger page (`cursor`) and an entry just written (`done`).
    func consoleAccountValues(
        _ accountID: String, _ parameters: FlatDictionary<Substring, Substring>, caller: Caller, session: WebSession
    ) async throws -> [String: Any] {
        let snapshot = try await service.account(accountID, by: caller)
        let cursor = parameters["cursor"].map(String.init).flatMap { $0.utf8.count <= 100 ? $0 : nil }
        let page = try await service.entries(
            of: accountID, matching: EntryQuery(limit: HistoryFilters.pageSize, cursor: cursor), by: caller)
        let lots = try await service.lots(of: accountID, limit: 20, after: nil, by: caller)
        let done = parameters["done"].map(String.init)
        let now = now()
        let account = snapshot.account
        var values = consoleLayout(session, caller, current: "search")
        values["id"] = account.id
        values["name"] = account.name ?? account.externalID
        values["facts"] = [
            ["term": "Account id", "value": account.id], ["term": "External id", "value": account.externalID],
            ["term": "Kind", "value": account.kind.rawValue], ["term": "Status", "value": account.status.rawValue],
            ["term": "Plan", "value": account.plan.map(Self.planName) ?? "none"],
            ["term": "Opened", "value": PageDate.long(account.createdAt, now: now)],
        ]
        values["available"] = snapshot.balance.available
        values["held"] = snapshot.balance.held
        values["total"] = snapshot.balance.total
        values["hasLots"] = !lots.items.isEmpty
        values["lots"] = lots.items.map { lot -> [String: Any] in
            [
                "id": lot.id, "source": lot.source.rawValue, "amount": lot.amount, "remaining": lot.remaining,
                "held": lot.held, "granted": PageDate.long(lot.grantedAt, now: now),
                "expires": lot.expiresAt.map { PageDate.long($0, now: now) } ?? "never",
            ]
        }
        var rows = try await movementValues(page.items, now: now)
        for (index, entry) in page.items.enumerated() {
            rows[index]["kind"] = entry.kind.rawValue
            rows[index]["amount"] = entry.amount > 0 ? "+\(entry.amount)" : "\(entry.amount)"
            rows[index]["actor"] = entry.actor
            rows[index]["isDone"] = entry.id == done
            rows[index]["canReverse"] = entry.kind.isReversible && entry.amount != 0
            if let reason = entry.reason { rows[index]["reason"] = reason }
            if let ticket = entry.ticket { rows[index]["ticket"] = ticket }
        }
        values["hasEntries"] = !rows.isEmpty
        values["entries"] = rows
        values["olderURL"] = page.nextCursor.map { "/console/accounts/\(account.id)?cursor=\($0)" }
        if let done, let entry = page.items.first(where: { $0.id == done }) {
            let amount = entry.amount > 0 ? "+\(entry.amount)" : "\(entry.amount)"
            values["notice"] = "Done, under your name: \(amount) connects (\(entry.kind.rawValue)), entry \(entry.id)."
        }
        values["canAdjust"] = (try? caller.authorize(.adjustBalance)) != nil && account.kind.holdsConnects
        values["once"] = Self.formKey()
        values["amount"] = ""
        values["reason"] = ""
        values["ticket"] = ""
        values["actionMax"] = service.supportActionMax(for: caller)
        return values
    }

    /// One entry with everything it records, and the form that reverses it.
    func consoleEntryValues(_ entryID: String, caller: Caller, session: WebSession) async throws -> [String: Any] {
        let entry = try await service.entry(entryID, by: caller)
        var values = consoleLayout(session, caller, current: "search")
        var row = try await movementValues([entry], now: now())[0]
        row["kind"] = entry.kind.rawValue
        row["amount"] = entry.amount > 0 ? "+\(entry.amount)" : "\(entry.amount)"
        row["actor"] = entry.actor
        if let reason = entry.reason { row["reason"] = reason }
        if let ticket = entry.ticket { row["ticket"] = ticket }
        if let reverses = entry.reverses { row["reverses"] = reverses }
        values["entry"] = row
        values["accountID"] = entry.accountID
        values["canReverse"] = entry.kind.isReversible && entry.amount != 0
        values["once"] = Self.formKey()
        values["reason"] = ""
        values["ticket"] = ""
        return values
    }

    /// "400 freelancers and 80 clients over 60 days": the marketplace a draft was tried on.
    static func simulationSize(_ comparison: SimulationComparison) -> String {
        let settings = comparison.reports[0].settings
        return "\(settings.freelancers) freelancers and \(settings.clients) clients over \(settings.days) days"
    }

    /// The policy in force as its document, the recent versions, and (for an admin) the form to change it.
    func consolePolicyValues(caller: Caller, session: WebSession) async throws -> [String: Any] {
        let inForce = try service.policyInForce(by: caller)
        let versions = try await store.policyVersions(limit: 20)
        var values = consoleLayout(session, caller, current: "policy")
        values["version"] = inForce.version
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        values["document"] = String(decoding: try encoder.encode(Self.encode(inForce.economy)), as: UTF8.self)
        values["canEdit"] = (try? caller.authorize(.writePolicy)) != nil
        values["versions"] = versions.map { version -> [String: Any] in
            ["version": version.version, "date": PageDate.long(version.createdAt, now: now())]
        }
        values["hasVersions"] = !versions.isEmpty
        return values
    }
}
