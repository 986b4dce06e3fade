import ConnectsCore

/// Micro-benchmarks of the pure core's hot paths: the decisions the figures' writes are made of, timed
/// without a database, so that a figure's time can be split between the core and the store.
///
/// (ordo-one's package-benchmark would be the tool, but its Linux build with Swift 6.3 depends on
/// swift-runtime-interposer, which the package mirror does not have: it cannot resolve here.)
enum CoreBench {
    /// Measures each hot path for about `seconds`; the job that closes has `proposals` proposals.
    static func run(seconds: Double, proposals: Int) throws -> [CoreMeasurement] {
        let policy = LedgerPolicy.standard
        let now = Instant.benchNow
        var opened = AccountLedger(
            account: Account(id: "acct_bench", externalID: "bench", kind: .freelancer, plan: "basic", createdAt: now),
            lots: [], holds: [], balance: .zero, lastSequence: 0)
        try opened.execute(.open, now: now, policy: policy)
        for index in 0..<10 {
            let credit = LedgerCommand.credit(
                .init(kind: .purchase, source: .purchase, amount: 50, cause: Cause(type: "bench", id: "\(index)")))
            try opened.execute(credit, now: now, policy: policy)
        }
        opened.clearChanges()
        let spend = LedgerCommand.debit(.init(kind: .spend, amount: 8, cause: Cause(type: "proposal", id: "p")))
        var spent = opened
        let spendEntry = try spent.execute(spend, now: now, policy: policy)!
        spent.clearChanges()
        let returnSpend = LedgerCommand.returnSpend(
            .init(original: spendEntry, rule: "returns.jobClosedWithoutHire", cause: Cause(type: "job", id: "j")))
        let cycleDue = now.adding(days: 32)
        let proposalBody = Array(#"{"freelancerId":"acct_01KBJ5W2E7X9Q4M3N8P6R2T1VZ","boost":3}"#.utf8)

        let job = try JobBook.post(
            id: "job_bench", clientID: "acct_client", title: "popular", budget: nil, connectCost: nil,
            hiringDeadline: nil, now: now, policy: policy.economy)
        var popular = JobBook(job: job, proposals: [])
        for index in 0..<proposals {
            try popular.submit(
                proposal("prop_\(index)", job: job.id, now: now), boost: index % 5 == 0 ? Int64(index % 9 + 1) : nil,
                now: now, policy: policy.economy)
        }
        _ = popular.takeEffects()
        let fresh = JobBook(job: job, proposals: [])
        let event: [String: JSONValue] = [
            "entryId": .string(spendEntry.id), "kind": .string("return"), "amount": .int(8),
            "balance": .object(["total": .int(500), "held": .int(0), "available": .int(500)]),
            "cause": .object(["type": .string("job"), "id": .string("job_bench")]),
            "rule": .string("returns.jobClosedWithoutHire"),
        ]

        var sink = 0
        var submitted = 0
        let measurements = [
            try measure("spend a proposal's fee (from an allotment and 10 bundles)", seconds: seconds) {
                var ledger = opened
                sink &+= Int(try ledger.execute(spend, now: now, policy: policy)?.sequence ?? 0)
            },
            try measure("return a spend", seconds: seconds) {
                var ledger = spent
                sink &+= Int(try ledger.execute(returnSpend, now: now, policy: policy)?.sequence ?? 0)
            },
            try measure("start a due cycle (the monthly allotment)", seconds: seconds, figure: 4) {
                var ledger = opened
                _ = try ledger.execute(.startDueCycle, now: cycleDue, policy: policy)
                sink &+= ledger.changes.entries.count
            },
            try measure("submit a proposal, every fifth boosted (a job's book)", seconds: seconds) {
                var book = fresh
                submitted += 1
                try book.submit(
                    proposal("prop_x", job: job.id, now: now), boost: submitted % 5 == 0 ? 3 : nil, now: now,
                    policy: policy.economy)
                sink &+= book.effects.count
            },
            try measure(
                "close a job of \(proposals) proposals (the decision, on a copy of the book)", seconds: seconds,
                figure: 5
            ) {
                var book = popular
                try book.close(status: .closed, rule: "returns.jobClosedWithoutHire", now: now)
                sink &+= book.effects.count
            },
            measure("make an identifier", seconds: seconds) {
                sink &+= Identifier.make(Identifier.entry, at: now).utf8.count
            },
            measure("serialize an event's data (JSON)", seconds: seconds) {
                sink &+= JSONValue.object(event).serializedText.utf8.count
            },
            measure("read a boosted proposal's request body (JSON)", seconds: seconds) {
                if case .object(let members) = try? JSONValue(parsing: proposalBody) { sink &+= members.count }
            },
        ]
        // What the bodies computed is used, so that none of their work is optimized away.
        keep(sink)
        return measurements
    }

    @inline(never)
    private static func keep(_ value: Int) {
        if value == Int.min { print("") }
    }

    /// `measurement` with the share it takes of its figure's time per item, from the figure's first
    /// row (figure 4: accounts per second; figure 5: seconds for the one close).
    static func relate(_ measurement: CoreMeasurement, to figures: [BenchFigure]) -> CoreMeasurement {
        guard let number = measurement.figure, let figure = figures.first(where: { $0.number == number }),
            figure.value > 0
        else { return measurement }
        let itemNanoseconds = figure.unit == "s" ? figure.value * 1e9 : 1e9 / figure.value
        var related = measurement
        related.shareOfFigure = measurement.nanoseconds / itemNanoseconds
        return related
    }

    private static func proposal(_ id: String, job: String, now: Instant) -> Proposal {
        let freelancer = "acct_\(id)"
        return Proposal(
            id: id, jobID: job, freelancerID: freelancer, agencyID: nil, payerID: freelancer, fee: 0,
            isInvited: false, submittedAt: now)
    }

    /// Times `body` in five rounds of about a fifth of `seconds` each, after one untimed call, and
    /// keeps the median round's time per call.
    private static func measure(
        _ name: String, seconds: Double, figure: Int? = nil, _ body: () throws -> Void
    ) rethrows -> CoreMeasurement {
        try body()
        var calls = 1
        while true {
            let started = ContinuousClock.now
            for _ in 0..<calls { try body() }
            let elapsed = (ContinuousClock.now - started).seconds
            if elapsed >= seconds / 25 || calls >= 1 << 30 {
                calls = max(1, Int(Double(calls) * seconds / 5 / max(elapsed, 1e-9)))
                break
            }
            calls *= 4
        }
        var rounds: [Double] = []
        for _ in 0..<5 {
            let started = ContinuousClock.now
            for _ in 0..<calls { try body() }
            rounds.append((ContinuousClock.now - started).seconds * 1e9 / Double(calls))
        }
        return CoreMeasurement(name: name, nanoseconds: rounds.sorted()[2], figure: figure)
    }
}
