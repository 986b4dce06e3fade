import ConnectsCore
import ConnectsServer
import ConnectsStore
import ConnectsTestSupport
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// A real HTTP server that receives webhooks, checks their Standard Webhooks signatures, and can be
/// told to fail the first deliveries.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        var id: String
        var type: String
        var accountID: String
        var isSignatureValid: Bool
    }

    let state = Mutex((received: [Received](), failuresLeft: 0, secret: ""))

    var received: [Received] { state.withLock { $0.received } }

    func failNext(_ count: Int) { state.withLock { $0.failuresLeft = count } }

    func use(secret: String) { state.withLock { $0.secret = secret } }

    /// Verifies `v1,<base64 HMAC-SHA256(key, "id.timestamp.body")>` as a Standard Webhooks library does.
    static func verify(secret: String, id: String, timestamp: String, body: Data, signature: String) -> Bool {
        guard secret.hasPrefix("whsec_"), let key = Data(base64Encoded: String(secret.dropFirst(6))) else {
            return false
        }
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("\(id).\(timestamp).".utf8) + body, using: SymmetricKey(data: key)
        )
        return signature.split(separator: " ").contains { $0 == "v1," + Data(mac).base64EncodedString() }
    }

    func application() -> some ApplicationProtocol {
        let router = Router()
        router.post("/hook") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            let data = Data(buffer: body)
            let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            return self.state.withLock { state -> HTTPResponse.Status in
                if state.failuresLeft > 0 {
                    state.failuresLeft -= 1
                    return .serviceUnavailable
                }
                let id = request.headers[HTTPField.Name("webhook-id")!] ?? ""
                let valid = Self.verify(
                    secret: state.secret, id: id,
                    timestamp: request.headers[HTTPField.Name("webhook-timestamp")!] ?? "",
                    body: data, signature: request.headers[HTTPField.Name("webhook-signature")!] ?? ""
                )
                state.received.append(
                    Received(
                        id: id, type: json["type"] as? String ?? "", accountID: json["accountId"] as? String ?? "",
                        isSignatureValid: valid)
                )
                return .noContent
            }
        }
        // A target that sends the delivery elsewhere: a delivery must not follow it.
        router.post("/redirect") { _, _ -> Response in
            Response(status: .temporaryRedirect, headers: [.location: "/hook"])
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }
}

