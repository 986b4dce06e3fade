import AsyncHTTPClient
import ConnectsCore
import ConnectsStore
import ConnectsTestSupport
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

/// Several `connects serve` processes on one PostgreSQL database, driven over HTTP by concurrent clients
/// that spread their requests over every node.
@Suite("Several server nodes on one PostgreSQL database", .serialized, .timeLimit(.minutes(10)))
struct MultiNodeTests {
    static let adminKey = "multi-node-admin-key-0123456789"
    static let allotment: Int64 = 100
    static let freelancerCount = 200
    static let jobCount = 20

    /// Plans of 100 a month, nothing else credited, no expiry and jobs that outlive the test, so that
    /// once every job is closed without a hire each freelancer holds exactly its grants.
    static let policy: Policy = {
        var policy = Policy.standard
        policy.rewards.removeAll { $0.key == "signup" }
        policy.plans = policy.plans.map { Policy.Plan(key: $0.key, allotment: allotment) }
        policy.expiry.days = nil
        policy.jobs.lifetimeDays = 120
        return policy
    }()

    @Test("200 freelancers, 20 jobs, boosts, cross-node replays, closes and racing schedulers: exact")
    func threeNodes() async throws {
        try await Cluster.run(nodes: 3) { cluster in
            let market = try await cluster.setUp()
            let target = try await cluster.now().adding(days: 32)
            async let load = market.submitProposals(closingJobs: 0..<5)
            // Meanwhile one node moves the shared clock past everyone's next cycle start; the two
            // others' schedulers see it and race it for the same grants.
            try await Task.sleep(for: .milliseconds(300))
            let moved = try await cluster.send(
                .POST, "/v1/test-clock", to: 0, body: #"{"to":"\#(RFC3339Text(target))"}"#)
            #expect(moved.status == 200, "\(moved.text)")
            let acknowledged = try await load
            try await cluster.check(market, acknowledged: acknowledged, clockAt: target)
        }
    }

    @Test("a node killed during the load loses nothing acknowledged and the others finish its work")
    func killedNode() async throws {
        try await Cluster.run(nodes: 3) { cluster in
            let market = try await cluster.setUp()
            let start = try await cluster.now()
            let target = start.adding(days: 32)
            async let load = market.submitProposals(closingJobs: 0..<3)
            // Node 2 steps the shared clock through the month's cycle starts, running the grants due at
            // each; it is killed once it has begun, before it reaches the end.
            let victim = Task {
                try? await cluster.send(.POST, "/v1/test-clock", to: 2, body: #"{"to":"\#(RFC3339Text(target))"}"#)
            }
            // Watched in the database itself, not through the busy nodes.
            let watcher = try await PostgresStore.connect(url: cluster.url, migrate: false, maximumConnections: 1)
            var clockAtKill = start
            for _ in 0..<2_000 where clockAtKill <= start {
                try await Task.sleep(for: .milliseconds(5))
                clockAtKill = try await watcher.testClock(raisedTo: nil) ?? start
            }
            await watcher.shutdown()
            cluster.kill(node: 2)
            _ = await victim.value
            #expect(clockAtKill > start && clockAtKill < target, "node 2 was not killed halfway through its work")
            let acknowledged = try await load
            // The survivors bring the shared clock to the target; whatever node 2 left undone runs there.
            let moved = try await cluster.send(
                .POST, "/v1/test-clock", to: 0, body: #"{"to":"\#(RFC3339Text(target))"}"#)
            #expect(moved.status == 200, "\(moved.text)")
            try await cluster.check(market, acknowledged: acknowledged, clockAt: target)
        }
    }
}

/// The marketplace a test drives: freelancers, clients and jobs, created through the nodes.
struct MultiNodeMarket: Sendable {
    let cluster: Cluster
    let freelancers: [String]
    let jobs: [String]

    /// One submission to send: to which node, with which key, and whether also to the next node at once.
    struct Request: Sendable {
        var node: Int
        var job: String
        var body: String
        var key: String
        var twice: Bool
    }

    /// One acknowledged submission: its key, body and the proposal it created.
    struct Submission: Sendable {
        var key: String
        var body: String
        var job: String
        var proposalID: String
    }

    /// Every freelancer proposes to three jobs (one in five with a boost), each request to some node,
    /// one in ten sent twice at once to two different nodes; jobs in `closingJobs` are closed without a
    /// hire while this goes on. Returns the acknowledged (201) submissions.
    func submitProposals(closingJobs: Range<Int>) async throws -> [Submission] {
        let acknowledged = Acknowledged()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, job) in jobs[closingJobs].enumerated() {
                group.addTask {
                    try await Task.sleep(for: .milliseconds(150 * (index + 1)))
                    let closed = try await cluster.send(
                        .POST, "/v1/jobs/\(job)/close", to: index, body: #"{"reason":"no_hire"}"#)
                    // Status 0: the node died with the request (the crash test); the job is closed at the end.
                    #expect(closed.status == 200 || closed.status == 0, "\(closed.text)")
                }
            }
            var requests: [Request] = []
            for (index, freelancer) in freelancers.enumerated() {
                for step in 0..<3 {
                    let job = jobs[(index * 7 + step * 5) % jobs.count]
                    let boost = (index + step) % 5 == 0 ? #","boost":\#(1 + (index % 9))"# : ""
                    requests.append(
                        Request(
                            node: index + step, job: job, body: #"{"freelancerId":"\#(freelancer)"\#(boost)}"#,
                            key: UUID().uuidString, twice: (index + step) % 10 == 3
                        ))
                }
            }
            // 48 clients at a time, each request to the node its index picks.
            let batches = stride(from: 0, to: requests.count, by: 48).map {
                Array(requests[$0..<min($0 + 48, requests.count)])
            }
            group.addTask {
                for batch in batches {
                    try await withThrowingTaskGroup(of: Void.self) { inner in
                        for request in batch {
                            inner.addTask {
                                let path = "/v1/jobs/\(request.job)/proposals"
                                async let first = try? cluster.send(
                                    .POST, path, to: request.node, body: request.body, idempotencyKey: request.key)
                                async let second =
                                    request.twice
                                    ? try? cluster.send(
                                        .POST, path, to: request.node + 1, body: request.body,
                                        idempotencyKey: request.key) : nil
                                let replies = [await first, await second].compactMap { $0 }
                                let created = replies.filter { $0.status == 201 }
                                // Two answers to one key, from two nodes: the same proposal, or one told to wait.
                                let ids = Set(created.compactMap { $0.json["id"]?.stringValue })
                                #expect(ids.count <= 1, "one key created \(ids)")
                                for reply in replies where reply.status != 201 {
                                    #expect(
                                        ["job_not_open", "invalid_state", "request_in_progress", "service_unavailable"]
                                            .contains(
                                                reply.code ?? "") || reply.status == 0,
                                        "\(reply.status) \(reply.text)")
                                }
                                if request.twice, created.count == 2 { acknowledged.countAnsweredTwice() }
                                if let id = ids.first {
                                    acknowledged.append(
                                        Submission(
                                            key: request.key, body: request.body, job: request.job, proposalID: id))
                                }
                            }
                        }
                        try await inner.waitForAll()
                    }
                }
            }
            try await group.waitForAll()
        }
        // Some keys sent to two nodes at once got the proposal from both (one as a replay).
        #expect(acknowledged.countOfAnsweredTwice > 0)
        return acknowledged.all
    }

    /// The submissions acknowledged so far, appended from many tasks.
    final class Acknowledged: Sendable {
        private let submissions = Mutex<[Submission]>([])
        private let answeredTwice = Mutex(0)
        /// Keys sent to two nodes at once that both answered with the proposal.
        var countOfAnsweredTwice: Int { answeredTwice.withLock { $0 } }
        func countAnsweredTwice() { answeredTwice.withLock { $0 += 1 } }
        func append(_ submission: Submission) { submissions.withLock { $0.append(submission) } }
        var all: [Submission] { submissions.withLock { $0 } }
    }
}

/// `connects serve` processes on one fresh PostgreSQL database.
final class Cluster: Sendable {
    let url: String
    let servers: [ServeProcess]
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    private let dead = Mutex<Set<Int>>([])

