import ConnectsCore
import ConnectsStore

/// The simulated people and what they remember, acting day by day through the store.
///
/// It keeps only what its people decide from: who they are, what they can spend (read from the store
/// each morning, less what they decide to spend that day), the jobs they may see and the proposals
/// each job holds. What happened to connects is the store's, and is read from it at the end.
///
/// Each phase of a day (joining, posting, looking for work, deciding) is decided first, from these
/// numbers and seeded random draws, then carried out by ``execute(_:)``: the same seed makes the same
/// decisions, and the same decisions the same outcomes.
struct SimulatedMarketplace {
    let simulation: Simulation
    let store: SQLiteStore
    let policy: LedgerPolicy
    var freelancers: [Freelancer]
    var clients: [String] = []
    var jobs: [Job] = []
    /// Indexes into `jobs` of those posted in the last `freshDays` days, by day posted.
    var freshJobs: [[Int]] = []
    /// Indexes into `jobs` of those whose client comes back on a day, by day.
    var toDecide: [Int: [Int]] = [:]
    var daily: [SimulationReport.Day] = []
    var counts = SimulationReport.Counts()
    /// Milliseconds into the current day of the next action: actions get distinct, increasing times.
    var tick: Int64 = 0
    var today = 0
    /// The freelancers' choices: one stream for the run.
    var random: SeededGenerator

    struct Freelancer {
        var accountID = ""
        let skill: Double
        let joinDay: Int
        let isNewcomer: Bool
        var available: Int64 = 0
        var proposals = 0
        var hires = 0
        var hasLeft = false

        var winRate: Double { Double(hires + 1) / Double(proposals + 5) }
    }

    struct Job {
        let id: String
        let cost: Int64
        let fate: Fate
        let decideDay: Int
        /// The job's own numbers, so that what happens to it does not depend on what else ran.
        var random: SeededGenerator
        var proposals: [(id: String, freelancer: Int, isBoosted: Bool)] = []
        /// Whether its client has hired or closed it.
        var isDecided = false

        enum Fate {
            case hire
            case ghost
            case closeWithoutHire
        }
    }

    init(simulation: Simulation, store: SQLiteStore) {
        self.simulation = simulation
        self.store = store
        self.policy = simulation.policy.ledgerPolicy(version: 1)
        let settings = simulation.settings
        let model = simulation.model.freelancers
        var people = SeededGenerator(seed: settings.seed, stream: 1)
        freelancers = (0..<settings.freelancers).map { _ in
            let isNewcomer = people.chance(model.newcomers)
            return Freelancer(
                skill: Double.random(in: model.skill.min...model.skill.max, using: &people),
                joinDay: isNewcomer && settings.days > 1 ? Int.random(in: 1..<settings.days, using: &people) : 0,
                isNewcomer: isNewcomer && settings.days > 1)
        }
        random = SeededGenerator(seed: settings.seed, stream: 2)
    }

    /// The time of the next action today.
    mutating func now() -> Instant {
        tick += 10
        return Simulation.origin.adding(days: Int64(today)).adding(milliseconds: 6 * 3_600_000 + tick)
    }

    /// An operation planned now, to be carried out at `time` by ``execute(_:)``.
    mutating func plan(_ operation: StoreOperation, touching keys: [String]) -> PlannedOperation {
        PlannedOperation(operation: operation, time: now(), keys: keys)
    }

    /// Carries out `plan` as the server would carry out operators' requests, and returns the outcomes
    /// in the plan's order.
    ///
    /// Operations run concurrently, so that the store commits many in one transaction (as it does for
    /// concurrent requests), but in waves: an operation runs after every earlier one that shares a key
    /// (an account or a job) has finished. Two operations that share nothing do not affect each other's
    /// outcome, so the outcomes are those of running the plan in order, whatever the order of commits.
    func execute(_ plan: [PlannedOperation]) async throws -> [Result<OperationResult, ConnectsError>] {
        var waves: [[Int]] = []
        var lastWave: [String: Int] = [:]
        for (index, planned) in plan.enumerated() {
            let wave = planned.keys.map { (lastWave[$0] ?? -1) + 1 }.max() ?? 0
            if wave == waves.count { waves.append([]) }
            waves[wave].append(index)
            for key in planned.keys { lastWave[key] = wave }
        }
        var results = [Result<OperationResult, ConnectsError>?](repeating: nil, count: plan.count)
        for wave in waves {
            // Bounded: at most this many writes wait on the store at once.
            for start in stride(from: 0, to: wave.count, by: Self.concurrentWritesMax) {
                let chunk = wave[start..<min(start + Self.concurrentWritesMax, wave.count)]
                try await withThrowingTaskGroup(of: (Int, Result<OperationResult, ConnectsError>).self) { group in
                    for index in chunk {
                        let planned = plan[index]
                        group.addTask { [store, policy] in
                            let performed = try await store.perform(
                                planned.operation, now: planned.time, policy: policy, idempotency: nil)
                            guard case .done(let result, _) = performed else {
                                preconditionFailure("no idempotency key was sent")
                            }
                            return (index, result)
                        }
                    }
                    for try await (index, result) in group { results[index] = result }
                }
            }
        }
        return results.map { $0! }
    }

