import AsyncHTTPClient
import ConnectsCore
import ConnectsTestSupport
import Foundation
import HTTPTypes
import Synchronization
import Testing

/// `connects serve` killed with SIGKILL at random moments under concurrent load, and restarted each
/// time on the same database; and the PostgreSQL server under it killed and started again while the
/// node stays up: every acknowledged effect is there exactly once.
///
/// CI kills each a few times; `scripts/soak` runs as many kills as asked (`CONNECTS_SOAK_KILLS`) and
/// prints the figures.
@Suite("Crashes: a server or its database killed at random moments under load", .serialized, .timeLimit(.minutes(30)))
struct CrashTests {
    static let adminKey = "crash-campaign-admin-key-0123456789"
    static var kills: Int { Int(ProcessInfo.processInfo.environment["CONNECTS_SOAK_KILLS"] ?? "") ?? 3 }
    static let freelancerCount = 24
    static let jobCount = 6
    static let fee: Int64 = 3
    static let allotment: Int64 = 100
    static let reward: Int64 = 10

    /// What is killed: the `connects serve` process on one store, or the PostgreSQL server under a node.
    enum Victim: Sendable, CustomStringConvertible {
        case server(StoreKind)
        case database

        static let campaign: [Victim] = [.server(.sqlite), .server(.postgres), .database]

        var description: String {
            switch self {
            case .server(let kind): "\(kind)"
            case .database: "postgres, the database server killed"
            }
        }
    }

    /// One request of the load, sent until it gets an answer (the same key each time).
    struct Operation: Sendable {
        enum Effect: Sendable {
            case adjustment(freelancer: Int, amount: Int64)
            case purchase(freelancer: Int, quantity: Int64)
            case proposal(freelancer: Int, job: Int)
            case reward(freelancer: Int)
            case close(job: Int)
            case hire(job: Int)
            case clockMove
        }

        var effect: Effect
        var path: String
        var body: String
        var key = UUID().uuidString
    }

    /// An operation's first answer, and how many times it was sent.
    struct Answer: Sendable {
        var status: Int
        var body: String
        var attempts: Int
    }

    @Test(
        "SIGKILL at random moments under load: nothing acknowledged lost or doubled, keys replay",
        arguments: Victim.campaign)
    func killedAtRandom(_ victim: Victim) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "connects-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let postgresName: String?
        let cluster: PostgresCluster?
        let location: String
        switch victim {
        case .server(.sqlite):
            (postgresName, cluster, location) = (nil, nil, folder.appendingPathComponent("connects.sqlite").path)
        case .server(.postgres):
            let (name, url) = try await TestDatabase.createPostgresDatabase()
            (postgresName, cluster, location) = (name, nil, url)
        case .database:
            let started = try await PostgresCluster.start()
            (postgresName, cluster, location) = (nil, started, started.url)
        }
        defer {
            if let postgresName { Task { try? await TestDatabase.dropPostgresDatabase(postgresName) } }
            // Also when the test fails midway; when it does not, it was destroyed below already.
            if let cluster { Task { await cluster.destroy() } }
        }
        // A policy file that names only what it changes: plans of 100, one reward, no expiry.
        let policy = folder.appendingPathComponent("policy.yaml").path
        try """
        plans: [{key: basic, allotment: \(Self.allotment)}]
        rewards: [{key: certification, amount: \(Self.reward), once: false}]
        expiry: {days: null}
        """.write(toFile: policy, atomically: true, encoding: .utf8)
        let node = Node(
            arguments: ["--database", location, "--admin-key", Self.adminKey, "--policy", policy, "--test-clock"],
            folder: folder)
        try await node.start()

