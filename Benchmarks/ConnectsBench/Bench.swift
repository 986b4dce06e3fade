import AsyncHTTPClient
import ConnectsCore
import ConnectsStore
import Foundation
import NIOCore
import Synchronization

/// The benchmark suite of issue 5: a real `connects serve` driven over loopback HTTP from this
/// process, in-process store figures, and the raw store limits (`anchors.sh`) measured in the same run.
public enum Bench {
    /// How big and how long a run is.
    public struct Options: Sendable {
        public var isSmoke: Bool
        /// The `connects` executable to start as the server (this binary).
        public var executable: String
        /// `../shared/bench/anchors.sh`, when present.
        public var anchorsScript: String?
        public var workDirectory: String
        public var seconds: Double
        public var connections: Int
        public var freelancers: Int
        public var jobs: Int
        public var closeProposals: Int
        public var exportEntries: Int
        /// The size of the database figure 7 starts the server on (figure 6's, its feed filled up).
        public var startDatabaseMiB: Int
        public var dueAccounts: Int
        /// A PostgreSQL cluster (`postgres://user@host:port/db`) in which to create fresh databases for
        /// the PostgreSQL figures (3, and 4 again); those are skipped without it.
        public var postgresURL: String?
        /// The figures to measure (1...10); all when empty.
        public var only: Set<Int> = []
        public var progress: @Sendable (String) -> Void

        public init(
            isSmoke: Bool, executable: String, anchorsScript: String?, workDirectory: String,
            progress: @escaping @Sendable (String) -> Void
        ) {
            self.isSmoke = isSmoke
            self.executable = executable
            self.anchorsScript = anchorsScript
            self.workDirectory = workDirectory
            self.progress = progress
            seconds = isSmoke ? 1 : 15
            connections = isSmoke ? 16 : 64
            freelancers = isSmoke ? 16 : 2_000
            jobs = isSmoke ? 4 : 100
            closeProposals = isSmoke ? 50 : 10_000
            exportEntries = isSmoke ? 4_500 : 1_000_000
            startDatabaseMiB = isSmoke ? 4 : 1_024
            dueAccounts = isSmoke ? 200 : 200_000
        }
    }

    static let adminKey = "bench-admin-key-0123456789"