    private init(url: String, servers: [ServeProcess]) {
        self.url = url
        self.servers = servers
    }

    /// Starts `nodes` servers with the test clock on a new database, runs `body`, then stops them and
    /// drops the database; on a failure it prints each node's last log lines.
    static func run(nodes: Int, _ body: (Cluster) async throws -> Void) async throws {
        let (name, url) = try await TestDatabase.createPostgresDatabase()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "connects-nodes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let policyFile = folder.appendingPathComponent("policy.yaml")
        try JSONEncoder().encode(MultiNodeTests.policy).write(to: policyFile)  // JSON is YAML.
        let logs = (0..<nodes).map { folder.appendingPathComponent("node\($0).log") }
        var servers: [ServeProcess] = []
        var failure: (any Error)?
        do {
            for log in logs {
                servers.append(
                    try await ServeProcess.start(
                        [
                            "--database", url, "--admin-key", MultiNodeTests.adminKey, "--test-clock",
                            "--scheduler-interval", "1", "--policy", policyFile.path,
                        ], log: log))
            }
        } catch {
            failure = error
        }
        let cluster = Cluster(url: url, servers: servers)
        if failure == nil {
            do {
                try await cluster.waitUntilHealthy()
                try await body(cluster)
            } catch {
                failure = error
            }
        }
        await cluster.stop()
        if failure != nil {
            for (node, log) in logs.enumerated() {
                print("node \(node) log (last lines):\n" + ServeProcess.lastLines(of: log))
            }
        }
        try? FileManager.default.removeItem(at: folder)
        try? await TestDatabase.dropPostgresDatabase(name)
        if let failure { throw failure }
    }