@Suite("Events, notifications and webhooks")
struct WebhookTests {
    @Test(
        "webhooks arrive signed, in order per account, and failed deliveries are retried with backoff",
        arguments: StoreKind.allCases)
    func deliveries(_ kind: StoreKind) async throws {
        let receiver = WebhookReceiver()
        try await receiver.application().test(.live) { hook in
            let url = "http://127.0.0.1:\(hook.port!)/hook"
            try await ServerHarness.run(on: kind, policy: .standard, clock: .test(startingAt: JobScenarioTests.start)) {
                api, _ in
                let created = try await api.send(.post, "/v1/webhooks", body: #"{"url":"\#(url)","events":["*"]}"#)
                #expect(created.status == 201)
                let secret = created.json["secret"]?.stringValue ?? ""
                #expect(secret.hasPrefix("whsec_"))
                receiver.use(secret: secret)
                #expect(try await api.send(.get, "/v1/webhooks").json["data"]?.arrayValue?.first?["secret"] == nil)

                receiver.failNext(2)
                let market = try await Market(api: api)
                let alice = try await market.freelancer()
                let job = try await market.postJob(budgetMinor: 1_000)
                _ = try await market.submit(job, alice)
                _ = try await api.send(.post, "/v1/jobs/\(job)/close", body: #"{"reason":"no_hire"}"#)
                // Deliveries are due now, retried after 1 s and 2 s: advancing the clock runs them.
                for _ in 0..<4 { _ = try await api.send(.post, "/v1/test-clock", body: #"{"advanceSeconds":5}"#) }
                let aliceEvents = receiver.received.filter { $0.accountID == alice }.map(\.type)
                #expect(
                    aliceEvents == ["connects.rewarded", "connects.granted", "proposal.submitted", "connects.returned"])
                #expect(receiver.received.contains { $0.type == "job.closed" && $0.accountID == market.client })
                #expect(receiver.received.allSatisfy { $0.isSignatureValid })
                #expect(Set(receiver.received.map(\.id)).count == receiver.received.count)

                let feed =
                    try await api.send(.get, "/v1/accounts/\(alice)/notifications").json["data"]?.arrayValue ?? []
                #expect(feed.compactMap { $0["type"]?.stringValue }.reversed() == aliceEvents)
                #expect(feed.first?["data"]?["rule"]?.stringValue == "returns.jobClosedWithoutHire")

                let webhookID = created.json["id"]?.stringValue ?? ""
                #expect(try await api.send(.delete, "/v1/webhooks/\(webhookID)").status == 204)
                #expect(try await api.send(.delete, "/v1/webhooks/\(webhookID)").status == 404)
            }
        }
    }

    @Test(
        "webhooks may not target this machine or private networks, checked again at delivery; no redirect is followed")
    func privateTargets() async throws {
        let receiver = WebhookReceiver()
        try await receiver.application().test(.live) { hook in
            let start = JobScenarioTests.start
            try await ServerHarness.run(
                policy: .standard, clock: .test(startingAt: start), allowsPrivateWebhookTargets: false
            ) {
                api, database in
                for url in [
                    "http://127.0.0.1:\(hook.port!)/hook", "http://localhost/hook", "http://10.1.2.3/hook",
                    "http://169.254.169.254/latest/meta-data", "http://[::1]/hook", "http://[fd00:ec2::254]/",
                    "http://100.64.0.1/", "http://[::ffff:127.0.0.1]/", "http://192.168.1.10/", "http://0.0.0.0/",
                ] {
                    let refused = try await api.send(.post, "/v1/webhooks", body: #"{"url":"\#(url)","events":["*"]}"#)
                    #expect(
                        refused.status == 422 && refused.text.contains("private or reserved"), "\(url): \(refused.text)"
                    )
                }
                let unknown = try await api.send(
                    .post, "/v1/webhooks", body: #"{"url":"https://no-such-host.invalid/hook","events":["*"]}"#)
                #expect(unknown.status == 422 && unknown.text.contains("does not resolve"), "\(unknown.text)")
                #expect(try await api.send(.get, "/v1/webhooks").json["data"]?.arrayValue?.isEmpty == true)
                // A public address is accepted (an address literal: no name to resolve here).
                let accepted = try await api.send(
                    .post, "/v1/webhooks", body: #"{"url":"http://93.184.216.34/hook","events":["connects.adjusted"]}"#)
                #expect(accepted.status == 201, "\(accepted.text)")

                // A webhook whose target became private after it was registered (here written straight
                // into the database, as a name's new address would be): nothing is delivered.
                try await database.store.createWebhook(
                    Webhook(
                        id: "whk_moved", url: "http://127.0.0.1:\(hook.port!)/hook", events: ["*"],
                        secret: "whsec_" + Data(repeating: 1, count: 32).base64EncodedString(), createdAt: start))
                _ = try await api.makeFreelancer()
                for _ in 0..<3 { _ = try await api.send(.post, "/v1/test-clock", body: #"{"advanceSeconds":5}"#) }
                #expect(receiver.received.isEmpty)
            }
            // Allowed (as here, for a local receiver), deliveries arrive; a redirect is still not followed:
            // each event reaches /hook once, from its own webhook, never again through /redirect.
            try await ServerHarness.run(policy: .standard, clock: .test(startingAt: start)) { api, _ in
                for path in ["hook", "redirect"] {
                    let created = try await api.send(
                        .post, "/v1/webhooks",
                        body: #"{"url":"http://127.0.0.1:\#(hook.port!)/\#(path)","events":["*"]}"#)
                    #expect(created.status == 201)
                    if path == "hook" { receiver.use(secret: created.json["secret"]?.stringValue ?? "") }
                }
                _ = try await api.makeFreelancer()
                for _ in 0..<3 { _ = try await api.send(.post, "/v1/test-clock", body: #"{"advanceSeconds":5}"#) }
                let ids = receiver.received.map(\.id)
                #expect(ids.count == 2 && Set(ids).count == 2, "\(ids)")
            }
        }
    }

    @Test(
        "registering and deleting a webhook and changing the policy take an Idempotency-Key: sent again, the first answer",
        arguments: StoreKind.allCases)
    func idempotentSettings(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind, policy: .standard) { api, _ in
            let body = #"{"url":"http://127.0.0.1:9/hook","events":["*"]}"#
            let first = try await api.send(.post, "/v1/webhooks", body: body, idempotencyKey: "hook-1")
            let again = try await api.send(.post, "/v1/webhooks", body: body, idempotencyKey: "hook-1")
            #expect(first.status == 201 && again.status == 201 && again.text == first.text)
            #expect(again.headers[.init("Idempotent-Replayed")!] == "true")
            #expect(try await api.send(.get, "/v1/webhooks").json["data"]?.arrayValue?.count == 1)
            let other = try await api.send(
                .post, "/v1/webhooks", body: #"{"url":"http://127.0.0.1:9/other","events":["*"]}"#,
                idempotencyKey: "hook-1")
            #expect(other.status == 409 && other.code == "idempotency_key_reused")

            let id = first.json["id"]?.stringValue ?? ""
            let deleted = try await api.send(.delete, "/v1/webhooks/\(id)", idempotencyKey: "unhook-1")
            let deletedAgain = try await api.send(.delete, "/v1/webhooks/\(id)", idempotencyKey: "unhook-1")
            #expect(deleted.status == 204 && deletedAgain.status == 204 && deletedAgain.text.isEmpty)
            #expect(try await api.send(.delete, "/v1/webhooks/\(id)").status == 404)

            let policy = try #require(await api.send(.get, "/v1/policy").json["policy"])
            let changed = policy.serializedText.replacing(/"maxAdjustment":\d+/, with: #""maxAdjustment":150"#)
            let put = try await api.send(.put, "/v1/policy", body: #"{"policy":\#(changed)}"#, idempotencyKey: "p-1")
            let putAgain = try await api.send(
                .put, "/v1/policy", body: #"{"policy":\#(changed)}"#, idempotencyKey: "p-1")
            #expect(
                put.status == 200 && putAgain.text == put.text
                    && putAgain.headers[.init("Idempotent-Replayed")!] == "true")
            #expect(try await api.send(.get, "/v1/policy").json["version"] == put.json["version"])
        }
    }

    @Test(
        "a webhook's deliveries are listed with their attempts; one is sent again on request; a rotated secret signs beside the old one for the overlap",
        arguments: StoreKind.allCases)
    func deliveryManagement(_ kind: StoreKind) async throws {
        let receiver = WebhookReceiver()
        try await receiver.application().test(.live) { hook in
            let url = "http://127.0.0.1:\(hook.port!)/hook"
            try await ServerHarness.run(on: kind, policy: .standard, clock: .test(startingAt: JobScenarioTests.start)) {
                api, _ in
                let created = try await api.send(.post, "/v1/webhooks", body: #"{"url":"\#(url)","events":["*"]}"#)
                let id = created.json["id"]?.stringValue ?? ""
                let oldSecret = created.json["secret"]?.stringValue ?? ""
                receiver.use(secret: oldSecret)
                receiver.failNext(1)
                _ = try await api.makeFreelancer()
                for _ in 0..<3 { _ = try await api.send(.post, "/v1/test-clock", body: #"{"advanceSeconds":5}"#) }
                let listed = try await api.send(.get, "/v1/webhooks/\(id)/deliveries")
                let records = listed.json["data"]?.arrayValue ?? []
                // Two events, both delivered; the first after a failure (2 attempts, its error kept until it
                // was delivered, then cleared).
                #expect(records.count == 2 && records.allSatisfy { $0["state"]?.stringValue == "delivered" })
                #expect(records.map { $0["attempts"]?.intValue } == [1, 2], "\(listed.text)")
                #expect(receiver.received.count == 2)

                // Sent again on request: the receiver gets the same event id once more.
                let eventID = try #require(records.first?["eventId"]?.stringValue)
                let resent = try await api.send(
                    .post, "/v1/webhooks/\(id)/deliveries/\(eventID)/resend", idempotencyKey: "resend-1")
                #expect(resent.status == 202)
                _ = try await api.send(.post, "/v1/test-clock", body: #"{"advanceSeconds":5}"#)
                #expect(receiver.received.filter { $0.id == eventID }.count == 2)
                #expect(try await api.send(.post, "/v1/webhooks/\(id)/deliveries/evt_nope/resend").status == 404)

                // Rotated with an hour's overlap: deliveries carry two signatures, so a receiver still on the
                // old secret accepts them, and so does one on the new.
                let rotated = try await api.send(
                    .post, "/v1/webhooks/\(id)/rotate-secret", body: #"{"overlapSeconds":3600}"#)
                let newSecret = try #require(rotated.json["secret"]?.stringValue)
                #expect(
                    rotated.status == 200 && newSecret != oldSecret && rotated.json["previousSecretExpiresAt"] != .null)
                _ = try await api.makeFreelancer()
                _ = try await api.send(.post, "/v1/test-clock", body: #"{"advanceSeconds":5}"#)
                #expect(receiver.received.last?.isSignatureValid == true)
                receiver.use(secret: newSecret)
                _ = try await api.makeFreelancer()
                _ = try await api.send(.post, "/v1/test-clock", body: #"{"advanceSeconds":5}"#)
                #expect(receiver.received.last?.isSignatureValid == true)
                // After the overlap only the new secret signs.
                _ = try await api.send(.post, "/v1/test-clock", body: #"{"advanceSeconds":3600}"#)
                receiver.use(secret: oldSecret)
                _ = try await api.makeFreelancer()
                _ = try await api.send(.post, "/v1/test-clock", body: #"{"advanceSeconds":5}"#)
                #expect(receiver.received.last?.isSignatureValid == false)
                #expect(
                    try await api.send(.post, "/v1/webhooks/\(id)/rotate-secret", body: #"{"overlapSeconds":-1}"#)
                        .status == 422)
            }
        }
    }

    @Test("webhooks are listed page by page, like every other list")
    func webhookPages() async throws {
        try await ServerHarness.run { api, _ in
            for index in 0..<3 {
                let body = #"{"url":"http://127.0.0.1:9/hook\#(index)","events":["*"]}"#
                #expect(try await api.send(.post, "/v1/webhooks", body: body).status == 201)
            }
            let first = try await api.send(.get, "/v1/webhooks?limit=2")
            let cursor = try #require(first.json["nextCursor"]?.stringValue)
            let second = try await api.send(.get, "/v1/webhooks?limit=2&cursor=\(cursor)")
            let urls = (first.json["data"]?.arrayValue ?? []) + (second.json["data"]?.arrayValue ?? [])
            #expect(Set(urls.compactMap { $0["url"]?.stringValue }).count == 3)
            #expect(second.json["nextCursor"] == .null && first.json["data"]?.arrayValue?.count == 2)
        }
    }

    @Test("connects about to expire are announced once, a week before", arguments: StoreKind.allCases)
    func expiryNotice(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind, policy: .standard, clock: .test(startingAt: JobScenarioTests.start)) {
            api, _ in
            let alice = try await api.makeFreelancer()
            _ = try await api.send(.post, "/v1/test-clock", body: #"{"to":"2027-01-09T09:00:00Z"}"#)
            _ = try await api.send(.post, "/v1/test-clock", body: #"{"to":"2027-01-10T09:00:00Z"}"#)
            let feed =
                try await api.send(.get, "/v1/accounts/\(alice)/notifications?limit=500").json["data"]?.arrayValue ?? []
            let notices = feed.filter { $0["type"]?.stringValue == "connects.expiring" }
            // The sign-up reward and the first grant: two lots, one notice each.
            #expect(notices.count == 2)
            #expect(Set(notices.compactMap { $0["data"]?["amount"]?.intValue }) == [40, 10])
            // Times are RFC 3339 here as everywhere else.
            #expect(notices.allSatisfy { $0["data"]?["expiresAt"]?.stringValue?.hasSuffix("Z") == true })
        }
    }

    @Test(
        "notifications are marked read up to one, or by id; readAt is when, and the unread count follows",
        arguments: StoreKind.allCases)
    func markRead(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind, policy: .standard) { api, _ in
            let alice = try await api.makeFreelancer()
            let key = try await api.makeKey(role: "freelancer", accountID: alice)
            func feed() async throws -> (items: [JSONValue], unread: Int64?) {
                let reply = try await api.send(.get, "/v1/accounts/\(alice)/notifications", key: key)
                return (reply.json["data"]?.arrayValue ?? [], reply.json["unread"]?.intValue)
            }
            // Joining: the sign-up reward and the first grant.
            var (items, unread) = try await feed()
            #expect(items.count == 2 && unread == 2 && items.allSatisfy { $0["readAt"] == .null })
            let newest = try #require(items[0]["id"]?.stringValue)
            let oldest = try #require(items[1]["id"]?.stringValue)

            let byID = try await api.send(
                .post, "/v1/accounts/\(alice)/notifications/read", body: #"{"ids":["\#(oldest)"]}"#, key: key)
            #expect(byID.status == 200 && byID.json["unread"]?.intValue == 1)
            (items, unread) = try await feed()
            #expect(unread == 1 && items[0]["readAt"] == .null && items[1]["readAt"]?.stringValue != nil)
            let firstRead = items[1]["readAt"]

            let upTo = try await api.send(
                .post, "/v1/accounts/\(alice)/notifications/read", body: #"{"upTo":"\#(newest)"}"#, key: key)
            #expect(upTo.json["unread"]?.intValue == 0)
            (items, unread) = try await feed()
            #expect(unread == 0 && items.allSatisfy { $0["readAt"]?.stringValue != nil })
            #expect(items[1]["readAt"] == firstRead, "read again keeps the first time")
            let throughCursor = items[0]["readAt"]
            _ = try await api.send(
                .post, "/v1/accounts/\(alice)/notifications/read", body: #"{"ids":["\#(newest)"]}"#, key: key)
            #expect(try await feed().items[0]["readAt"] == throughCursor, "marked again by id, the same time")

            // A new notification is unread; the cursor never moves back.
            try await api.adjust(alice, 5)
            #expect(try await feed().unread == 1)
            _ = try await api.send(
                .post, "/v1/accounts/\(alice)/notifications/read", body: #"{"upTo":"\#(oldest)"}"#, key: key)
            #expect(try await feed().unread == 1)

            // Someone else's notification, or none named: refused, nothing changes.
            let bob = try await api.makeFreelancer()
            let bobs = try #require(
                await api.send(.get, "/v1/accounts/\(bob)/notifications").json["data"]?.arrayValue?.first?["id"]?
                    .stringValue)
            let foreign = try await api.send(
                .post, "/v1/accounts/\(alice)/notifications/read", body: #"{"ids":["\#(bobs)"]}"#, key: key)
            #expect(foreign.status == 422 && foreign.json["code"]?.stringValue == "validation_failed")
            #expect(
                try await api.send(.post, "/v1/accounts/\(alice)/notifications/read", body: "{}", key: key).status
                    == 422)
            let notHers = try await api.send(
                .post, "/v1/accounts/\(bob)/notifications/read", body: #"{"upTo":"\#(bobs)"}"#, key: key)
            #expect(notHers.status == 404)
            #expect(try await api.send(.get, "/v1/accounts/\(bob)/notifications").json["unread"]?.intValue == 2)
        }
    }

    @Test("webhook registrations are validated", arguments: StoreKind.allCases)
    func validation(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind) { api, _ async throws in
            #expect(
                try await api.send(.post, "/v1/webhooks", body: #"{"url":"ftp://x","events":["*"]}"#).code
                    == "validation_failed")
            #expect(
                try await api.send(.post, "/v1/webhooks", body: #"{"url":"http://127.0.0.1:1/x","events":["nope"]}"#)
                    .code == "validation_failed")
            #expect(
                try await api.send(.post, "/v1/webhooks", body: #"{"url":"http://127.0.0.1:1/x","events":[]}"#).code
                    == "validation_failed")
        }
    }
}
