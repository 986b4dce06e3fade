import ConnectsCore
import ConnectsStore
import Foundation
import HTTPTypes
import Hummingbird

extension ConnectsApp {
    /// The freelancer's and client's pages under `/portal`, entered through single-use links that the
    /// marketplace makes with `POST /v1/portal-sessions`, and the demo's front page.
    func addPortalRoutes(to table: inout RouteTable) {
        table.on(.post, "/v1/portal-sessions", .createPortalSession) { request, context in
            let (body, _) = try await Self.readObject(request)
            let accountID = try body.string("accountId")!
            let returnURL = try body.string("returnUrl", required: false, maxLength: Limits.webhookURLLengthMax)
            let (token, expiresAt) = try await service.createPortalLink(
                for: accountID, returnURL: returnURL, by: context.requireCaller())
            let url = publicURL(of: request) + "/portal/enter?token=" + token
            return Self.json(.object(["url": .string(url), "expiresAt": .time(expiresAt)]), status: 201)
        }

        table.on(.get, "/portal/style.css", nil) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: pages.stylesheet)))
        }

        table.on(.get, "/portal/enter", nil) { request, _ in
            guard let token = request.uri.queryParameters["token"].map(String.init),
                let (secret, _) = try await service.enterPortal(token: token)
            else {
                return pages.message(
                    "This link no longer works",
                    "A sign-in link works once and for a few minutes. Open your connects again from the marketplace.",
                    status: .badRequest)
            }
            var response = Response(status: .seeOther, headers: [.location: "/portal"])
            response.setCookie(sessionCookie(secret, request))
            return response
        }

        table.on(.get, "/portal/connects", .readAccount) { request, context in
            let (caller, session, accountID) = try Self.signedIn(context)
            let snapshot = try await service.account(accountID, by: caller)
            let recent = try await service.entries(
                of: accountID, matching: EntryQuery(limit: 5), by: caller)
            var values = try await connectsPage(snapshot, recent: recent.items, session: session, caller: caller)
            if let bought = request.uri.queryParameters["bought"].flatMap({ Int64($0) }) {
                values["notice"] = "\(bought) connects bought."
            }
            return pages.page("connects", values)
        }

        table.on(.get, "/portal/history", .readAccount) { request, context in
            let (caller, session, accountID) = try Self.signedIn(context)
            let filters = HistoryFilters(request.uri.queryParameters, now: now())
            let page = try await service.entries(of: accountID, matching: filters.query, by: caller)
            return pages.page(
                "history", try await historyPage(page, filters: filters, session: session, caller: caller))
        }

        table.on(.get, "/portal/history.csv", .readAccount) { request, context in
            let (caller, _, accountID) = try Self.signedIn(context)
            let filters = HistoryFilters(request.uri.queryParameters, now: now())
            let page = try await service.entries(of: accountID, matching: filters.query, by: caller)
            var text = Representation.csvHeader
            for entry in page.items { Representation.appendCSVRow(entry, to: &text) }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8",
                    .contentDisposition: "attachment; filename=\"connects-history.csv\"", .cacheControl: "no-store",
                ],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }

        table.on(.post, "/portal/sign-out", .signOut) { request, context in
            guard let session = context.webSession else {
                throw ConnectsError(.unauthenticated, "sign in through the marketplace")
            }
            let form = try await Self.readForm(request)
            // A form without its session's token was not sent from these pages (or is from an older
            // session): nothing changes.
            guard form["csrf"] == session.csrfToken else { return formOutOfDate(session) }
            try await service.signOut(session)
            var response = pages.message(
                "You are signed out", "You can close this page.", status: .ok, returnURL: session.returnURL)
            response.setCookie(sessionCookie("", request))
            return response
        }

        addFreelancerPages(to: &table)
        addNotificationPages(to: &table)
        addBuyPages(to: &table)
        addChartPages(to: &table)
        addClientPages(to: &table)

        table.on(.get, "/portal", nil) { _, context in
            // A client's pages are their jobs; everyone else's, their connects.
            let home = context.caller?.role == .client ? "/portal/my-jobs" : "/portal/connects"
            return Response(status: .seeOther, headers: [.location: home])
        }

        addConsolePages(to: &table)

        guard configuration.isDemo else {
            // A real deployment's front page is the staff's sign-in: freelancers and clients enter
            // through the marketplace.
            table.on(.get, "/", nil) { request, context in
                if context.webSession?.staffName != nil {
                    return Response(status: .seeOther, headers: [.location: "/console"])
                }
                return signInPage(["name": ""], request)
            }
            return
        }
        table.on(.get, "/", nil) { _, _ in
            pages.page("demo", try await demoPage())
        }
        table.on(.post, "/demo/enter", nil) { request, _ in
            // Only with --demo: anyone may enter as a demo account or demo staff member, which is the
            // point of the demo.
            let form = try await Self.readForm(request)
            if let name = form["staff"], DemoMarketplace.staff.contains(where: { $0.name == name }) {
                let secret = APIKey.makeSecret(prefix: "cs_")
                _ = try await service.openSession(forStaff: name, secret: secret)
                var response = Response(status: .seeOther, headers: [.location: "/console"])
                response.setCookie(sessionCookie(secret, request))
                return response
            }
            guard let accountID = form["account"],
                let account = try await store.account(id: accountID), account.externalID.hasPrefix("demo-")
            else { throw ConnectsError(.notFound, "no demo account") }
            let operatorCaller = Caller(keyID: "demo", role: .service, accountID: nil)
            let (token, _) = try await service.createPortalLink(for: accountID, returnURL: nil, by: operatorCaller)
            return Response(status: .seeOther, headers: [.location: "/portal/enter?token=" + token])
        }
    }

    /// The signed-in caller, session and account of a portal page's request; `unauthenticated` when
    /// signed out, `forbidden` for a staff member (the portal shows one's own account).
    static func signedIn(
        _ context: ConnectsRequestContext
    ) throws(ConnectsError) -> (Caller, WebSession, accountID: String) {
        guard let caller = context.caller, let session = context.webSession else {
            throw ConnectsError(.unauthenticated, "sign in through the marketplace")
        }
        guard let accountID = session.accountID else {
            throw ConnectsError(.forbidden, "the portal shows a freelancer's or client's own account")
        }
        return (caller, session, accountID)
    }

    /// The session cookie carrying `secret` (empty: the cookie that signs the browser out). Its path
    /// is the whole site, so that a freelancer who opens the console is known, and refused.
    func sessionCookie(_ secret: String, _ request: Request) -> Cookie {
        Cookie(
            name: WebSessionMiddleware.cookieName, value: secret,
            maxAge: secret.isEmpty ? 0 : Int(Limits.webSessionSeconds), path: "/", secure: isSecure(request),
            httpOnly: true, sameSite: .lax)
    }

    /// The fields of a posted HTML form (`application/x-www-form-urlencoded`), up to the body limit.
    static func readForm(_ request: Request) async throws -> [String: String] {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Limits.requestBodyBytesMax)
        } catch {
            throw ConnectsError(.payloadTooLarge, "the form is over 64 KiB")
        }
        var fields: [String: String] = [:]
        for pair in String(buffer: buffer).split(separator: "&").prefix(100) {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        return fields
    }

    /// Whether the browser reached the server over TLS (directly, by the configuration, or as a proxy
    /// in front of it says): the session cookie is then sent over TLS only.
    func isSecure(_ request: Request) -> Bool {
        configuration.secureCookies || request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https"
    }

    /// Where browsers reach this server: the configured public URL, or the address the request came to.
    func publicURL(of request: Request) -> String {
        if let configured = configuration.publicURL { return configured }
        let host = request.head.authority ?? "\(configuration.host):\(configuration.port)"
        return (isSecure(request) ? "https://" : "http://") + host
    }
}