        // The marketplace, before the first kill.
        var freelancers: [String] = []
        for index in 0..<Self.freelancerCount {
            let reply = try await node.send(
                .post, "/v1/accounts", #"{"externalId":"crash-\#(index)","kind":"freelancer","plan":"basic"}"#)
            freelancers.append(try #require(reply.json["id"]?.stringValue, "\(reply.text)"))
        }
        let client = try #require(
            await node.send(.post, "/v1/accounts", #"{"externalId":"crash-client","kind":"client"}"#).json["id"]?
                .stringValue)
        var jobs: [String] = []
        for index in 0..<Self.jobCount {
            let reply = try await node.send(
                .post, "/v1/jobs", #"{"clientId":"\#(client)","title":"Job \#(index)","connectCost":\#(Self.fee)}"#)
            jobs.append(try #require(reply.json["id"]?.stringValue, "\(reply.text)"))
        }

        // The load: rounds of proposals (one in four boosted where boosts are), adjustments, purchases,
        // rewards and a move of the test clock, 16 at a time, each sent until it is answered, a job
        // closed or filled after each round, while the server is killed and restarted.
        var operations: [Operation] = []
        var random = SystemRandomNumberGenerator()
        func round(_ number: Int) -> [Operation] {
            var round: [Operation] = []
            for (index, freelancer) in freelancers.enumerated() {
                round.append(
                    Operation(
                        effect: .adjustment(freelancer: index, amount: 5),
                        path: "/v1/accounts/\(freelancer)/adjustments",
                        body: #"{"amount":5,"reason":"round \#(number)"}"#))
                round.append(
                    Operation(
                        effect: .purchase(freelancer: index, quantity: 10),
                        path: "/v1/accounts/\(freelancer)/purchases",
                        body:
                            #"{"quantity":10,"paymentReference":"\#(UUID().uuidString)","amountPaid":{"currency":"USD","minor":150}}"#
                    ))
                round.append(
                    Operation(
                        effect: .reward(freelancer: index), path: "/v1/accounts/\(freelancer)/rewards",
                        body: #"{"reward":"certification","scope":"\#(UUID().uuidString)"}"#))
                let job = (index + number) % jobs.count
                // Boosts only on the jobs that will be closed: a hire captures the bids holding slots,
                // which this model leaves to the scenario suites.
                let boost = job < jobs.count / 2 && (index + number) % 4 == 0 ? #","boost":\#(1 + index % 5)"# : ""
                round.append(
                    Operation(
                        effect: .proposal(freelancer: index, job: job), path: "/v1/jobs/\(jobs[job])/proposals",
                        body: #"{"freelancerId":"\#(freelancer)"\#(boost)}"#))
            }
            round.append(Operation(effect: .clockMove, path: "/v1/test-clock", body: #"{"advanceSeconds":3600}"#))
            return round.shuffled(using: &random)
        }
        /// After round `number`: the first half of the jobs are closed without a hire one by one, the
        /// second half filled by hiring the first proposal acknowledged on each.
        func decision(after number: Int, _ answered: [String: Answer]) -> Operation? {
            let half = jobs.count / 2
            if number < half {
                return Operation(
                    effect: .close(job: number), path: "/v1/jobs/\(jobs[number])/close", body: #"{"reason":"no_hire"}"#)
            }
            guard number < 2 * half else { return nil }
            let job = number
            let proposal = operations.lazy.compactMap { operation -> String? in
                guard case .proposal(_, job) = operation.effect, let answer = answered[operation.key],
                    answer.status == 201
                else { return nil }
                return JSONValue.parse(answer.body)?["id"]?.stringValue
            }.first
            guard let proposal else { return nil }
            return Operation(
                effect: .hire(job: job), path: "/v1/jobs/\(jobs[job])/hire", body: #"{"proposalId":"\#(proposal)"}"#)
        }
        let answers = Answers()
        let killer = Task {
            defer { answers.isKilling.withLock { $0 = false } }
            for _ in 0..<Self.kills {
                try await Task.sleep(for: .milliseconds(Int.random(in: 150...900)))
                if let cluster {
                    // Down for a moment under load; the node reconnects by itself.
                    try await cluster.kill()
                    try await Task.sleep(for: .milliseconds(Int.random(in: 200...800)))
                    try await cluster.startServer()
                } else {
                    try await node.killAndRestart()
                }
            }
            return Self.kills
        }
        var number = 0
        while number < Self.jobCount || answers.isKilling.withLock({ $0 }) {
            let batch = round(number)
            operations += batch
            try await withThrowingTaskGroup(of: Void.self) { group in
                for chunk in stride(from: 0, to: batch.count, by: 16).map({ batch[$0..<min($0 + 16, batch.count)] }) {
                    for operation in chunk {
                        group.addTask {
                            let answer = try await node.sendUntilAnswered(operation)
                            answers.first.withLock { $0[operation.key] = answer }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            if let decision = decision(after: number, answers.first.withLock { $0 }) {
                operations.append(decision)
                let answer = try await node.sendUntilAnswered(decision)
                answers.first.withLock { $0[decision.key] = answer }
            }
            number += 1
            if number > 200 { break }
        }
        let killed = try await killer.value
        #expect(killed == (cluster == nil ? node.kills : Self.kills))

        // A clean restart, then every check against what was acknowledged.
        try await node.killAndRestart()
        let answered = answers.first.withLock { $0 }
        var expected = freelancers.map { _ in Self.allotment }
        var proposalsByJob = jobs.map { _ in Set<String>() }
        var feesByJob = jobs.map { _ in [(freelancer: Int, fee: Int64)]() }
        var closed = Set<Int>()
        var acknowledged = 0
        for operation in operations {
            let answer = try #require(answered[operation.key])
            // Every request got a definitive answer: done, or refused with a stable code.
            #expect((200..<300).contains(answer.status) || (400..<500).contains(answer.status), "\(answer)")
            guard (200..<300).contains(answer.status) else { continue }
            acknowledged += 1
            switch operation.effect {
            case .adjustment(let freelancer, let amount): expected[freelancer] += amount
            case .purchase(let freelancer, let quantity): expected[freelancer] += quantity
            case .proposal(let freelancer, let job):
                feesByJob[job].append((freelancer, Self.fee))
                let id = try #require(JSONValue.parse(answer.body)?["id"]?.stringValue)
                proposalsByJob[job].insert(id)
            case .reward(let freelancer): expected[freelancer] += Self.reward
            case .close(let job): closed.insert(job)
            case .hire, .clockMove: break
            }
        }
        // A fee stays spent unless its job was closed without a hire (then it came back); a boost is
        // held and then released, which leaves the total as it was.
        for (job, fees) in feesByJob.enumerated() where !closed.contains(job) {
            for (freelancer, fee) in fees { expected[freelancer] -= fee }
        }
        #expect(closed.count == jobs.count / 2)
        // Balances are the model's: each acknowledged effect once, nothing else. Each job holds exactly
        // the proposals acknowledged for it.
        var lost: Int64 = 0
        var doubled: Int64 = 0
        for (index, freelancer) in freelancers.enumerated() {
            let total = try await node.send(.get, "/v1/accounts/\(freelancer)").json["balance"]?["total"]?.intValue ?? 0
            if total < expected[index] { lost += expected[index] - total } else { doubled += total - expected[index] }
        }
        for (index, job) in jobs.enumerated() {
            let listed = try await node.send(.get, "/v1/jobs/\(job)/proposals?limit=500").json["data"]?.arrayValue ?? []
            let ids = Set(listed.compactMap { $0["id"]?.stringValue })
            lost += Int64(proposalsByJob[index].subtracting(ids).count)
            doubled += Int64(listed.count - proposalsByJob[index].intersection(ids).count)
        }
        #expect(lost == 0 && doubled == 0, "connects or proposals lost: \(lost), doubled: \(doubled)")
        // Every key replays its first answer.
        // (A move of the test clock keeps no record: API.md's test clock takes no key.)
        var replayed = 0
        let keyed = operations.filter { if case .clockMove = $0.effect { false } else { true } }
        for operation in keyed {
            let again = try await node.send(.post, operation.path, operation.body, idempotencyKey: operation.key)
            let first = try #require(answered[operation.key])
            #expect(again.status == first.status && again.text == first.body, "\(operation.path)")
            if again.isReplay { replayed += 1 }
        }
        #expect(replayed == keyed.count)
        await node.stop()
        let (status, output) = try CommandLineTests.run(["verify", "--database", location])
        await cluster?.destroy()
        let unavailable = node.unavailable.withLock { $0 }
        // While the database is down, a node answers 503 `unavailable` with Retry-After (those whose
        // connection broke at once; the others wait for the pool's connection, up to its minute).
        #expect(unavailable.withoutRetryAfter == 0, "503s without Retry-After")
        #expect(status == 0, "\(output)")
        let retried = answered.values.filter { $0.attempts > 1 }.count
        let refusals = Dictionary(
            grouping: answered.values.filter { $0.status >= 400 },
            by: { JSONValue.parse($0.body)?["code"]?.stringValue ?? "?" }
        ).map { "\($0.value.count) \($0.key)" }.sorted().joined(separator: ", ")
        print(
            """
            crash campaign (\(victim)): \(operations.count) requests, \(acknowledged) acknowledged (refused: \(refusals)), \
            \(retried) retried \
            after a kill (\(unavailable.seen) answered 503 unavailable), \(killed) kills survived, \(acknowledged + freelancers.count + jobs.count) effects checked, \
            \(replayed) keys replayed; lost: \(lost), doubled: \(doubled); verify: \(status == 0 ? "ok" : "FAILED")
            """)
    }

    /// The first answer to each key, recorded from many tasks, and whether the killer is still at work.
    final class Answers: Sendable {
        let first = Mutex<[String: Answer]>([:])
        let isKilling = Mutex(true)
    }

    /// One `connects serve` process, killed and restarted on the same database; requests go to its
    /// current port.
    final class Node: Sendable {
        let arguments: [String]
        let folder: URL
        private let server = Mutex<ServeProcess?>(nil)
        private let killCount = Mutex(0)
        /// 503s seen, and those without a Retry-After.
        let unavailable = Mutex((seen: 0, withoutRetryAfter: 0))
        /// The process-wide client, which needs no shutdown: a test that fails midway must not crash the
        /// whole run in a client's deinit.
        let client = HTTPClient.shared

        init(arguments: [String], folder: URL) {
            self.arguments = arguments
            self.folder = folder
        }

        var kills: Int { killCount.withLock { $0 } }

        func start() async throws {
            let log = folder.appendingPathComponent("serve-\(kills).log")
            let started = try await ServeProcess.start(arguments, log: log)
            server.withLock { $0 = started }
        }

        /// SIGKILL: no shutdown, no flush; then a new process on the same database.
        func killAndRestart() async throws {
            guard let running = server.withLock({ $0 }) else { return }
            kill(running.process.processIdentifier, SIGKILL)
            for _ in 0..<400 where running.process.isRunning { try await Task.sleep(for: .milliseconds(5)) }
            server.withLock { $0 = nil }
            killCount.withLock { $0 += 1 }
            try await start()
        }

        func stop() async {
            await server.withLock { $0 }?.stop()
        }

        func send(
            _ method: HTTPRequest.Method, _ path: String, _ body: String? = nil, idempotencyKey: String? = nil
        ) async throws -> Reply {
            guard let port = server.withLock({ $0?.port }) else { throw CrashError.down }
            return try await API(client: client, port: port).send(
                method, path, body: body, key: CrashTests.adminKey,
                idempotencyKey: idempotencyKey ?? (method == .post ? UUID().uuidString : nil))
        }

        /// Sends `operation` until the server answers it with anything but unavailable; a connection
        /// that breaks (the server killed) or a server down means: again, with the same key.
        func sendUntilAnswered(_ operation: Operation) async throws -> Answer {
            // Three minutes: a node waits up to the pool's minute for a connection while its database
            // is down, and a retry meanwhile is answered request_in_progress.
            let deadline = ContinuousClock.now + .seconds(180)
            var attempt = 0
            var last = "no answer"
            while ContinuousClock.now < deadline {
                attempt += 1
                let reply: Reply
                do {
                    reply = try await send(.post, operation.path, operation.body, idempotencyKey: operation.key)
                } catch {
                    last = "\(error)"
                    try await Task.sleep(for: .milliseconds(20))
                    continue
                }
                if reply.status != 503, reply.code != "request_in_progress" {
                    return Answer(status: reply.status, body: reply.text, attempts: attempt)
                }
                last = "\(reply.status) \(reply.code ?? "")"
                if reply.status == 503 {
                    unavailable.withLock {
                        $0.seen += 1
                        if reply.headers[.retryAfter] == nil { $0.withoutRetryAfter += 1 }
                    }
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            throw CrashError.neverAnswered(operation.path, attempts: attempt, last: last)
        }
    }

    enum CrashError: Error {
        case down
        case neverAnswered(String, attempts: Int, last: String)
    }
}

extension JSONValue {
    /// The JSON document in `text`, if it is one.
    static func parse(_ text: String) -> JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }
}