    /// Waits until every node reaches the database (`/readyz`), failing at once if one has exited.
    func waitUntilHealthy() async throws {
        for (node, server) in servers.enumerated() {
            var ready = false
            for _ in 0..<200 where !ready && server.process.isRunning {
                ready = (try? await send(.GET, "/readyz", to: node, key: nil, timeout: .seconds(2)))?.status == 200
                if !ready { try await Task.sleep(for: .milliseconds(50)) }
            }
            guard ready else { throw ClusterError.notReady(node) }
        }
    }

    func kill(node: Int) {
        dead.withLock { _ = $0.insert(node) }
        Foundation.kill(servers[node].process.processIdentifier, SIGKILL)
    }

    func stop() async {
        for server in servers { await server.stop() }
        try? await client.shutdown()
    }

    /// Sends a request to node `node` (modulo the living nodes); a reply of status 0 is a request that
    /// got no answer (its node died).
    @discardableResult
    func send(
        _ method: HTTPMethod, _ path: String, to node: Int, body: String? = nil, idempotencyKey: String? = nil,
        key: String? = MultiNodeTests.adminKey, timeout: TimeAmount = .seconds(120)
    ) async throws -> Reply {
        let living = servers.indices.filter { !dead.withLock { $0 }.contains($0) }
        let port = servers[living[node % living.count]].port
        var headers = HTTPHeaders()
        if let key { headers.add(name: "Authorization", value: "Bearer \(key)") }
        if let idempotencyKey { headers.add(name: "Idempotency-Key", value: idempotencyKey) }
        do {
            return try await client.reply(
                method, url: "http://127.0.0.1:\(port)\(path)", headers: headers, body: body, timeout: timeout)
        } catch  where dead.withLock({ !$0.isEmpty }) {
            return Reply(status: 0, headers: [:], body: [])
        }
    }

    func now() async throws -> Instant {
        let reply = try await send(.GET, "/v1/test-clock", to: 0)
        guard let text = reply.json["now"]?.stringValue, let instant = RFC3339Parse(text) else {
            throw ClusterError.noClock(reply.text)
        }
        return instant
    }