    static let concurrentWritesMax = 2_000

    // MARK: A day

    mutating func run(day: Int) async throws {
        today = day
        tick = 0
        let morning = Simulation.origin.adding(days: Int64(day))
        // The scheduler's pass of the morning: allotments, expiries, job decisions and returns due.
        _ = try await store.runAllDueWork(now: { morning }, policy: policy)
        let balances = try await store.availableBalances(of: .freelancer)
        for index in freelancers.indices where !freelancers[index].accountID.isEmpty {
            freelancers[index].available = balances[freelancers[index].accountID] ?? 0
        }
        try await join(day: day)
        try await postJobs(day: day)
        let proposalsBefore = counts.proposals
        try await lookForWork(day: day)
        try await decide(day: day)
        var active = freelancers.filter { !$0.accountID.isEmpty && !$0.hasLeft }.map(\.available)
        active.sort()
        daily.append(
            SimulationReport.Day(
                proposals: counts.proposals - proposalsBefore,
                medianBalance: active.isEmpty ? 0 : active[active.count / 2],
                activeFreelancers: active.count))
    }

    /// Freelancers joining today open an account (on the policy's first plan) and get the signup
    /// reward; on the first day the clients open theirs too.
    mutating func join(day: Int) async throws {
        if day == 0 {
            var plan: [PlannedOperation] = []
            for index in 0..<simulation.settings.clients {
                let account = StoreOperation.NewAccount(
                    externalID: "sim-client-\(index)", kind: .client, name: "Client \(index)")
                plan.append(self.plan(.createAccount(account), touching: ["client \(index)"]))
            }
            clients = try await execute(plan).map(Self.accountID)
        }
        let joining = freelancers.indices.filter { freelancers[$0].joinDay == day }
        var plan: [PlannedOperation] = []
        for index in joining {
            let account = StoreOperation.NewAccount(
                externalID: "sim-freelancer-\(index)", kind: .freelancer, name: "Freelancer \(index)",
                plan: simulation.policy.plans.first?.key)
            plan.append(self.plan(.createAccount(account), touching: ["freelancer \(index)"]))
        }
        for (index, result) in zip(joining, try await execute(plan)) {
            freelancers[index].accountID = try Self.accountID(result)
        }
        if simulation.policy.reward("signup") != nil {
            let rewards = joining.map { index in
                let id = freelancers[index].accountID
                return self.plan(.reward(key: "signup", scope: nil, accountID: id), touching: [id])
            }
            _ = try await execute(rewards)
        }
        // What they start with is read in the morning; today's is read here.
        let balances = try await store.availableBalances(of: .freelancer)
        for index in joining { freelancers[index].available = balances[freelancers[index].accountID] ?? 0 }
    }

    static func accountID(_ result: Result<OperationResult, ConnectsError>) throws -> String {
        guard let id = try result.get().snapshot?.account.id else {
            preconditionFailure("an account was created without its snapshot")
        }
        return id
    }

