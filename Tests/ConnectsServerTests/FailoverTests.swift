import AsyncHTTPClient
import ConnectsTestSupport
import Foundation
import Synchronization
import Testing

/// PostgreSQL's own replication under a node: a primary with a synchronous streaming standby, both
/// clusters started by the test; the primary killed under load, the standby promoted, a node started
/// on it (the README's failover: promote, then point the nodes at the new primary and restart them).
@Suite("Failover: the primary killed under load, its synchronous standby promoted", .serialized)
struct FailoverTests {
    @Test("every write the primary acknowledged is on the promoted standby exactly once, and its key replays there")
    func promotedStandby() async throws {
        let primary = try await PostgresCluster.start(settings: ["synchronous_standby_names=*"])
        let standby: PostgresCluster
        do { standby = try await primary.startStandby() } catch {
            await primary.destroy()
            throw error
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("connects-failover-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        do {
            try await run(primary: primary, standby: standby, folder: folder)
        } catch {
            await primary.destroy()
            await standby.destroy()
            throw error
        }
        await primary.destroy()
        await standby.destroy()
        try? FileManager.default.removeItem(at: folder)
    }

    private func run(primary: PostgresCluster, standby: PostgresCluster, folder: URL) async throws {
        let node = try await ServeProcess.start(
            ["--database", primary.url, "--admin-key", ServerHarness.adminKey],
            log: folder.appendingPathComponent("primary-node.log"))
        let api = API(client: .shared, port: node.port)
        var created: [String] = []
        for _ in 0..<8 { created.append(try await api.makeFreelancer()) }
        let freelancers = created
        let before = try await balances(of: freelancers, api)

        // Eight writers adjust by one connect each, every request with its own key, until the primary
        // dies under them; each records the key and the answer, or that none came.
        let sent = Sent()
        let writers = (0..<8).map { writer in
            Task {
                for index in 0..<10_000 {
                    let key = "w\(writer)-\(index)"
                    let account = freelancers[writer]
                    let reply = try? await api.adjust(account, 1, reason: "failover", idempotencyKey: key)
                    sent.requests.withLock { $0.append(Request(key: key, account: account, answer: reply)) }
                    guard reply?.status == 201 else { return }
                }
            }
        }
        // The kill comes once the writers are well under way (a few dozen writes acknowledged).
        for _ in 0..<600 where sent.requests.withLock({ $0.count { $0.answer?.status == 201 } }) < 32 {
            try await Task.sleep(for: .milliseconds(100))
        }
        try await primary.kill()
        // The node has lost its database: it is stopped (SIGKILL: its requests waiting on the dead
        // primary end unanswered), the standby promoted, and a node started on it.
        kill(node.process.processIdentifier, SIGKILL)
        for writer in writers { _ = await writer.result }
        try await standby.promote()
        let promoted = try await ServeProcess.start(
            ["--database", standby.url, "--admin-key", ServerHarness.adminKey],
            log: folder.appendingPathComponent("standby-node.log"))
        defer { if promoted.process.isRunning { promoted.process.terminate() } }
        let after = API(client: .shared, port: promoted.port)

        let requests = sent.requests.withLock { $0 }
        let acknowledged = requests.filter { $0.answer?.status == 201 }
        #expect(acknowledged.count >= 16, "too little load before the kill: \(acknowledged.count)")
        // Each acknowledged key answers the same again from the promoted standby.
        for request in acknowledged {
            let again = try await after.adjust(request.account, 1, reason: "failover", idempotencyKey: request.key)
            #expect(again.status == 201 && again.isReplay, "\(request.key): \(again.status) \(again.text)")
            #expect(again.text == request.answer?.text, "\(request.key) answered differently")
        }
        // A request without an answer is sent again with its key: applied now, or replayed if its commit
        // had reached the standby; either way once.
        for request in requests where request.answer?.status != 201 {
            let again = try await after.adjust(request.account, 1, reason: "failover", idempotencyKey: request.key)
            #expect(again.status == 201, "\(request.key): \(again.status) \(again.text)")
        }
        let now = try await balances(of: freelancers, after)
        for (index, account) in freelancers.enumerated() {
            let keys = Set(requests.filter { $0.account == account }.map(\.key)).count
            #expect(now[index] == before[index] + Int64(keys), "\(account): lost or doubled")
        }
        let (status, output) = try CommandLineTests.run(["verify", "--database", standby.url])
        #expect(status == 0, "\(output)")
        print(
            """
            failover: \(requests.count) requests, \(acknowledged.count) acknowledged by the primary and found on the \
            promoted standby, \(requests.count - acknowledged.count) unanswered at the kill and sent again; \
            balances exact; verify: \(status == 0 ? "ok" : "FAILED")
            """)
        await promoted.stop()
    }

    struct Request: Sendable {
        var key: String
        var account: String
        var answer: Reply?
    }

    final class Sent: Sendable {
        let requests = Mutex<[Request]>([])
    }

    private func balances(of accounts: [String], _ api: API) async throws -> [Int64] {
        var balances: [Int64] = []
        for account in accounts { balances.append(try await api.available(account) ?? -1) }
        return balances
    }
}