    /// 5 clients with 4 jobs each (budgets give fees of 2 to 16), and 200 freelancers on Basic.
    func setUp() async throws -> MultiNodeMarket {
        var clients: [String] = []
        for index in 0..<5 {
            let reply = try await send(
                .POST, "/v1/accounts", to: index, body: #"{"externalId":"client-\#(index)","kind":"client"}"#)
            clients.append(try #require(reply.json["id"]?.stringValue, "\(reply.text)"))
        }
        var jobs: [String] = []
        for index in 0..<MultiNodeTests.jobCount {
            let budget = [1_000, 40_000, 120_000, 600_000][index % 4]
            let reply = try await send(
                .POST, "/v1/jobs", to: index,
                body:
                    #"{"clientId":"\#(clients[index % 5])","title":"Job \#(index)","budget":{"currency":"USD","minor":\#(budget)}}"#
            )
            jobs.append(try #require(reply.json["id"]?.stringValue, "\(reply.text)"))
        }
        let freelancers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<MultiNodeTests.freelancerCount {
                group.addTask {
                    let reply = try await self.send(
                        .POST, "/v1/accounts", to: index,
                        body: #"{"externalId":"freelancer-\#(index)","kind":"freelancer"}"#)
                    return (index, try #require(reply.json["id"]?.stringValue, "\(reply.text)"))
                }
            }
            return try await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
        }
        return MultiNodeMarket(
            cluster: self, freelancers: (0..<MultiNodeTests.freelancerCount).map { freelancers[$0]! }, jobs: jobs)
    }

    /// Closes every job without a hire, waits for every freelancer's second grant, and checks the
    /// outcome against the reference: each acknowledged proposal exists once, replays answer it again
    /// from any node, each freelancer holds exactly its two grants, and `connects verify` passes.
    func check(
        _ market: MultiNodeMarket, acknowledged: [MultiNodeMarket.Submission], clockAt target: Instant
    )
        async throws
    {
        #expect(acknowledged.count > 300, "only \(acknowledged.count) proposals were acknowledged")
        #expect(try await now() >= target)
        for (index, job) in market.jobs.enumerated() {
            let reply = try await send(.POST, "/v1/jobs/\(job)/close", to: index, body: #"{"reason":"no_hire"}"#)
            #expect(reply.status == 200 || reply.code == "job_not_open", "\(reply.text)")
        }
        // Every acknowledged proposal is there, returned once: the fee, and the boost if it was captured.
        for (index, submission) in acknowledged.enumerated() {
            let proposal = try await send(.GET, "/v1/proposals/\(submission.proposalID)", to: index).json
            #expect(proposal["id"]?.stringValue == submission.proposalID)
            let fee = proposal["fee"]?.intValue ?? -1
            let captured =
                proposal["boost"]?["state"]?.stringValue == "captured" ? proposal["boost"]?["bid"]?.intValue ?? 0 : 0
            #expect(proposal["returned"]?["amount"]?.intValue == fee + captured, "\(proposal)")
        }
        // A replay of an acknowledged key, to another node, answers the same proposal and moves nothing.
        for (index, submission) in acknowledged.enumerated() where index % 25 == 0 {
            let replay = try await send(
                .POST, "/v1/jobs/\(submission.job)/proposals", to: index + 1, body: submission.body,
                idempotencyKey: submission.key)
            #expect(replay.isReplay && replay.json["id"]?.stringValue == submission.proposalID, "\(replay.text)")
        }
        // The schedulers of every node raced for the grants: each account has its two, once each.
        let deadline = ContinuousClock.now + .seconds(60)
        for (index, freelancer) in market.freelancers.enumerated() {
            var grants = 0
            // Bounded for the whole check: a missing grant fails in a minute, not once per freelancer.
            repeat {
                let entries = try await send(.GET, "/v1/accounts/\(freelancer)/entries?kind=grant", to: index).json
                grants = entries["data"]?.arrayValue?.count ?? 0
                if grants >= 2 { break }
                try await Task.sleep(for: .milliseconds(100))
            } while ContinuousClock.now < deadline
            #expect(grants == 2, "freelancer \(index) has \(grants) grants")
            let account = try await send(.GET, "/v1/accounts/\(freelancer)", to: index).json
            #expect(
                account["balance"]?["total"]?.intValue == 2 * MultiNodeTests.allotment
                    && account["balance"]?["held"]?.intValue == 0,
                "freelancer \(index): \(account["balance"] ?? .null)")
            let proposals = try await send(.GET, "/v1/accounts/\(freelancer)/proposals?limit=50", to: index).json
            let jobs = proposals["data"]?.arrayValue?.compactMap { $0["jobId"]?.stringValue } ?? []
            #expect(Set(jobs).count == jobs.count, "freelancer \(index) proposed twice to one job")
        }
        let (status, output) = try CommandLineTests.run(["verify", "--database", url])
        #expect(status == 0, "\(output)")
    }
}

enum ClusterError: Error {
    case notReady(Int)
    case noClock(String)
}

/// An instant as RFC 3339 with milliseconds, as the API writes times.
func RFC3339Text(_ instant: Instant) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: Date(timeIntervalSince1970: Double(instant.millisecondsSinceEpoch) / 1_000))
}

func RFC3339Parse(_ text: String) -> Instant? {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.date(from: text).map {
        Instant(millisecondsSinceEpoch: Int64(($0.timeIntervalSince1970 * 1_000).rounded()))
    }
}
