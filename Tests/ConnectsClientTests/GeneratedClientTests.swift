import AsyncHTTPClient
import ConnectsTestSupport
import Foundation
import HTTPTypes
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime
import Testing

/// The README's tour, driven by a client that swift-openapi-generator made from the served document
/// (`openapi.json` here is a link to the one the server serves), against a `connects serve` process: what
/// an integrator who generates a client gets. A status, a field or a type the document gets wrong fails
/// here as it would fail in their code: the generated client refuses an undocumented status
/// (`undocumented`), a missing required field or a value outside a documented enum.
@Suite("A client generated from /openapi.json")
struct GeneratedClientTests {
    @Test("runs the README's tour against a real server")
    func readmeTour() async throws {
        try await withConnects { connects, _ in
            // A client and a freelancer. The freelancer gets the sign-up reward (40) and the Basic allotment (10).
            let client = try await connects.createAccount(
                headers: .init(idempotencyKey: "tour-client"),
                body: .json(.init(externalId: "client-1", kind: .client))
            ).created.body.json
            #expect(client.kind == .client)
            let ana = try await connects.createAccount(
                headers: .init(idempotencyKey: "tour-ana"),
                body: .json(.init(externalId: "ana", kind: .freelancer))
            ).created.body.json
            #expect(ana.balance.available == 50 && ana.plan == "basic")

            // A job with a $400 budget costs 4 connects per proposal; Ana bids 5 more to boost hers.
            let job = try await connects.postJob(
                headers: .init(idempotencyKey: "tour-job"),
                body: .json(.init(clientId: client.id, title: "Logo", budget: .init(currency: "USD", minor: 40_000)))
            ).created.body.json
            #expect(job.connectCost == 4 && job.status == .open)
            let proposal = try await connects.submitProposal(
                path: .init(id: job.id),
                headers: .init(idempotencyKey: "tour-proposal"),
                body: .json(.init(freelancerId: ana.id, boost: 5))
            ).created.body.json
            #expect(proposal.fee == 4 && proposal.boost.bid == 5 && proposal.boost.state == .held)
            #expect(try await balance(of: ana.id, in: connects).available == 41)

            // A second proposal by the same freelancer is refused with the documented problem.
            let again = try await connects.submitProposal(
                path: .init(id: job.id),
                headers: .init(idempotencyKey: "tour-proposal-again"),
                body: .json(.init(freelancerId: ana.id))
            )
            #expect(try again.conflict.body.applicationProblemJson.code == .alreadyApplied)

            // The client closes the job without hiring: the fee comes back, the held boost is freed.
            _ = try await connects.closeJob(
                path: .init(id: job.id),
                headers: .init(idempotencyKey: "tour-close"),
                body: .json(.init(reason: .noHire))
            ).ok
            let proposals = try await connects.listAccountProposals(path: .init(id: ana.id)).ok.body.json.data
            let returned = try #require(proposals.first?.returned)
            #expect(proposals.count == 1 && proposals[0].boost.state == .released)
            #expect(returned.amount == 4 && returned.rule == "returns.jobClosedWithoutHire")

            // Balance, the full history (JSON pages or CSV), notifications.
            #expect(try await balance(of: ana.id, in: connects).available == 50)
            let history = try await connects.listEntries(path: .init(id: ana.id)).ok.body.json.data
            #expect(Set(history.map(\.kind)).isSuperset(of: [.reward, .grant, .spend, .hold, ._return, .release]))
            let csv = try await String(
                collecting: connects.listEntries(
                    path: .init(id: ana.id), headers: .init(accept: [.init(contentType: .csv)])
                )
                .ok.body.csv,
                upTo: 1 << 20
            )
            let rows = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(rows.count == history.count + 1, "a header and one row per entry:\n\(csv)")
            let notifications = try await connects.listNotifications(path: .init(id: ana.id)).ok.body.json.data
            #expect(!notifications.isEmpty)

            // Buy a bundle (the payment system's reference buys once), grant a reward once, correct a mistake.
            let purchase = Operations.RecordPurchase.Input.Body.JsonPayload(
                quantity: 20,
                paymentReference: "ch_1",
                amountPaid: .init(currency: "USD", minor: 300)
            )
            let bought = try await connects.recordPurchase(
                path: .init(id: ana.id),
                headers: .init(idempotencyKey: "tour-purchase"),
                body: .json(purchase)
            ).created.body.json
            let replayed = try await connects.recordPurchase(
                path: .init(id: ana.id),
                headers: .init(idempotencyKey: "tour-purchase"),
                body: .json(purchase)
            ).created.body.json
            #expect(bought.id == replayed.id && bought.quantity == 20)
            let sameReference = try await connects.recordPurchase(
                path: .init(id: ana.id),
                headers: .init(idempotencyKey: "tour-purchase-again"),
                body: .json(purchase)
            )
            #expect(try sameReference.ok.body.json.id == bought.id, "the reference buys once, whatever the key")

            let reward = try await connects.grantReward(
                path: .init(id: ana.id),
                headers: .init(idempotencyKey: "tour-reward"),
                body: .json(.init(reward: "rising_talent"))
            ).created.body.json
            #expect(reward.granted)
            _ = try await connects.adjustBalance(
                path: .init(id: ana.id),
                headers: .init(idempotencyKey: "tour-adjustment"),
                body: .json(.init(amount: -3, reason: "duplicate courtesy", ticket: "T-1001"))
            ).created
            let after = try await balance(of: ana.id, in: connects)
            #expect(after.available == 50 + 20 + (reward.entry?.amount ?? 0) - 3)

            // The economy is data: what is read can be written back unchanged, as the same version.
            let read = try await connects.getPolicy().ok.body.json
            let saved = try await connects.replacePolicy(
                headers: .init(idempotencyKey: "tour-policy"),
                body: .json(.init(policy: read.policy))
            ).ok.body.json
            #expect(saved.version == read.version && saved.policy == read.policy)
        }
    }

