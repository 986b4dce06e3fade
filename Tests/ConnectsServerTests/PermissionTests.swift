import ConnectsCore
import ConnectsServer
import ConnectsStore
import ConnectsTestSupport
import Foundation
import HTTPTypes
import NIOHTTP1
import Testing

@Suite("Who may call each route")
struct PermissionTests {
    /// The authorization table of the API, as the service layer enforces it: every route, the action it
    /// takes, and the roles that may take it (`(own)`: a key bound to an account, for that account only).
    /// A change to who may do what changes this text on purpose.
    static let expected = """
        GET /healthz  public
        GET /readyz  public
        GET /metrics  public
        GET /openapi.json  public
        POST /v1/keys  keys.issue  admin
        GET /v1/keys  keys.manage  admin
        DELETE /v1/keys/{id}  keys.manage  admin
        POST /v1/accounts  accounts.create  admin, service
        GET /v1/accounts  accounts.find  admin, service, support
        GET /v1/accounts/{id}  accounts.read  admin, service, support, freelancer (own), client (own)
        POST /v1/accounts/{id}/close  accounts.close  admin, service
        PUT /v1/accounts/{id}/plan  accounts.changePlan  admin, service
        GET /v1/accounts/{id}/balance  accounts.read  admin, service, support, freelancer (own), client (own)
        GET /v1/accounts/{id}/lots  accounts.read  admin, service, support, freelancer (own), client (own)
        POST /v1/accounts/{id}/members  accounts.manageMembers  admin, service
        DELETE /v1/accounts/{id}/members/{freelancerId}  accounts.manageMembers  admin, service
        GET /v1/accounts/{id}/entries  accounts.read  admin, service, support, freelancer (own), client (own)
        GET /v1/entries/{id}  ledger.readEntry  admin, service, support, freelancer (own), client (own)
        POST /v1/accounts/{id}/adjustments  ledger.adjust  admin, service, support
        POST /v1/entries/{id}/reverse  ledger.reverse  admin, service, support
        GET /v1/policy  economy.readPolicy  admin, service, support
        PUT /v1/policy  economy.writePolicy  admin
        GET /v1/bundles  economy.readCatalog  admin, service, support, freelancer, client
        POST /v1/accounts/{id}/purchases  economy.purchase  admin, service
        GET /v1/rewards  economy.readCatalog  admin, service, support, freelancer, client
        POST /v1/accounts/{id}/rewards  economy.reward  admin, service
        POST /v1/accounts/{id}/promo-codes/{code}/redeem  economy.redeemPromoCode  admin, service, freelancer (own)
        GET /v1/test-clock  operations.testClock  admin, service
        POST /v1/test-clock  operations.testClock  admin, service
        POST /v1/jobs  jobs.post  admin, service, client (own)
        GET /v1/jobs  jobs.read  admin, service, support, freelancer, client
        GET /v1/jobs/{id}  jobs.read  admin, service, support, freelancer, client
        PATCH /v1/jobs/{id}  jobs.update  admin, service, client (own)
        POST /v1/jobs/{id}/invitations  jobs.invite  admin, service, client (own)
        POST /v1/jobs/{id}/hire  jobs.decide  admin, service, client (own)
        POST /v1/jobs/{id}/close  jobs.decide  admin, service, client (own)
        POST /v1/jobs/{id}/remove  jobs.remove  admin, service, support
        POST /v1/jobs/{id}/proposals  proposals.submit  admin, service, freelancer (own)
        GET /v1/jobs/{id}/proposals  jobs.readProposals  admin, service, support, freelancer (own), client (own)
        GET /v1/jobs/{id}/bids  jobs.read  admin, service, support, freelancer, client
        POST /v1/proposals/{id}/view  jobs.decide  admin, service, client (own)
        POST /v1/proposals/{id}/decline  jobs.decide  admin, service, client (own)
        POST /v1/proposals/{id}/withdraw  proposals.withdraw  admin, service, freelancer (own)
        GET /v1/proposals/{id}  jobs.readProposals  admin, service, support, freelancer (own), client (own)
        GET /v1/accounts/{id}/proposals  accounts.read  admin, service, support, freelancer (own), client (own)
        GET /v1/accounts/{id}/notifications  accounts.read  admin, service, support, freelancer (own), client (own)
        POST /v1/accounts/{id}/notifications/read  accounts.markNotificationsRead  admin, service, freelancer (own), client (own)
        POST /v1/webhooks  events.manageWebhooks  admin, service
        GET /v1/webhooks  events.manageWebhooks  admin, service
        GET /v1/webhooks/{id}/deliveries  events.manageWebhooks  admin, service
        POST /v1/webhooks/{id}/deliveries/{eventId}/resend  events.manageWebhooks  admin, service
        POST /v1/webhooks/{id}/rotate-secret  events.manageWebhooks  admin, service
        DELETE /v1/webhooks/{id}  events.manageWebhooks  admin, service
        POST /v1/portal-sessions  portal.createSession  admin, service
        GET /portal/style.css  public
        GET /portal/enter  public
        GET /portal/connects  accounts.read  admin, service, support, freelancer (own), client (own)
        GET /portal/history  accounts.read  admin, service, support, freelancer (own), client (own)
        GET /portal/history.csv  accounts.read  admin, service, support, freelancer (own), client (own)
        POST /portal/sign-out  portal.signOut  admin, support, freelancer (own), client (own)
        GET /portal/jobs  jobs.read  admin, service, support, freelancer, client
        GET /portal/jobs/{id}  jobs.read  admin, service, support, freelancer, client
        POST /portal/jobs/{id}/proposals  proposals.submit  admin, service, freelancer (own)
        GET /portal/proposals  accounts.read  admin, service, support, freelancer (own), client (own)
        POST /portal/proposals/{id}/withdraw  proposals.withdraw  admin, service, freelancer (own)
        GET /portal/notifications  accounts.read  admin, service, support, freelancer (own), client (own)
        POST /portal/notifications/read  accounts.markNotificationsRead  admin, service, freelancer (own), client (own)
        GET /portal/buy  accounts.read  admin, service, support, freelancer (own), client (own)
        GET /portal/plan  accounts.read  admin, service, support, freelancer (own), client (own)
        POST /demo/buy  public
        POST /demo/plan  public
        GET /portal/charts/balance.svg  accounts.read  admin, service, support, freelancer (own), client (own)
        GET /portal/charts/expiring.svg  accounts.read  admin, service, support, freelancer (own), client (own)
        GET /portal/my-jobs  accounts.read  admin, service, support, freelancer (own), client (own)
        GET /portal/post-job  jobs.post  admin, service, client (own)
        POST /portal/post-job  jobs.post  admin, service, client (own)
        GET /portal/my-jobs/{id}  jobs.readProposals  admin, service, support, freelancer (own), client (own)
        POST /portal/my-proposals/{id}/view  jobs.decide  admin, service, client (own)
        POST /portal/my-proposals/{id}/decline  jobs.decide  admin, service, client (own)
        POST /portal/my-jobs/{id}/hire  jobs.decide  admin, service, client (own)
        POST /portal/my-jobs/{id}/close  jobs.decide  admin, service, client (own)
        GET /portal  public
        GET /sign-in  public
        POST /sign-in  public
        GET /console  console.use  admin, service, support
        GET /console/accounts/{id}  console.use  admin, service, support
        POST /console/accounts/{id}/adjustments  ledger.adjust  admin, service, support
        GET /console/entries/{id}  console.use  admin, service, support
        POST /console/entries/{id}/reverse  ledger.reverse  admin, service, support
        GET /console/policy  economy.readPolicy  admin, service, support
        POST /console/policy  economy.writePolicy  admin
        GET /  public
        POST /demo/enter  public
        """