    /// Each client posts a job with the model's probability; the job's fate is drawn when it is posted,
    /// from its own numbers.
    mutating func postJobs(day: Int) async throws {
        let model = simulation.model.clients
        var postings = SeededGenerator(seed: simulation.settings.seed, stream: 1_000_000 + UInt64(day))
        var posted: [Int] = []
        var plan: [PlannedOperation] = []
        for client in clients where postings.chance(model.jobsPer30Days / 30) {
            var random = SeededGenerator(seed: simulation.settings.seed, stream: 1_000_000_000 + UInt64(jobs.count))
            let budget = Self.draw(model.budgets, weight: \.share, using: &random)?.minor.map {
                Policy.Money(currency: simulation.policy.pricing.pricePerConnect.currency, minor: $0)
            }
            let fateDraw = Double.random(in: 0..<1, using: &random)
            let fate: Job.Fate =
                fateDraw < model.hire ? .hire : fateDraw < model.hire + model.ghost ? .ghost : .closeWithoutHire
            let decideDay = day + Int.random(in: model.decideAfterDays.min...model.decideAfterDays.max, using: &random)
            let time = now()
            let deadline =
                random.chance(model.hiringDeadline) ? time.adding(days: Int64(model.hiringDeadlineDays)) : nil
            let job = try JobBook.post(
                id: Identifier.make("job_", at: time), clientID: client, title: "Simulated job \(jobs.count + 1)",
                budget: budget, connectCost: nil, hiringDeadline: deadline, now: time, policy: simulation.policy)
            plan.append(PlannedOperation(operation: .postJob(job), time: time, keys: [job.id]))
            posted.append(jobs.count)
            if fate == .ghost { counts.ghosted += 1 } else { toDecide[decideDay, default: []].append(jobs.count) }
            jobs.append(Job(id: job.id, cost: job.connectCost, fate: fate, decideDay: decideDay, random: random))
        }
        for result in try await execute(plan) { _ = try result.get() }
        counts.jobs += posted.count
        freshJobs.append(posted)
        if freshJobs.count > simulation.model.freelancers.freshDays {
            // What nobody sees any more and nobody will decide on is forgotten: memory stays bounded.
            for index in freshJobs.removeFirst() where jobs[index].fate == .ghost || jobs[index].decideDay < day {
                jobs[index].proposals = []
            }
        }
    }

    /// Freelancers who look for work today see a few fresh jobs and decide, job by job, whether to
    /// propose (and boost), buying connects first when short, leaving when short too long.
    ///
    /// Decisions are made first, from what each freelancer can spend (less what they have decided to
    /// spend today); then carried out together.
    mutating func lookForWork(day: Int) async throws {
        let model = simulation.model.freelancers
        let fresh = freshJobs.flatMap { $0 }.filter { !jobs[$0].isDecided }
        guard !fresh.isEmpty else { return }
        var plan: [PlannedOperation] = []
        /// What each planned operation is: a purchase, or a proposal of a freelancer to a job.
        var planned: [(freelancer: Int, job: Int?, boost: Int64?)] = []
        for index in freelancers.indices {
            guard !freelancers[index].accountID.isEmpty, !freelancers[index].hasLeft,
                random.chance(model.activeOnDay)
            else { continue }
            let accountID = freelancers[index].accountID
            var wasShort = false
            var proposed = false
            for _ in 0..<model.jobsSeenPerDay {
                let jobIndex = fresh[Int.random(in: 0..<fresh.count, using: &random)]
                guard !jobs[jobIndex].proposals.contains(where: { $0.freelancer == index }) else { continue }
                let cost = jobs[jobIndex].cost
                let freelancer = freelancers[index]
                let affordability = 1 - model.costSensitivity * Double(cost) / Double(max(freelancer.available, 1))
                guard random.chance(model.propose * (0.5 + freelancer.winRate) * max(affordability, 0.05)) else {
                    continue
                }
                if freelancer.available < cost {
                    wasShort = true
                    guard random.chance(model.buysWhenShort) else { continue }
                    let purchase = buy(cost - freelancer.available, for: index)
                    plan.append(self.plan(.purchase(purchase), touching: [accountID]))
                    planned.append((index, nil, nil))
                    freelancers[index].available += purchase.quantity
                    counts.purchases += 1
                }
                var boost: Int64?
                if random.chance(model.boost) {
                    let bid = Int64(
                        Double.random(in: model.boostBid.min...model.boostBid.max, using: &random).rounded())
                    if freelancers[index].available - cost >= bid { boost = min(bid, simulation.policy.boost.maxBid) }
                }
                let time = now()
                let proposalID = Identifier.make("prop_", at: time)
                let submit = StoreOperation.submitProposal(
                    jobID: jobs[jobIndex].id, freelancerID: accountID, agencyID: nil, boost: boost,
                    proposalID: proposalID)
                // A boost bid's fate depends on the bids before it on the job (the slot auction); a
                // proposal without one commutes with the others on the job and waits only for its
                // freelancer's earlier movements.
                let keys = boost == nil ? [accountID] : [accountID, "bids " + jobs[jobIndex].id]
                plan.append(PlannedOperation(operation: submit, time: time, keys: keys))
                planned.append((index, jobIndex, boost))
                jobs[jobIndex].proposals.append((proposalID, index, boost != nil))
                freelancers[index].available -= cost + (boost ?? 0)
                proposed = true
            }
            if wasShort && !proposed {
                counts.daysShort += 1
                if random.chance(model.leavesWhenShort) { freelancers[index].hasLeft = true }
            }
        }
        for ((index, jobIndex, boost), result) in zip(planned, try await execute(plan)) {
            guard let jobIndex else { continue }
            switch result {
            case .success:
                freelancers[index].proposals += 1
                counts.proposals += 1
                if boost != nil { counts.boosted += 1 }
            case .failure:
                // Not sent after all (a job full, say): the client never sees it.
                jobs[jobIndex].proposals.removeAll { $0.freelancer == index }
            }
        }
    }

