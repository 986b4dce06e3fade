import ConnectsCore
import ConnectsStore

/// A small living marketplace for newcomers (`connects serve --demo`): clients and freelancers on both
/// plans, an agency, open jobs with proposals and a boost auction, a filled job, a job closed without a
/// hire whose fees came back, a purchase and a reward.
public enum DemoMarketplace {
    /// The demo's people, by name (their external id is `demo-<name>`) and kind.
    public static let people: [(name: String, kind: Account.Kind)] = [
        ("ana", .freelancer), ("ben", .freelancer), ("chloe", .freelancer), ("dev", .freelancer),
        ("studio", .agency), ("acme", .client), ("globex", .client),
    ]

    /// The demo's staff: a support agent and an admin, entered from the demo's front page (they have no
    /// password; no sign-in form lets them in).
    public static let staff: [(name: String, role: APIKey.Role)] = [("demo-support", .support), ("demo-admin", .admin)]

    /// What was loaded, for the start-up message.
    public struct Summary: Sendable {
        public var accounts: [String: String] = [:]
        public var jobs: [String: String] = [:]
    }

    /// Loads the demo into an empty database; does nothing (and returns `nil`) if it has accounts.
    public static func loadIfEmpty(
        into store: any LedgerStore, policy: LedgerPolicy, now: Instant
    ) async throws -> Summary? {
        guard try await store.accounts(externalID: "demo-acme", kind: .client, now: now).isEmpty else { return nil }
        var summary = Summary()
        func run(_ operation: StoreOperation) async throws -> OperationResult {
            guard
                case .done(let result, _) = try await store.perform(
                    operation, now: now, policy: policy, idempotency: nil)
            else {
                throw StoreError.corrupt("the demo was replayed")
            }
            return try result.get()
        }
        func account(_ name: String, _ kind: Account.Kind, plan: String? = nil) async throws -> String {
            let result = try await run(
                .createAccount(.init(externalID: "demo-\(name)", kind: kind, name: name.capitalized, plan: plan)))
            let id = result.snapshot!.account.id
            summary.accounts[name] = id
            return id
        }
        func job(_ title: String, client: String, budgetMinor: Int64?) async throws -> String {
            let job = try JobBook.post(
                id: Identifier.make("job_", at: now), clientID: client, title: title,
                budget: budgetMinor.map { Policy.Money(currency: "USD", minor: $0) }, connectCost: nil,
                hiringDeadline: nil,
                now: now, policy: policy.economy
            )
            _ = try await run(.postJob(job))
            summary.jobs[title] = job.id
            return job.id
        }
        func propose(
            _ jobID: String, _ freelancer: String, boost: Int64? = nil, agency: String? = nil
        ) async throws -> String {
            let id = Identifier.make("prop_", at: now)
            _ = try await run(
                .submitProposal(jobID: jobID, freelancerID: freelancer, agencyID: agency, boost: boost, proposalID: id))
            return id
        }

        let acme = try await account("acme", .client)
        let globex = try await account("globex", .client)
        let ana = try await account("ana", .freelancer)
        let ben = try await account("ben", .freelancer, plan: "plus")
        let chloe = try await account("chloe", .freelancer)
        let dev = try await account("dev", .freelancer, plan: "plus")
        let studio = try await account("studio", .agency, plan: "plus")
        _ = try await run(.setAgencyMember(agencyID: studio, freelancerID: chloe, isMember: true))

        let filled = try await job("Fix a checkout bug", client: acme, budgetMinor: 30_000)
        let hired = try await propose(filled, ben)
        _ = try await propose(filled, dev)
        _ = try await run(.jobAction(jobID: filled, .hire(proposalID: hired)))

        let logo = try await job("Logo design", client: acme, budgetMinor: 40_000)
        let boosted = try await propose(logo, ana, boost: 10)
        _ = try await propose(logo, ben, boost: 6)
        _ = try await propose(logo, dev)
        _ = try await propose(logo, chloe, agency: studio)
        _ = try await run(.jobAction(jobID: logo, .view(proposalID: boosted)))

        let app = try await job("iOS app", client: globex, budgetMinor: 800_000)
        _ = try await propose(app, dev, boost: 20)
        _ = try await propose(app, ben, boost: 15)

        let landing = try await job("Landing page", client: globex, budgetMinor: 5_000)
        _ = try await propose(landing, ana)
        _ = try await propose(landing, chloe)
        _ = try await run(.jobAction(jobID: landing, .close(.closed)))

        _ = try await run(
            .purchase(
                Purchase(
                    id: Identifier.make("pur_", at: now), accountID: ana, quantity: 40,
                    amountPaid: Policy.Money(
                        currency: policy.economy.pricing.pricePerConnect.currency,
                        minor: 40 * policy.economy.pricing.pricePerConnect.minor),
                    paymentReference: "demo-payment-1"
                )))
        _ = try await run(.reward(key: "rising_talent", scope: nil, accountID: ana))
        // The marketplace reported one certification twice, under two ids: support's example.
        _ = try await run(.reward(key: "skill_certification", scope: "swift-1", accountID: ana))
        _ = try await run(.reward(key: "skill_certification", scope: "swift-1-resent", accountID: ana))
        for member in staff {
            // "!" is no bcrypt hash: no password matches it.
            _ = try await store.addStaff(
                StaffMember(name: member.name, role: member.role, passwordHash: "!"), replacing: false, now: now)
        }
        return summary
    }
}