    @Test("every route takes one action, and the roles of each are the table above")
    func table() async throws {
        try await withTestDatabase(.sqlite) { database in
            let table = routePermissions(store: database.store)
            #expect(table.joined(separator: "\n") == Self.expected)
            #expect(Set(table.map { $0.split(separator: " ").prefix(2).joined(separator: " ") }).count == table.count)
        }
    }

    @Test(
        "every route refuses each caller the table leaves out, changes nothing, and hides other accounts",
        arguments: StoreKind.allCases)
    func refusals(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind) { api, database in
            let world = try await World.make(api)
            // An admin key, revoked: it opens nothing, as no key opens nothing.
            let revokedKey = try await api.makeKey(role: "admin")
            let keys = try await api.send(.get, "/v1/keys").json["data"]?.arrayValue ?? []
            let revokedID = try #require(keys.last { $0["role"]?.stringValue == "admin" }?["id"]?.stringValue)
            #expect(try await api.send(.delete, "/v1/keys/\(revokedID)").status == 200)
            let before = try await world.state(api)
            var checked = 0
            for line in routePermissions(store: database.store) {
                let parts = line.components(separatedBy: "  ")
                guard parts.count == 3 else { continue }  // the public operations routes
                let route = parts[0].split(separator: " ", maxSplits: 1)
                // The pages take a session, not a key: `PortalTests` signs in to them.
                guard route[1].hasPrefix("/v1/") else { continue }
                let method = HTTPRequest.Method(rawValue: String(route[0]))!
                let path = world.fill(String(route[1]))
                let allowed = parts[2].components(separatedBy: ", ")
                for key in [nil, revokedKey] {
                    let reply = try await api.send(
                        method, path, body: world.body(for: parts[0]), key: key, idempotencyKey: UUID().uuidString)
                    #expect(
                        reply.status == 401, "\(key == nil ? "no key" : "a revoked key") \(parts[0]): \(reply.status)")
                }
                for (role, key) in world.strangers where !allowed.contains(role) {
                    let reply = try await api.send(
                        method, path, body: world.body(for: parts[0]), key: key, idempotencyKey: UUID().uuidString)
                    // A key that acts for its own account only is forbidden another's, or told it does not
                    // exist where even that would reveal something; a role the table leaves out, forbidden.
                    let expected: Set<Int> = allowed.contains("\(role) (own)") ? [403, 404] : [403]
                    #expect(expected.contains(reply.status), "\(role) \(parts[0]): \(reply.status) \(reply.text)")
                    checked += 1
                }
            }
            #expect(checked > 60)
            #expect(try await world.state(api) == before)
        }
    }
}