    @Test("the server serves the document this client was generated from, byte for byte")
    func servedDocumentIsTheRepositoryOne() async throws {
        // openapi.json beside this file is a link to Sources/ConnectsServer/Resources/openapi.json.
        let repository = try Data(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
                "openapi.json"))
        try await withConnects { connects, baseURL in
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            let served: Result<Data, any Error>
            do {
                let response = try await http.execute(
                    HTTPClientRequest(url: baseURL + "/openapi.json"), timeout: .seconds(30))
                served = .success(Data(buffer: try await response.body.collect(upTo: 8 << 20)))
            } catch {
                served = .failure(error)
            }
            try await http.shutdown()
            #expect(try served.get() == repository)
        }
    }

    private func balance(of account: String, in connects: Client) async throws -> Components.Schemas.Balance {
        try await connects.getAccount(path: .init(id: account)).ok.body.json.balance
    }

    /// Runs `body` with a generated client of a fresh `connects serve` on a throwaway SQLite database (and
    /// the server's address),
    /// then stops the server and checks the ledger with `connects verify`.
    private func withConnects(_ body: (Client, _ baseURL: String) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("connects-client-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("db.sqlite").path
        let key = "generated-client-admin-key"
        let server = try await ServeProcess.start(
            ["--database", database, "--admin-key", key],
            log: folder.appendingPathComponent("serve.log")
        )
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let outcome: Result<Void, any Error>
        do {
            let baseURL = "http://127.0.0.1:\(server.port)"
            let connects = Client(
                serverURL: URL(string: baseURL)!,
                // Connects writes times with milliseconds (RFC 3339 allows them); the runtime's default
                // transcoder reads whole seconds only. The README says so for integrators.
                configuration: Configuration(dateTranscoder: .iso8601WithFractionalSeconds),
                transport: AsyncHTTPClientTransport(configuration: .init(client: http, timeout: .seconds(60))),
                middlewares: [BearerToken(key: key)]
            )
            try await body(connects, baseURL)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        try await http.shutdown()
        await server.stop()
        try outcome.get()
        let verify = Process()
        verify.executableURL = try ServeProcess.binary
        verify.arguments = ["verify", "--database", database]
        verify.standardOutput = FileHandle.nullDevice
        try verify.run()
        verify.waitUntilExit()
        #expect(verify.terminationStatus == 0, "connects verify on the tour's database")
    }
}

/// Sends the key as `Authorization: Bearer`, the document's one security scheme.
private struct BearerToken: ClientMiddleware {
    let key: String

    func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        baseURL: URL,
        operationID: String,
        next: (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.authorization] = "Bearer \(key)"
        return try await next(request, body, baseURL)
    }
}
