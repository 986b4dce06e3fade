import ConnectsCore
import ConnectsServer
import ConnectsStore
import ConnectsTestSupport
import Foundation
import Testing

@Suite("Operations endpoints and the published contract")
struct OperationsTests {
    @Test("health, readiness and Prometheus metrics answer without a key", arguments: StoreKind.allCases)
    func probes(_ kind: StoreKind) async throws {
        try await ServerHarness.run(on: kind) { api, _ in
            #expect(try await api.send(.get, "/healthz", key: nil).status == 200)
            #expect(try await api.send(.get, "/readyz", key: nil).json["status"]?.stringValue == "ready")
            let account = try await api.makeFreelancer()
            try await api.adjust(account, 5)
            let metrics = try await api.send(.get, "/metrics", key: nil).text
            #expect(
                metrics.contains(
                    #"connects_http_requests_total{route="/v1/accounts/{id}/adjustments",method="POST",status="201"} 1"#
                ), "\(metrics)")
            #expect(metrics.contains(#"connects_ledger_movements_total{kind="adjustment"} 1"#))
            #expect(metrics.contains("connects_http_request_duration_seconds_bucket"))
            // A series made by the first request counts the later ones.
            #expect(try await api.send(.get, "/healthz", key: nil).status == 200)
            let after = try await api.send(.get, "/metrics", key: nil).text
            #expect(after.contains(#"connects_http_requests_total{route="/healthz",method="GET",status="200"} 2"#))
        }
    }

    @Test("/openapi.json describes exactly the routes the server has")
    func openAPIMatchesRoutes() async throws {
        try await ServerHarness.run { api, database in
            let reply = try await api.send(.get, "/openapi.json", key: nil)
            let document = try JSONSerialization.jsonObject(with: Data(reply.body)) as? [String: Any]
            #expect(document?["openapi"] as? String == "3.1.0")
            let paths = document?["paths"] as? [String: [String: Any]] ?? [:]
            var documented: Set<String> = []
            for (path, operations) in paths {
                for method in operations.keys { documented.insert("\(method.uppercased()) \(path)") }
            }
            let registered = Set(registeredRoutes(store: database.store))
            #expect(
                documented == registered,
                "only documented: \(documented.subtracting(registered)); only served: \(registered.subtracting(documented))"
            )
        }
    }

    @Test("the demo marketplace loads once into an empty database and is sound", arguments: StoreKind.allCases)
    func demo(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = database.store
            let policy = Policy.standard.ledgerPolicy(version: 1)
            let now = ServerClock.systemNow()
            let summary = try #require(try await DemoMarketplace.loadIfEmpty(into: store, policy: policy, now: now))
            #expect(summary.accounts.count == 7 && summary.jobs.count == 4)
            #expect(try await DemoMarketplace.loadIfEmpty(into: store, policy: policy, now: now) == nil)
            let landing = try #require(try await store.job(id: summary.jobs["Landing page"]!))
            #expect(landing.status == .closed)
            let returned = try await store.proposals(jobID: landing.id, limit: 10, offset: 0)
            #expect(returned.allSatisfy { $0.returned?.rule == "returns.jobClosedWithoutHire" })
            #expect(try await database.verify().isClean)
        }
    }
}