    /// Runs every figure and returns the report.
    public static func run(_ options: Options) async throws -> BenchReport {
        var report = BenchReport(
            mode: options.isSmoke ? "smoke" : "full",
            machine: machineDescription(),
            startedAt: ISO8601DateFormatter().string(from: Date())
        )
        if let script = options.anchorsScript, !options.isSmoke {
            options.progress("anchors: raw SQLite limits (anchors.sh sqlite)")
            report.anchors = runAnchors(script, "sqlite", "5")
        }
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(
                connectionPool: .init(
                    idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: options.connections)
            )
        )
        do {
            var shown = 0
            func show(_ report: BenchReport) {
                for figure in report.figures.dropFirst(shown) {
                    options.progress(String(format: "  -> %@: %.2f %@", figure.name, figure.value, figure.unit))
                }
                shown = report.figures.count
            }
            func wanted(_ figures: Int...) -> Bool { options.only.isEmpty || !options.only.isDisjoint(with: figures) }
            if wanted(1, 7) {
                let database = "\(options.workDirectory)/http.sqlite"
                try await httpFigures(options, client: client, database: database, figure: 1, report: &report)
            }
            show(report)
            if let cluster = options.postgresURL, wanted(3) {
                let database = try PostgresDatabase.create(in: cluster)
                if let script = options.anchorsScript {
                    options.progress("anchors: raw PostgreSQL limit (anchors.sh postgres, 32 clients)")
                    report.anchors.merge(
                        runAnchors(
                            script, "postgres", String(Int(min(options.seconds, 10))), "32",
                            environment: database.environment),
                        uniquingKeysWith: { $1 })
                }
                try await httpFigures(options, client: client, database: database.url, figure: 3, report: &report)
                database.drop()
            }
            show(report)
            if wanted(2) { try await inProcessSpends(options, report: &report) }
            show(report)
            if wanted(4, 11) {
                let path = "\(options.workDirectory)/cycles.sqlite"
                try await cycleGrants(
                    options, store: try SQLiteStore(path: path), label: "SQLite",
                    goal: ">= 50,000/s (1,000,000 accounts)", report: &report)
                try grantFloor(options, granted: path, since: cyclesDue, report: &report)
            }
            show(report)
            if let cluster = options.postgresURL, wanted(4) {
                let database = try PostgresDatabase.create(in: cluster)
                let store = try await PostgresStore.connect(url: database.url)
                try await cycleGrants(
                    options, store: store, label: "PostgreSQL", goal: ">= 10,000/s (1,000,000 accounts)",
                    report: &report)
                await store.shutdown()
                database.drop()
            }
            show(report)
            if wanted(10) { try await manyLots(options, report: &report) }
            show(report)
            if wanted(5) { try await jobClose(options, report: &report) }
            show(report)
            if wanted(6, 7, 9) { try await csvExport(options, client: client, report: &report) }
            show(report)
            if wanted(8) {
                options.progress("core micro-benchmarks (no I/O)")
                report.core = try CoreBench.run(
                    seconds: options.isSmoke ? 0.25 : 2, proposals: options.closeProposals
                ).map {
                    CoreBench.relate($0, to: report.figures)
                }
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        return report
    }

    // MARK: Figures 1 and 7: proposals over HTTP, /healthz, server memory

    /// Figure 1 on SQLite (with figure 7's memory), or figure 3: the same load on PostgreSQL, beside
    /// `anchors.sh postgres` at 32 clients.
    static func httpFigures(
        _ options: Options, client: HTTPClient, database: String, figure: Int, report: inout BenchReport
    ) async throws {
        let server = try await ServerProcess.start(options, database: database)
        defer { server.stop() }
        let api = BenchAPI(client: client, base: server.base)
        if figure == 1 {
            report.figures.append(
                BenchFigure(
                    number: 7, name: "server RSS, idle after start", value: server.residentMiB(), unit: "MiB",
                    goal: "<= 60 MiB")
            )
        }
        options.progress("setup: \(options.freelancers) freelancers, \(options.jobs) jobs")
        let clientID = try await api.createAccount(kind: "client", externalID: "bench-client")
        let jobs = try await concurrently(options.jobs, width: 8) { index in
            try await api.postJob(clientID: clientID, title: "job \(index)")
        }
        let freelancers = try await concurrently(options.freelancers, width: options.connections) { index in
            let id = try await api.createAccount(kind: "freelancer", externalID: "bench-f\(index)")
            try await api.adjust(id, amount: Int64(options.jobs) * 10)
            return id
        }
        options.progress(
            "figure \(figure): proposals over HTTP, \(options.connections) connections, \(Int(options.seconds)) s")
        let next = SharedCounter()
        let total = freelancers.count * jobs.count
        let recorder = LatencyRecorder()
        let peakRSS = Shared(0.0)
        let started = ContinuousClock.now
        let serverCPU = server.cpu()
        let deadline = started + .seconds(options.seconds)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                while ContinuousClock.now < deadline {
                    let rss = server.residentMiB()
                    peakRSS.update { $0 = max($0, rss) }
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            for _ in 0..<options.connections {
                group.addTask {
                    while ContinuousClock.now < deadline {
                        let index = next.next()
                        guard index < total else { return }
                        // Consecutive requests come from different freelancers to different jobs, as on a
                        // real marketplace (each pair once); requests of one account are serialized by design.
                        let freelancer = freelancers[index % freelancers.count]
                        let job = jobs[(index + index / freelancers.count) % jobs.count]
                        let boost = index % 5 == 0 ? #","boost":\#(index % 7 + 1)"# : ""
                        let begin = ContinuousClock.now
                        let status = try await api.post(
                            "/v1/jobs/\(job)/proposals", body: #"{"freelancerId":"\#(freelancer)"\#(boost)}"#,
                            idempotencyKey: "p-\(index)"
                        )
                        let elapsed = ContinuousClock.now - begin
                        recorder.record(seconds: elapsed.seconds, succeeded: status == 201, failure: "status \(status)")
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = (ContinuousClock.now - started).seconds
        let proposalsPerSecond = Double(recorder.succeeded) / elapsed
        // The server's own CPU (not the load generator's in this process, nor PostgreSQL's).
        let serverCPUPerProposal = serverCPU?.microseconds(per: recorder.succeeded, until: server.cpu())
        let latencies = String(
            format: "p50 %.2f ms, p99 %.2f ms, %d ok, %d refused%@", recorder.percentileMilliseconds(0.5),
            recorder.percentileMilliseconds(0.99), recorder.succeeded, recorder.failed,
            recorder.lastFailure.map { " (last: \($0))" } ?? "")
        guard figure == 1 else {
            let anchor = report.anchors["postgres_plpgsql_clients32"]
            report.figures.append(
                BenchFigure(
                    number: 3, name: "durable proposals/s over HTTP (PostgreSQL, one node)", value: proposalsPerSecond,
                    unit: "/s", goal: ">= 1.0 x anchors postgres (32 clients)",
                    ratio: anchor.map { proposalsPerSecond / $0 },
                    ratioLabel: "postgres 32 clients", notes: latencies, cpuMicrosecondsPerItem: serverCPUPerProposal)
            )
            report.figures.append(
                BenchFigure(
                    number: 3, name: "  p99 latency of figure 3", value: recorder.percentileMilliseconds(0.99),
                    unit: "ms", goal: "")
            )
            return
        }
        options.progress("figure 1: /healthz under the same load")
        let health = try await healthz(api: api, options: options)
        report.figures.append(
            BenchFigure(
                number: 1, name: "durable proposals/s over HTTP (SQLite, 20% boosted)", value: proposalsPerSecond,
                unit: "/s",
                goal: ">= 10,000/s, p99 <= 20 ms, >= 0.30 x /healthz", ratio: proposalsPerSecond / max(health, 1),
                ratioLabel: "/healthz", notes: latencies + String(format: ", /healthz %.0f req/s", health),
                cpuMicrosecondsPerItem: serverCPUPerProposal
            )
        )
        report.figures.append(
            BenchFigure(
                number: 1, name: "  p99 latency of figure 1", value: recorder.percentileMilliseconds(0.99), unit: "ms",
                goal: "<= 20 ms")
        )
        report.figures.append(
            BenchFigure(
                number: 7, name: "server RSS, peak during figure 1", value: peakRSS.current, unit: "MiB",
                goal: "<= 200 MiB")
        )
    }

    static func healthz(api: BenchAPI, options: Options) async throws -> Double {
        let count = SharedCounter()
        let seconds = min(options.seconds, 5)
        let deadline = ContinuousClock.now + .seconds(seconds)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<options.connections {
                group.addTask {
                    while ContinuousClock.now < deadline {
                        if try await api.get("/healthz") == 200 { _ = count.next() }
                    }
                }
            }
            try await group.waitForAll()
        }
        return Double(count.current) / seconds
    }

    // MARK: Figure 2: in-process spends

    /// Spends in flight at once in figure 2: as many as one shared transaction carries
    /// (`GroupCommitter.batchSizeMax`), so that a batch fills while the one before it is synced (with 256,
    /// about 10,800 spends/s instead of 12,500).
    static let spendWorkers = 1_000

    static func inProcessSpends(_ options: Options, report: inout BenchReport) async throws {
        options.progress("figure 2: in-process durable spends")
        let store = try SQLiteStore(path: "\(options.workDirectory)/inprocess.sqlite")
        let policy = Policy.standard.ledgerPolicy(version: 1)
        let accounts = try await concurrently(1_000, width: 64) { index in
            let id = try await store.createFreelancer("s\(index)", policy: policy)
            try await store.buy(100_000, for: id, cause: "\(index)", policy: policy)
            return id
        }
        let done = SharedCounter()
        let cpu = ProcessCPU.now
        let started = ContinuousClock.now
        let deadline = started + .seconds(options.seconds)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<Self.spendWorkers {
                group.addTask {
                    var index = worker
                    while ContinuousClock.now < deadline {
                        let command = LedgerCommand.debit(
                            .init(kind: .spend, amount: 1, cause: Cause(type: "bench", id: "\(index)")))
                        _ = try await store.perform(
                            .ledger(accountID: accounts[index % accounts.count], command: command),
                            now: Instant.benchNow.adding(ContinuousClock.now - started),
                            policy: policy, idempotency: nil
                        )
                        _ = done.next()
                        index += Self.spendWorkers
                    }
                }
            }
            try await group.waitForAll()
        }
        let perSecond = Double(done.current) / (ContinuousClock.now - started).seconds
        let anchor = report.anchors["sqlite_wal_full_batch1000"]
        report.figures.append(
            BenchFigure(
                number: 2, name: "in-process durable spends/s (SQLite, group commit)", value: perSecond, unit: "/s",
                goal: ">= 0.5 x anchors sqlite batch 1000", ratio: anchor.map { perSecond / $0 },
                ratioLabel: "sqlite batch1000", cpuMicrosecondsPerItem: cpu.microseconds(per: done.current)
            )
        )
    }

    // MARK: Figure 10: writes to an account with many lots

    /// Writes to one account, in-process on SQLite: a credit of one connect (a new lot, as a daily
    /// streak's reward) and a spend of one, taken in turns by 64 writers (enough that a shared commit's
    /// sync does not hide the writer's work), on an account holding 10 live lots and on one holding
    /// 10,000. A write reads the lots its decision needs (`LotSelection`), not every lot: the two rates
    /// should be within 20% of each other.
    static func manyLots(_ options: Options, report: inout BenchReport) async throws {
        let store = try SQLiteStore(path: "\(options.workDirectory)/lots.sqlite")
        let policy = Policy.standard.ledgerPolicy(version: 1)
        let sizes = [10, options.isSmoke ? 500 : 10_000]
        // Both accounts are filled before either is measured, so that both run on the same database.
        var accounts: [String] = []
        for lots in sizes {
            options.progress("figure 10: an account with \(lots) live lots")
            let account = try await store.createFreelancer("lots\(lots)", policy: policy)
            // The plan's and sign-up's lots are among them; the others are bundles of one connect.
            _ = try await concurrently(lots - 2, width: 64) { index in
                try await store.buy(1, for: account, cause: "\(lots)-\(index)", policy: policy)
            }
            accounts.append(account)
        }
        var rates: [Double] = []
        for (lots, account) in zip(sizes, accounts) {
            options.progress("figure 10: writes to one account with \(lots) live lots")
            let done = SharedCounter()
            let cpu = ProcessCPU.now
            let started = ContinuousClock.now
            let deadline = started + .seconds(options.seconds / 2)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<64 {
                    group.addTask {
                        var turn = worker
                        while ContinuousClock.now < deadline {
                            let cause = Cause(type: "bench", id: "\(turn)")
                            let command: LedgerCommand =
                                turn % 2 == 0
                                ? .credit(.init(kind: .reward, source: .reward, amount: 1, cause: cause))
                                : .debit(.init(kind: .spend, amount: 1, cause: cause))
                            let result = try await store.perform(
                                .ledger(accountID: account, command: command),
                                now: Instant.benchNow.adding(ContinuousClock.now - started), policy: policy,
                                idempotency: nil)
                            guard case .done(.success, _) = result else { throw BenchError.setup("\(result)") }
                            _ = done.next()
                            turn += 64
                        }
                    }
                }
                try await group.waitForAll()
            }
            let perSecond = Double(done.current) / (ContinuousClock.now - started).seconds
            rates.append(perSecond)
            report.figures.append(
                BenchFigure(
                    number: 10, name: "writes/s to one account with \(lots) live lots (SQLite)", value: perSecond,
                    unit: "/s", goal: lots == 10 ? "" : "within 20% of 10 lots",
                    ratio: lots == 10 ? nil : perSecond / rates[0], ratioLabel: lots == 10 ? nil : "10 lots",
                    cpuMicrosecondsPerItem: cpu.microseconds(per: done.current))
            )
        }
    }

    // MARK: Figure 4: cycle grants

    /// When figure 4's accounts are all due: 32 days after they opened, past every first cycle's end.
    static let cyclesDue = Instant.benchNow.adding(days: 32)

    static func cycleGrants(
        _ options: Options, store: some LedgerStore, label: String, goal: String, report: inout BenchReport
    ) async throws {
        options.progress("figure 4: \(options.dueAccounts) accounts falling due at once (\(label))")
        let policy = Policy.standard.ledgerPolicy(version: 1)
        // Opened a millisecond apart, as a marketplace's accounts open over time (opened at one instant,
        // their identifiers would fall at random places in the indexes, which outgrow the page cache).
        _ = try await concurrently(options.dueAccounts, width: 256) { index in
            try await store.createFreelancer(
                "c\(index)", policy: policy, at: Instant.benchNow.adding(milliseconds: Int64(index)))
        }
        let cpu = ProcessCPU.now
        let started = ContinuousClock.now
        // As the server's scheduler runs it: passes of `dueItemsPerPass` until none is full, each at the
        // time of a clock that starts when all have fallen due.
        let granted = try await store.runAllDueWork(
            now: { cyclesDue.adding(ContinuousClock.now - started) }, policy: policy)
        let perSecond = Double(granted) / (ContinuousClock.now - started).seconds
        report.figures.append(
            BenchFigure(
                number: 4, name: "cycle grants, \(options.dueAccounts) accounts due at once (\(label))",
                value: perSecond,
                unit: "accounts/s", goal: goal,
                // On PostgreSQL most of the work is the database server's, not this process's.
                cpuMicrosecondsPerItem: store is SQLiteStore ? cpu.microseconds(per: granted) : nil
            )
        )
    }

    // MARK: Figure 5: closing a job with many proposals

    static func jobClose(_ options: Options, report: inout BenchReport) async throws {
        options.progress("figure 5: closing a job with \(options.closeProposals) proposals")
        let store = try SQLiteStore(path: "\(options.workDirectory)/close.sqlite")
        let policy = Policy.standard.ledgerPolicy(version: 1)
        let clientResult = try await store.perform(
            .createAccount(.init(externalID: "close-client", kind: .client)), now: Instant.benchNow, policy: policy,
            idempotency: nil
        )
        guard case .done(.success(.ledger(let client, _, _)), _) = clientResult else {
            throw BenchError.setup("client")
        }
        let job = try JobBook.post(
            id: "job_bench", clientID: client.account.id, title: "popular", budget: nil, connectCost: nil,
            hiringDeadline: nil,
            now: Instant.benchNow, policy: policy.economy
        )
        _ = try await store.perform(.postJob(job), now: Instant.benchNow, policy: policy, idempotency: nil)
        // The proposals arrive a millisecond apart, each from an account opened just before, as over a
        // popular job's first minutes (at one instant, their identifiers would fall at random places
        // in the indexes, as no server's clock puts them).
        _ = try await concurrently(options.closeProposals, width: 256) { index in
            let now = Instant.benchNow.adding(milliseconds: Int64(index))
            let id = try await store.createFreelancer("j\(index)", policy: policy, at: now)
            _ = try await store.perform(
                .submitProposal(
                    jobID: job.id, freelancerID: id, agencyID: nil, boost: index % 5 == 0 ? Int64(index % 9 + 1) : nil,
                    proposalID: Identifier.make("prop_", at: now)),
                now: now, policy: policy, idempotency: nil
            )
            return id
        }
        let started = ContinuousClock.now
        let closed = try await store.perform(
            .jobAction(jobID: job.id, .close(.closed)),
            now: Instant.benchNow.adding(milliseconds: Int64(options.closeProposals)), policy: policy,
            idempotency: nil
        )
        let seconds = (ContinuousClock.now - started).seconds
        guard case .done(.success, _) = closed else { throw BenchError.setup("close: \(closed)") }
        report.figures.append(
            BenchFigure(
                number: 5, name: "closing a job with \(options.closeProposals) proposals (SQLite)", value: seconds,
                unit: "s",
                goal: "<= 1 s (10,000 proposals)"
            )
        )
    }

    // MARK: Figure 9: the history page seeks

    /// The freelancer's history page, first page, on an account with a long history and on one with ten
    /// entries (both dated 2026-01-01): the default 30 days (nothing in it: the worst case for a scan), a
    /// day full of movements, and a kind rare in it. Median of 15 requests each, through a portal session.
    static func historyPages(
        server: ServerProcess, accounts: [(label: String, id: String)], report: inout BenchReport
    ) async throws {
        let browser = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        do {
            try await historyPages(server: server, accounts: accounts, browser: browser, report: &report)
        } catch {
            try? await browser.shutdown()
            throw error
        }
        try await browser.shutdown()
    }

    private static func historyPages(
        server: ServerProcess, accounts: [(label: String, id: String)], browser: HTTPClient,
        report: inout BenchReport
    ) async throws {
        let pages = [
            ("30 days, nothing recent", "/portal/history"),
            ("one busy day", "/portal/history?period=custom&since=2026-01-01&until=2026-01-01"),
            ("a rare kind that day", "/portal/history?period=custom&since=2026-01-01&until=2026-01-01&kind=grant"),
        ]
        for (label, id) in accounts {
            var link = HTTPClientRequest(url: "\(server.base)/v1/portal-sessions")
            link.method = .POST
            link.headers.add(name: "authorization", value: "Bearer \(adminKey)")
            link.body = .bytes(ByteBuffer(string: #"{"accountId":"\#(id)"}"#))
            let linkBody = try await browser.execute(link, timeout: .seconds(30)).body.collect(upTo: 1 << 16)
            guard let url = String(buffer: linkBody).firstMatch(of: /"url":"([^"]+)"/)?.1 else {
                throw BenchError.server("no portal link: \(String(buffer: linkBody))")
            }
            let entered = try await browser.execute(HTTPClientRequest(url: String(url)), timeout: .seconds(30))
            guard let cookie = entered.headers["set-cookie"].first?.split(separator: ";").first else {
                throw BenchError.server("the portal link opened no session")
            }
            for (name, path) in pages {
                var times: [Double] = []
                for _ in 0..<15 {
                    var request = HTTPClientRequest(url: server.base + path)
                    request.headers.add(name: "cookie", value: String(cookie))
                    let started = ContinuousClock.now
                    let response = try await browser.execute(request, timeout: .seconds(60))
                    _ = try await response.body.collect(upTo: 1 << 22)
                    guard response.status == .ok else { throw BenchError.server("\(path): \(response.status)") }
                    times.append((ContinuousClock.now - started).seconds * 1_000)
                }
                report.figures.append(
                    BenchFigure(
                        number: 9, name: "history page, \(name), account of \(label) entries",
                        value: times.sorted()[times.count / 2], unit: "ms",
                        goal: "the same with 1,000,000 entries as with 10"))
            }
        }
    }

    // MARK: Figures 6 and 7: CSV export and start on an existing database

    static func csvExport(_ options: Options, client: HTTPClient, report: inout BenchReport) async throws {
        options.progress("figure 6: preparing an account with \(options.exportEntries) entries")
        let path = "\(options.workDirectory)/export.sqlite"
        let accountID: String
        let smallID: String
        do {
            let store = try SQLiteStore(path: path)
            let policy = Policy.standard.ledgerPolicy(version: 1)
            accountID = try await store.createFreelancer("export", policy: policy)
            // Figure 9's other account: ten entries.
            smallID = try await store.createFreelancer("small", policy: policy)
            for index in 0..<8 { try await store.buy(5, for: smallID, cause: "small \(index)", policy: policy) }
            let credits = options.exportEntries / 90_000 + 1
            for index in 0..<credits {
                try await store.buy(90_000, for: accountID, cause: "\(index)", policy: policy)
            }
            let remaining = options.exportEntries - credits - 2
            _ = try await concurrently(remaining, width: 256) { index in
                let command: LedgerCommand = .debit(
                    .init(kind: .spend, amount: 1, cause: Cause(type: "bench", id: "\(index)")))
                let performed = try await store.perform(
                    .ledger(accountID: accountID, command: command), now: Instant.benchNow, policy: policy,
                    idempotency: nil)
                guard case .done(.success, _) = performed else { throw BenchError.setup("export debit: \(performed)") }
            }
        }
        let server = try await ServerProcess.start(options, database: path)
        defer { server.stop() }
        options.progress("figure 6: CSV export over HTTP")
        let before = server.residentMiB()
        let peak = Shared(before)
        let started = ContinuousClock.now
        var request = HTTPClientRequest(url: "\(server.base)/v1/accounts/\(accountID)/entries")
        request.headers.add(name: "authorization", value: "Bearer \(adminKey)")
        request.headers.add(name: "accept", value: "text/csv")
        let response = try await client.execute(request, timeout: .seconds(600))
        var rows = 0
        var sampled = ContinuousClock.now
        for try await var chunk in response.body {
            // Counted over raw bytes: a lazy filter of the byte view cost this process a third of a core,
            // on the cores the server needs.
            rows += chunk.withUnsafeReadableBytes { bytes in bytes.reduce(0) { $1 == 10 ? $0 + 1 : $0 } }
            chunk.clear()
            if ContinuousClock.now - sampled > .milliseconds(200) {
                sampled = ContinuousClock.now
                let rss = server.residentMiB()
                peak.update { $0 = max($0, rss) }
            }
        }
        let seconds = (ContinuousClock.now - started).seconds
        // Every entry, once: the export streams page after page (the smoke run spans several).
        guard rows - 1 == options.exportEntries else {
            throw BenchError.server("the CSV export had \(rows - 1) rows for \(options.exportEntries) entries")
        }
        report.figures.append(
            BenchFigure(
                number: 6, name: "CSV export, \(rows - 1) entries", value: Double(rows - 1) / seconds, unit: "rows/s",
                goal: ">= 200,000 rows/s, memory growth <= 64 MiB",
                notes: String(format: "server RSS growth %.1f MiB", peak.current - before)
            )
        )
        report.figures.append(
            BenchFigure(
                number: 6, name: "  server memory growth during export", value: peak.current - before, unit: "MiB",
                goal: "<= 64 MiB")
        )
        try await historyPages(
            server: server, accounts: [("\(options.exportEntries)", accountID), ("10", smallID)],
            report: &report)
        guard options.only.isEmpty || options.only.contains(7) else { return }
        // Filled after the export, so that writing the fill out does not share the disk with it.
        server.stop()
        options.progress("figure 7: filling the database to \(options.startDatabaseMiB) MiB")
        try await fill(try SQLiteStore(path: path), accountID: accountID, toMiB: options.startDatabaseMiB)
        let restarted = try await ServerProcess.start(options, database: path)
        defer { restarted.stop() }
        report.figures.append(
            BenchFigure(
                number: 7, name: "start on an existing database (\(restarted.databaseMiB) MiB)",
                value: restarted.startSeconds, unit: "s",
                goal: "<= 1 s (1 GiB database)"
            )
        )
    }

    /// Adds to the account's notification feed until the database holds `mebibytes`: figure 7's goal
    /// is a start on a 1 GiB database, and figure 6's 1,000,000 entries make about 420 MiB. The events
    /// are those its spends would have sent had they been proposals, about a tenth of the size to a
    /// statement (at most 250,000 events, at least 1,000).
    static func fill(_ store: SQLiteStore, accountID: String, toMiB mebibytes: Int) async throws {
        let perStatement = min(250_000, max(1_000, (mebibytes << 20) / 2_560))
        for batch in 0..<100 {
            let size = try await store.read { db in
                try db.fetchAll(
                    "SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()", [])
            }
            guard (size[0]["bytes"] as Int) < mebibytes << 20 else { return }
            try await store.write { db in
                try db.execute(
                    """
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?4)
                    INSERT INTO events (id, type, account_id, data, created_at)
                    SELECT printf('evt_fill%02d%06d', ?1, i), 'proposal.submitted', ?2,
                      printf('{"jobId":"job_fill","proposalId":"prop_fill%02d%06d"}', ?1, i), ?3
                    FROM n
                    """, [batch, accountID, Instant.benchNow, perStatement])
            }
        }
    }

    // MARK: Helpers

    /// Runs `count` jobs with at most `width` at once, returning results in order.
    static func concurrently<T: Sendable>(
        _ count: Int, width: Int, _ body: @escaping @Sendable (Int) async throws -> T
    ) async throws -> [T] {
        let next = SharedCounter()
        let results = Shared([T?](repeating: nil, count: count))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<min(width, max(count, 1)) {
                group.addTask {
                    while true {
                        let index = next.next()
                        guard index < count else { return }
                        let value = try await body(index)
                        results.update { $0[index] = value }
                    }
                }
            }
            try await group.waitForAll()
        }
        return results.current.map { $0! }
    }

    /// Runs `anchors.sh` with `arguments` and parses its `anchor=<name> ops_per_s=<n>` lines.
    static func runAnchors(
        _ script: String, _ arguments: String..., environment: [String: String] = [:]
    )
        -> [String: Double]
    {
        let process = Process()
        // The child inherits this thread's blocked signals, and pgbench ends its run with SIGALRM: perl
        // unblocks every signal before it runs the script (perl is part of every Debian system).
        process.executableURL = URL(fileURLWithPath: "/usr/bin/perl")
        process.arguments =
            ["-MPOSIX", "-e", "sigprocmask(SIG_SETMASK, POSIX::SigSet->new); exec @ARGV", "/bin/bash", script]
            + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return [:] }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var anchors: [String: Double] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let fields = Dictionary(
                uniqueKeysWithValues: line.split(separator: " ").compactMap { field -> (String, String)? in
                    let parts = field.split(separator: "=", maxSplits: 1)
                    return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
                })
            if let name = fields["anchor"], let value = fields["ops_per_s"].flatMap(Double.init) {
                anchors[name] = value
            }
        }
        return anchors
    }

    static func machineDescription() -> String {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let memory = ProcessInfo.processInfo.physicalMemory / 1_073_741_824
        return "\(cores) cores, \(memory) GiB, \(ProcessInfo.processInfo.operatingSystemVersionString)"
    }
}