    /// A purchase of at least `needed` connects for a freelancer: the policy's smallest bundle that
    /// covers it, or that many connects.
    mutating func buy(_ needed: Int64, for index: Int) -> Purchase {
        let pricing = simulation.policy.pricing
        let quantity = pricing.bundles.filter { $0 >= needed }.min() ?? max(needed, pricing.custom.min)
        return Purchase(
            id: Identifier.make("pur_", at: now()), accountID: freelancers[index].accountID, quantity: quantity,
            amountPaid: Policy.Money(
                currency: pricing.pricePerConnect.currency, minor: quantity * pricing.pricePerConnect.minor),
            paymentReference: "sim-\(counts.purchases + 1)")
    }

    /// Clients who come back today open some proposals, decline some, and hire or close.
    mutating func decide(day: Int) async throws {
        let model = simulation.model.clients
        var plan: [PlannedOperation] = []
        var hires: [(planIndex: Int, freelancer: Int)] = []
        for jobIndex in toDecide.removeValue(forKey: day) ?? [] {
            var job = jobs[jobIndex]
            func act(_ action: JobAction) {
                plan.append(self.plan(.jobAction(jobID: job.id, action), touching: [job.id]))
            }
            var opened: [Int] = []
            for (position, proposal) in job.proposals.enumerated()
            where opened.count < model.opensAtMost && job.random.chance(model.opensProposal) {
                act(.view(proposalID: proposal.id))
                opened.append(position)
            }
            var hired: Int?
            if job.fate == .hire {
                let weights = job.proposals.map {
                    freelancers[$0.freelancer].skill * ($0.isBoosted ? model.boostedHireWeight : 1)
                }
                let candidates = opened.isEmpty ? Array(job.proposals.indices) : opened
                hired = Self.draw(candidates, weight: { weights[$0] }, using: &job.random)
            }
            for position in opened where position != hired && job.random.chance(model.declinesOpened) {
                act(.decline(proposalID: job.proposals[position].id))
            }
            if let hired {
                hires.append((plan.count, job.proposals[hired].freelancer))
                act(.hire(proposalID: job.proposals[hired].id))
            } else {
                act(.close(.closed))
            }
            job.proposals = []
            job.isDecided = true
            jobs[jobIndex] = job
        }
        let results = try await execute(plan)
        for (planIndex, freelancer) in hires {
            if case .success = results[planIndex] { freelancers[freelancer].hires += 1 }
        }
    }

    /// One of `items`, drawn in proportion to `weight`; `nil` when there is none or all weigh 0.
    static func draw<Item>(
        _ items: [Item], weight: (Item) -> Double, using random: inout SeededGenerator
    ) -> Item? {
        let total = items.reduce(0) { $0 + weight($1) }
        guard total > 0 else { return nil }
        var point = Double.random(in: 0..<total, using: &random)
        for item in items {
            point -= weight(item)
            if point < 0 { return item }
        }
        return items.last
    }

    // MARK: The end

    /// The last morning's scheduler pass, then the report, read from the database.
    mutating func finish() async throws -> SimulationReport {
        let end = Simulation.origin.adding(days: Int64(simulation.settings.days))
        _ = try await store.runAllDueWork(now: { end }, policy: policy)
        let totals = try await store.economyTotals()
        let balances = try await store.availableBalances(of: .freelancer)
        return SimulationReport(
            simulation: simulation, totals: totals, counts: counts, daily: daily,
            freelancers: freelancers.filter { !$0.accountID.isEmpty }.map {
                .init(
                    balance: balances[$0.accountID] ?? 0, isNewcomer: $0.isNewcomer, hires: $0.hires,
                    hasLeft: $0.hasLeft)
            })
    }
}

/// A store operation the simulation will carry out, at its time, after every earlier one that
/// shares one of its keys.
struct PlannedOperation: Sendable {
    var operation: StoreOperation
    var time: Instant
    var keys: [String]
}
