import ConnectsCore
import ConnectsStore
import ConnectsTestSupport
import Foundation
import PropertyBased
import Testing

@Suite("Marketplace properties over random command sequences")
struct MarketplacePropertyTests {
    /// Random jobs, proposals, boosts, views, declines, withdrawals, hires, closes, removals and time
    /// jumps across four freelancers and two clients. After every step the database passes `verify`;
    /// at the end every proposal of a job that has ended is settled: returned exactly once (by one
    /// return per payment, for what it paid) or kept by a named rule.
    @Test(
        "invariants hold, and every proposal ends returned once or kept by an explicit rule",
        arguments: StoreKind.allCases)
    func randomMarketplaces(_ kind: StoreKind) async throws {
        await propertyCheck(count: 30, input: Gen.int(in: 0...9_999_999).array(of: 5...60)) { script in
            do {
                try await withTestDatabase(kind) { database in try await Self.run(script, on: database) }
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    static func run(_ script: [Int], on database: TestDatabase) async throws {
        let store = database.store
        var economy = Policy.standard
        let bits = script.first ?? 0
        economy.returns.onDecline = bits % 2 == 0
        economy.returns.onJobExpiry = bits % 3 == 0
        economy.returns.ifUnviewedAfterHours = bits % 5 == 0 ? 48 : nil
        economy.returns.closeJobAfterInactiveDays = bits % 7 == 0 ? 10 : nil
        economy.boost.slots = 2
        let policy = economy.ledgerPolicy(version: 1)
        var now = t0
        func perform(_ operation: StoreOperation) async throws -> Result<OperationResult, ConnectsError> {
            guard
                case .done(let result, _) = try await store.perform(
                    operation, now: now, policy: policy, idempotency: nil)
            else {
                throw StoreTestError.unexpected("replayed")
            }
            return result
        }
        var freelancers: [String] = []
        var clients: [String] = []
        for index in 0..<4 {
            let result = try await perform(.createAccount(.init(externalID: "f\(index)", kind: .freelancer))).get()
            freelancers.append(result.snapshot!.account.id)
        }
        for index in 0..<2 {
            guard
                case .ledger(let snapshot, _, _) = try await perform(
                    .createAccount(.init(externalID: "c\(index)", kind: .client))
                ).get()
            else {
                throw StoreTestError.unexpected("no client")
            }
            clients.append(snapshot.account.id)
        }
        var jobs: [String] = []
        var proposals: [String] = []
        for (step, code) in script.enumerated() {
            let parameter = code / 12
            let operation: StoreOperation?
            switch code % 12 {
            case 0, 1:
                let budgets: [Int64?] = [nil, 4_000, 40_000, 400_000]
                let job = try JobBook.post(
                    id: Identifier.make("job_", at: now), clientID: clients[parameter % 2], title: "job \(step)",
                    budget: budgets[parameter % 4].map { Policy.Money(currency: "USD", minor: $0) }, connectCost: nil,
                    hiringDeadline: parameter % 5 == 0 ? now.adding(days: 3) : nil, now: now, policy: economy
                )
                jobs.append(job.id)
                operation = .postJob(job)
            case 2 where !jobs.isEmpty, 3 where !jobs.isEmpty, 4 where !jobs.isEmpty, 5 where !jobs.isEmpty:
                let boost: Int64? = parameter % 3 == 0 ? Int64(parameter % 15 + 1) : nil
                operation = .submitProposal(
                    jobID: jobs[jobs.count - 1 - parameter % min(jobs.count, 3)],
                    freelancerID: freelancers[(parameter / 7) % 4],
                    agencyID: nil, boost: boost,
                    proposalID: Identifier.make("prop_", at: now)
                )
            case 6 where !proposals.isEmpty, 7 where !proposals.isEmpty:
                let proposal = try await store.proposal(id: proposals[parameter % proposals.count])!
                let actions: [JobAction] = [
                    .view(proposalID: proposal.id), .decline(proposalID: proposal.id),
                    .withdraw(proposalID: proposal.id),
                    .hire(proposalID: proposal.id),
                ]
                operation = .jobAction(jobID: proposal.jobID, actions[(parameter / 5) % 4])
            case 8 where !jobs.isEmpty:
                let endings: [JobAction] = [.close(.closed), .close(.canceled), .remove]
                operation = .jobAction(jobID: jobs[parameter % jobs.count], endings[(parameter / 3) % 3])
            case 9:
                now = now.adding(milliseconds: Int64(parameter % (6 * 24)) * 3_600_000)
                _ = try await store.runDueWork(now: now, policy: policy, limit: 1_000)
                operation = nil
            default:
                operation = nil
            }
            if let operation {
                let result = try await perform(operation)
                if case .success(.proposal(let proposal, _)) = result, !proposals.contains(proposal.id) {
                    proposals.append(proposal.id)
                }
                // The job as the decision left it is the job as stored: every column it changed was written.
                if case .success(.proposal(_, let job)) = result {
                    #expect(try await store.job(id: job.id) == job, "step \(step)")
                }
                if case .success(.job(let job)) = result {
                    #expect(try await store.job(id: job.id) == job, "step \(step)")
                }
                if case .failure(let error) = result {
                    let expected: Set<ConnectsError.Code> = [
                        .insufficientConnects, .alreadyApplied, .jobNotOpen, .invalidState, .limitExceeded,
                    ]
                    #expect(expected.contains(error.code), "step \(step): \(error)")
                }
            }
            let report = try await database.verify()
            guard report.isClean else {
                Issue.record("step \(step): \(report.violations)")
                return
            }
        }
        // Let every job end: a year later everything has expired or closed.
        now = now.adding(days: 400)
        for _ in 0..<5 { _ = try await store.runDueWork(now: now, policy: policy, limit: 10_000) }
        try await checkSettlement(store, proposals: proposals)
        #expect(try await database.verify().isClean)
    }

    /// Every proposal of an ended job is settled; each return gives back exactly what was paid, once.
    static func checkSettlement(_ store: any LedgerStore, proposals: [String]) async throws {
        try await store.read { db in
            let open = try db.fetchAll("SELECT COUNT(*) AS n FROM jobs WHERE status = 'open'", [])[0]["n"] as Int64
            #expect(open == 0)
            for row in try db.fetchAll("SELECT * FROM proposals", []) {
                let id: String = row["id"]
                let returnedAmount: Int64? = row["returned_amount"]
                let keptBy: String? = row["kept_by"]
                #expect((returnedAmount != nil) != (keptBy != nil), "proposal \(id) is settled both ways or not at all")
                let returns = try db.fetchAll(
                    "SELECT amount, reverses FROM entries WHERE kind = 'return' AND reverses IN (?, ?)",
                    [row["fee_entry_id"] as String?, row["boost_capture_entry_id"] as String?]
                )
                let returnedTotal = returns.reduce(Int64(0)) { $0 + ($1["amount"] as Int64) }
                #expect(
                    returnedTotal == (returnedAmount ?? 0),
                    "proposal \(id): returned \(returnedTotal), recorded \(returnedAmount ?? 0)")
                #expect(
                    Set(returns.map { $0["reverses"] as String }).count == returns.count,
                    "proposal \(id) returned twice")
                if row["boost_state"] as String? == "held" {
                    Issue.record("proposal \(id) still holds a boost after its job ended")
                }
            }
        }
    }
}