enum BenchError: Error {
    case setup(String)
    case server(String)
}

extension Instant {
    /// The bench's fixed "now", so that runs are comparable.
    static let benchNow = Instant(millisecondsSinceEpoch: 1_767_225_600_000)

    /// The instant `duration` after this one, to the millisecond: with the time since a figure started,
    /// a clock that moves on as the server's does.
    func adding(_ duration: Duration) -> Instant { adding(milliseconds: Int64(duration.seconds * 1_000)) }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

extension LedgerStore {
    func createFreelancer(
        _ externalID: String, policy: LedgerPolicy, at now: Instant = .benchNow
    ) async throws
        -> String
    {
        let result = try await perform(
            .createAccount(.init(externalID: externalID, kind: .freelancer)), now: now, policy: policy,
            idempotency: nil
        )
        guard case .done(.success(let value), _) = result, let id = value.snapshot?.account.id else {
            throw BenchError.setup("account \(externalID): \(result)")
        }
        return id
    }

    /// Credits `amount` purchased connects to `accountID`.
    func buy(_ amount: Int64, for accountID: String, cause: String, policy: LedgerPolicy) async throws {
        let credit = LedgerCommand.credit(
            .init(kind: .purchase, source: .purchase, amount: amount, cause: Cause(type: "bench", id: cause)))
        _ = try await perform(
            .ledger(accountID: accountID, command: credit), now: Instant.benchNow, policy: policy, idempotency: nil)
    }
}