extension PermissionTests {
    @Test(
        "a client posts and renames its own jobs, but a job's connect cost is the operator's to set",
        arguments: StoreKind.allCases)
    func connectCostIsTheOperators(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind) { api, _ in
            let client = try await api.makeClient()
            let key = try await api.makeKey(role: "client", accountID: client)
            let free = try await api.send(
                .post, "/v1/jobs", body: #"{"clientId":"\#(client)","title":"Logo","connectCost":0}"#, key: key)
            #expect(free.status == 403 && free.code == "forbidden")
            let posted = try await api.send(
                .post, "/v1/jobs", body: #"{"clientId":"\#(client)","title":"Logo"}"#, key: key)
            #expect(posted.status == 201 && posted.json["connectCost"]?.intValue == 4)
            let job = posted.json["id"]?.stringValue ?? ""
            let patched = try await api.send(.patch, "/v1/jobs/\(job)", body: #"{"connectCost":0}"#, key: key)
            #expect(patched.status == 403)
            let renamed = try await api.send(.patch, "/v1/jobs/\(job)", body: #"{"title":"Logo, round"}"#, key: key)
            #expect(renamed.status == 200 && renamed.json["title"]?.stringValue == "Logo, round")
            let byOperator = try await api.send(.patch, "/v1/jobs/\(job)", body: #"{"connectCost":0}"#)
            #expect(byOperator.status == 200 && byOperator.json["connectCost"]?.intValue == 0)
        }
    }
}

extension PermissionTests {
    @Test(
        "every page refuses each signed-in caller the table leaves out, and anyone signed out, with a page; nothing changes"
    )
    func pageRefusals() async throws {
        try await ServerHarness.run(policy: .standard) { api, database in
            let world = try await World.make(api)
            // Browsers signed in as a freelancer and a client who own nothing of the world, a support
            // agent and an admin of the console, and one signed in as nobody.
            try await StaffAccounts.add(
                name: "sam", role: .support, password: StaffConsoleTests.password, replacing: false,
                to: database.store, now: ServerClock.systemNow())
            try await StaffAccounts.add(
                name: "ada", role: .admin, password: StaffConsoleTests.password, replacing: false,
                to: database.store, now: ServerClock.systemNow())
            var callers: [(role: String, browser: PortalTests.Browser, fields: String)] = []
            for kind in ["freelancer", "client"] {
                let account =
                    try await api.send(.post, "/v1/accounts", body: #"{"externalId":"\#(UUID())","kind":"\#(kind)"}"#)
                    .json["id"]?.stringValue ?? ""
                let browser = PortalTests.Browser(port: api.port)
                _ = try await browser.send(.GET, try await PortalTests.link(api, for: account))
                callers.append(
                    (kind, browser, Self.formFields(try await browser.send(.GET, "/portal/notifications").text)))
            }
            for (name, role) in [("sam", "support"), ("ada", "admin")] {
                let browser = PortalTests.Browser(port: api.port)
                #expect(try await StaffConsoleTests.signIn(browser, name).status == 303)
                callers.append((role, browser, Self.formFields(try await browser.send(.GET, "/console").text)))
            }
            let nobody = PortalTests.Browser(port: api.port)
            let before = try await world.state(api)
            var checked = 0
            for line in routePermissions(store: database.store) {
                let parts = line.components(separatedBy: "  ")
                guard parts.count == 3, !parts[0].contains(" /v1/") else { continue }
                let route = parts[0].split(separator: " ", maxSplits: 1)
                let method = HTTPMethod(rawValue: String(route[0]))
                let path = world.fillPage(String(route[1]))
                let allowed = parts[2].components(separatedBy: ", ")
                let signedOut = try await nobody.send(method, path, form: method == .POST ? "" : nil)
                #expect([303, 401, 403].contains(signedOut.status), "signed out \(parts[0]): \(signedOut.status)")
                checked += 1
                for caller in callers {
                    // "(own)" is the signed-in account: every page without an id, and a proposal sent
                    // from a job's page, are the caller's own; the world's objects are not.
                    let isOwn = path == String(route[1]) || parts[0] == "POST /portal/jobs/{id}/proposals"
                    let names = isOwn ? [caller.role, "\(caller.role) (own)"] : [caller.role]
                    guard !allowed.contains(where: names.contains) else { continue }
                    // A form of the caller's session with a key of its own: refused for who asks, not as
                    // a form out of date.
                    let form = caller.fields + "&once=\(UUID().uuidString.replacingOccurrences(of: "-", with: ""))"
                    let reply = try await caller.browser.send(method, path, form: method == .POST ? form : nil)
                    let expected: Set<Int> = allowed.contains("\(caller.role) (own)") ? [403, 404] : [403]
                    #expect(expected.contains(reply.status), "\(caller.role) \(parts[0]): \(reply.status)")
                    #expect(!reply.text.contains("This form is out of date"), "\(caller.role) \(parts[0])")
                    #expect(reply.headers[.contentType]?.hasPrefix("text/html") == true, "\(caller.role) \(parts[0])")
                    checked += 1
                }
            }
            #expect(checked > 60, "\(checked)")
            #expect(try await world.state(api) == before)
            for caller in callers { try await caller.browser.close() }
            try await nobody.close()
        }
    }

    /// The fields of a form on `page`: its session's token, and what the forms of the pages ask for.
    private static func formFields(_ page: String) -> String {
        let csrf = page.firstMatch(of: /name="csrf" value="([A-Z0-9]+)"/)?.1 ?? ""
        return "csrf=\(csrf)&reason=matrix&ticket=T-1&amount=1&title=Logo&proposal=x"
    }
}

/// A small marketplace to call every route on: a freelancer with a proposal on a client's job, an entry,
/// a webhook, and keys of callers who own none of it.
private struct World {
    var freelancer: String
    var client: String
    var job: String
    var proposal: String
    var entry: String
    var webhook: String
    /// Keys of a support agent, and of a freelancer and a client who own nothing here.
    var strangers: [(role: String, key: String)]

    static func make(_ api: API) async throws -> World {
        let freelancer = try await api.makeFreelancer()
        let entry = try await api.adjust(freelancer, 50).json["id"]?.stringValue ?? ""
        let client = try await api.makeClient()
        let job =
            try await api.send(.post, "/v1/jobs", body: #"{"clientId":"\#(client)","title":"Logo"}"#)
            .json["id"]?.stringValue ?? ""
        let proposal =
            try await api.send(
                .post, "/v1/jobs/\(job)/proposals", body: #"{"freelancerId":"\#(freelancer)"}"#,
                idempotencyKey: UUID().uuidString
            ).json["id"]?.stringValue ?? ""
        let webhook =
            try await api.send(
                .post, "/v1/webhooks", body: #"{"url":"http://127.0.0.1:9/hook","events":["*"]}"#
            ).json["id"]?.stringValue ?? ""
        let otherFreelancer = try await api.makeFreelancer()
        let otherClient = try await api.makeClient()
        let strangers = [
            ("support", try await api.makeKey(role: "support")),
            ("freelancer", try await api.makeKey(role: "freelancer", accountID: otherFreelancer)),
            ("client", try await api.makeKey(role: "client", accountID: otherClient)),
        ]
        for id in [freelancer, entry, client, job, proposal, webhook] { #expect(!id.isEmpty) }
        return World(
            freelancer: freelancer, client: client, job: job, proposal: proposal, entry: entry, webhook: webhook,
            strangers: strangers)
    }

    /// The path with its parameters naming this world's objects.
    func fill(_ path: String) -> String {
        let id: String
        switch path.split(separator: "/").dropFirst().first {
        case "jobs": id = job
        case "proposals": id = proposal
        case "entries": id = entry
        case "webhooks": id = webhook
        default: id = freelancer
        }
        return path.replacingOccurrences(of: "{id}", with: id)
            .replacingOccurrences(of: "{freelancerId}", with: freelancer)
            .replacingOccurrences(of: "{code}", with: "WELCOME")
    }

    /// A page's path with its parameters naming this world's objects.
    func fillPage(_ path: String) -> String {
        let id: String
        switch path.split(separator: "/").dropFirst().first {
        case "jobs", "my-jobs": id = job
        case "proposals", "my-proposals": id = proposal
        case "entries": id = entry
        default: id = freelancer
        }
        return path.replacingOccurrences(of: "{id}", with: id)
    }

    /// A body the route would accept from its owner, so that a refusal comes from who calls, not from
    /// what is sent.
    func body(for route: String) -> String {
        switch route {
        case "POST /v1/jobs": return #"{"clientId":"\#(client)","title":"Logo"}"#
        case "PATCH /v1/jobs/{id}": return #"{"title":"Logo, again"}"#
        case "POST /v1/jobs/{id}/invitations", "POST /v1/jobs/{id}/proposals":
            return #"{"freelancerId":"\#(freelancer)"}"#
        case "POST /v1/jobs/{id}/hire": return #"{"proposalId":"\#(proposal)"}"#
        case "POST /v1/jobs/{id}/close": return #"{"reason":"no_hire"}"#
        default: return "{}"
        }
    }

    /// What a refused request must not change: the freelancer's balance, the job, the proposal.
    func state(_ api: API) async throws -> [String] {
        [
            try await api.send(.get, "/v1/accounts/\(freelancer)").text,
            try await api.send(.get, "/v1/jobs/\(job)").text,
            try await api.send(.get, "/v1/proposals/\(proposal)").text,
            try await api.send(.get, "/v1/webhooks").text,
        ]
    }
}
