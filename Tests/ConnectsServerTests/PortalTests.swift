import AsyncHTTPClient
import ConnectsCore
import ConnectsServer
import ConnectsStore
import ConnectsTestSupport
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import Testing

/// The pages' way in: single-use portal links, browser sessions kept in the database, forms that carry
/// their token, and refusals that are pages.
@Suite("Signing in to the pages")
struct PortalTests {
    /// A browser: its own connection, no redirects followed, one cookie jar.
    final class Browser: @unchecked Sendable {
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        let port: Int
        var cookie: String?

        init(port: Int) { self.port = port }

        func send(_ method: HTTPMethod, _ path: String, form: String? = nil) async throws -> Reply {
            var request = HTTPClientRequest(url: "http://localhost:\(port)\(path)")
            request.method = method
            if let cookie { request.headers.add(name: "Cookie", value: cookie) }
            if let form {
                request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
                request.body = .bytes(ByteBuffer(string: form))
            }
            let response = try await client.execute(request, timeout: .seconds(60))
            if let set = response.headers["Set-Cookie"].first, let pair = set.split(separator: ";").first {
                cookie = pair.hasSuffix("=") ? nil : String(pair)
            }
            let body = try await response.body.collect(upTo: 1 << 20)
            var headers = HTTPFields()
            for header in response.headers {
                if let name = HTTPField.Name(header.name) { headers[name] = header.value }
            }
            return Reply(status: Int(response.status.code), headers: headers, body: Array(body.readableBytesView))
        }

        func close() async throws { try await client.shutdown() }
    }

    static func link(_ api: API, for account: String) async throws -> String {
        let reply = try await api.send(
            .post, "/v1/portal-sessions", body: #"{"accountId":"\#(account)","returnUrl":"https://market.example/me"}"#)
        #expect(reply.status == 201, "\(reply.text)")
        let url = reply.json["url"]?.stringValue ?? ""
        return String(url[url.range(of: "/portal/")!.lowerBound...])
    }

    @Test("a portal link signs its account in once; used again, or late, it is a clear page and no session")
    func singleUse() async throws {
        let start = Instant(millisecondsSinceEpoch: 1_767_225_600_000)
        try await ServerHarness.run(policy: .standard, clock: .test(startingAt: start)) { api, _ in
            let account = try await api.makeFreelancer()
            let link = try await Self.link(api, for: account)
            let browser = Browser(port: api.port)
            let entered = try await browser.send(.GET, link)
            #expect(entered.status == 303 && entered.headers[.location] == "/portal")
            #expect(try await browser.send(.GET, "/portal").headers[.location] == "/portal/connects")
            let setCookie = entered.headers[HTTPField.Name("Set-Cookie")!] ?? ""
            #expect(
                setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax")
                    && setCookie.split(separator: ";").contains { $0.trimmingCharacters(in: .whitespaces) == "Path=/" })
            let page = try await browser.send(.GET, "/portal/connects")
            #expect(
                page.status == 200 && page.text.contains(">50</span> connects") && page.text.contains("+40 for joining")
            )
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)

            let other = Browser(port: api.port)
            let reused = try await other.send(.GET, link)
            #expect(reused.status == 400 && reused.text.contains("This link no longer works") && other.cookie == nil)
            #expect(try await other.send(.GET, "/portal/connects").status == 401)

            let late = try await Self.link(api, for: account)
            _ = try await api.send(.post, "/v1/test-clock", body: #"{"advanceSeconds":\#(Limits.portalLinkSeconds)}"#)
            let expired = try await other.send(.GET, late)
            #expect(expired.status == 400 && other.cookie == nil)
            let unknown = try await other.send(.GET, "/portal/enter?token=cp_NOTATOKEN")
            #expect(unknown.status == 400 && !unknown.text.contains("{\""))
            try await browser.close()
            try await other.close()
        }
    }

    @Test("signing out needs the form's token; it ends the session everywhere", arguments: StoreKind.allCases)
    func signOut(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind, policy: .standard) { api, _ in
            let account = try await api.makeFreelancer()
            let browser = Browser(port: api.port)
            _ = try await browser.send(.GET, try await Self.link(api, for: account))
            let page = try await browser.send(.GET, "/portal/connects").text
            let token = try #require(page.firstMatch(of: /name="csrf" value="([A-Z0-9]+)"/)?.1)
            let session = browser.cookie

            let forged = try await browser.send(.POST, "/portal/sign-out", form: "csrf=wrong")
            #expect(forged.status == 403)
            #expect(try await browser.send(.GET, "/portal/connects").status == 200)

            let out = try await browser.send(.POST, "/portal/sign-out", form: "csrf=\(token)")
            #expect(out.status == 200 && out.text.contains("You are signed out"))
            #expect(out.text.contains("https://market.example/me"))
            // The same cookie, kept by another copy of the browser (or sent to another node): signed out.
            let copy = Browser(port: api.port)
            copy.cookie = session
            let after = try await copy.send(.GET, "/portal/connects")
            #expect(after.status == 401 && after.text.contains("You are signed out"))
            try await browser.close()
            try await copy.close()
        }
    }

    @Test("a freelancer withdraws a proposal from the page, told first that the fee stays and the boost comes back")
    func withdraw() async throws {
        try await ServerHarness.run(policy: .standard, clock: .test()) { api, _ in
            let freelancer = try await api.makeFreelancer()
            let client = try await api.makeClient()
            let job =
                try await api.send(
                    .post, "/v1/jobs",
                    body: #"{"clientId":"\#(client)","title":"Logo","budget":{"currency":"USD","minor":40000}}"#
                ).json["id"]?.stringValue ?? ""
            let sent = try await api.send(
                .post, "/v1/jobs/\(job)/proposals", body: #"{"freelancerId":"\#(freelancer)","boost":5}"#,
                idempotencyKey: UUID().uuidString)
            #expect(sent.status == 201)
            #expect(try await api.available(freelancer) == 41)
            let browser = Browser(port: api.port)
            _ = try await browser.send(.GET, try await Self.link(api, for: freelancer))
            let page = try await browser.send(.GET, "/portal/proposals")
            #expect(
                page.text.contains("Withdrawing keeps the 4 connects you paid")
                    && page.text.contains("frees the boost of 5"))
            let id = try #require(sent.json["id"]?.stringValue)
            let fields = try StaffConsoleTests.formFields(page.text)
            let withdrawn = try await browser.send(.POST, "/portal/proposals/\(id)/withdraw", form: fields)
            #expect(withdrawn.status == 303)
            let after = try await browser.send(.GET, try #require(withdrawn.headers[.location]))
            #expect(after.text.contains("Your proposal is withdrawn.") && !after.text.contains("/withdraw\""))
            // The fee stays, the boost is free again.
            #expect(try await api.available(freelancer) == 46)
            try await browser.close()
        }
    }

    @Test("the charts are drawn from the account's own history: the balance each day, and what expires when")
    func charts() async throws {
        let start = Instant(millisecondsSinceEpoch: 1_767_225_600_000)
        try await ServerHarness.run(policy: .standard, clock: .test(startingAt: start)) { api, _ in
            let account = try await api.makeFreelancer()
            _ = try await api.send(.post, "/v1/test-clock", body: #"{"advanceSeconds":172800}"#)
            try await api.adjust(account, 25)
            _ = try await api.send(.post, "/v1/test-clock", body: #"{"advanceSeconds":172800}"#)
            let browser = Browser(port: api.port)
            _ = try await browser.send(.GET, try await Self.link(api, for: account))
            let balance = try await browser.send(.GET, "/portal/charts/balance.svg?period=7")
            #expect(balance.status == 200 && balance.headers[.contentType] == "image/svg+xml")
            // 50 on joining, 75 after the adjustment: the top of the axis is the highest balance.
            #expect(balance.text.contains(">75</text>") && balance.text.contains("<polyline"))
            #expect(!balance.text.contains(">76</text>"))
            let expiring = try await browser.send(.GET, "/portal/charts/expiring.svg")
            // Nothing expires within the year's first 30-day periods; all 75 in the last one.
            #expect(expiring.status == 200 && expiring.text.contains(">75</text>"))
            #expect(expiring.text.components(separatedBy: "<rect").count == 14)
            let other = Browser(port: api.port)
            #expect(try await other.send(.GET, "/portal/charts/balance.svg").status == 401)
            try await browser.close()
            try await other.close()
        }
    }

    @Test("the history's CSV holds exactly the rows the page shows, with the page's filters")
    func historyCSV() async throws {
        try await ServerHarness.run(policy: .standard) { api, _ in
            let account = try await api.makeFreelancer()
            for amount in [5, -3, 7] { try await api.adjust(account, Int64(amount), reason: "check \(amount)") }
            let browser = Browser(port: api.port)
            _ = try await browser.send(.GET, try await Self.link(api, for: account))
            let page = try await browser.send(.GET, "/portal/history?period=7&kind=adjustment").text
            let shown = page.matches(of: /<code>(ent_[0-9A-Z]+)<\/code>/).map { String($0.1) }
            #expect(shown.count == 3)
            #expect(page.contains("+7 from support: check 7") && page.contains("-3 from support: check -3"))
            let csv = try await browser.send(.GET, "/portal/history.csv?period=7&kind=adjustment")
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            let lines = csv.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            let rows = lines.dropFirst().map { String($0.prefix { $0 != "," }) }
            #expect(rows == shown)
            let bad = try await browser.send(.GET, "/portal/history?period=custom&since=someday")
            #expect(bad.status == 200 && bad.text.contains("Dates are written like 2026-03-14."))
            try await browser.close()
        }
    }

    @Test("a freelancer's session cannot open a client's job page or post a job: refusals are pages")
    func clientPagesAreTheClients() async throws {
        try await ServerHarness.run(policy: .standard) { api, _ in
            let freelancer = try await api.makeFreelancer()
            let client = try await api.makeClient()
            let job =
                try await api.send(.post, "/v1/jobs", body: #"{"clientId":"\#(client)","title":"Logo"}"#)
                .json["id"]?.stringValue ?? ""
            let browser = Browser(port: api.port)
            _ = try await browser.send(.GET, try await Self.link(api, for: freelancer))
            let page = try await browser.send(.GET, "/portal/my-jobs/\(job)")
            #expect(page.status == 404 && page.text.contains("This page is not yours to see"))
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            let posting = try await browser.send(.GET, "/portal/post-job")
            #expect(posting.status == 403 && !posting.text.contains("{\""))
            #expect(try await browser.send(.GET, "/portal").headers[.location] == "/portal/connects")
            let owner = Browser(port: api.port)
            _ = try await owner.send(.GET, try await Self.link(api, for: client))
            #expect(try await owner.send(.GET, "/portal").headers[.location] == "/portal/my-jobs")
            #expect(try await owner.send(.GET, "/portal/my-jobs/\(job)").status == 200)
            try await browser.close()
            try await owner.close()
        }
    }

    @Test("the pages name no other account: a client's link shows the client's page, not a freelancer's")
    func ownAccountOnly() async throws {
        try await ServerHarness.run(policy: .standard) { api, _ in
            let freelancer = try await api.makeFreelancer()
            let client = try await api.makeClient()
            let browser = Browser(port: api.port)
            _ = try await browser.send(.GET, try await Self.link(api, for: client))
            let page = try await browser.send(.GET, "/portal/connects")
            #expect(page.status == 200 && page.text.contains("Clients do not use connects"))
            #expect(!page.text.contains(freelancer))
            let unknown = try await api.send(.post, "/v1/portal-sessions", body: #"{"accountId":"acct_missing"}"#)
            #expect(unknown.status == 404)
            let badReturn = try await api.send(
                .post, "/v1/portal-sessions", body: #"{"accountId":"\#(client)","returnUrl":"javascript:alert(1)"}"#)
            #expect(badReturn.status == 422)
            try await browser.close()
        }
    }
}
