import ConnectsCore
import ConnectsStore

/// What a simulation came to, as an operator compares two policies: spam pressure, what happened to
/// connects and money, how freelancers fared, and what would reach support.
///
/// Movements, jobs and balances are read from the database the run wrote; the simulator's own counts
/// are only what no table holds (a freelancer who wanted to propose and could not afford it).
public struct SimulationReport: Codable, Hashable, Sendable {
    public var label: String
    public var settings: Simulation.Settings
    /// The policy in force, whole (a file names only what it changes).
    public var policy: Policy
    public var model: BehaviourModel
    public var jobs: Jobs
    public var connects: Connects
    public var freelancers: Freelancers
    public var support: Support
    /// One line a simulated day.
    public var daily: [Day]

    public struct Jobs: Codable, Hashable, Sendable {
        public var posted: Int
        public var proposals: Int
        public var boostedProposals: Int
        /// Proposals per job posted: the spam pressure a client feels.
        public var proposalsPerJob: Double
        public var filled: Int
        /// Jobs whose client never came back (they expire, or are still open at the end).
        public var ghosted: Int
        public var ghostedShare: Double
        public var closedWithoutHire: Int
        public var expired: Int
        public var stillOpen: Int
    }

    /// Connects moved, by what moved them; signs are the balances' point of view (`spent` and `expired`
    /// are what left them), so `granted + rewarded + bought - spent + returned - expired + other` is
    /// `balanceTotal`.
    public struct Connects: Codable, Hashable, Sendable {
        /// Plan allotments.
        public var granted: Int64
        /// Rewards and courtesy credits.
        public var rewarded: Int64
        public var bought: Int64
        /// Proposal fees and captured boosts.
        public var spent: Int64
        public var returned: Int64
        /// Expired, and forfeited above a rollover cap.
        public var expired: Int64
        /// Adjustments, reversals, holds and releases (holds move no balance: 0 here).
        public var other: Int64
        public var balanceTotal: Int64
        /// What purchases brought in, at the policy's price.
        public var revenue: Policy.Money
    }

    public struct Freelancers: Codable, Hashable, Sendable {
        /// Freelancers with an account by the end.
        public var joined: Int
        public var medianBalance: Int64
        public var balance10thPercentile: Int64
        public var newcomers: Int
        /// The share of those who joined during the run who were hired at least once.
        public var newcomerFirstHireRate: Double
        /// Freelancers who left, having gone too long unable to afford a proposal.
        public var left: Int
        public var churnRate: Double
        public var newcomerChurnRate: Double
    }

    /// Moments a freelancer would write to support about (the forum thread's complaints).
    public struct Support: Codable, Hashable, Sendable {
        /// A fee that stayed spent on a job that ended without a hire.
        public var feesKeptWithoutHire: Int
        /// An expiry of a freelancer's connects.
        public var expiries: Int
        /// A day a freelancer wanted to propose and could not afford it.
        public var daysShort: Int
        public var perThousandFreelancers: Double
    }

    public struct Day: Codable, Hashable, Sendable {
        public var proposals: Int
        /// The median of what active freelancers can spend, in the morning.
        public var medianBalance: Int64
        public var activeFreelancers: Int
    }

    /// What the simulator counted while it ran.
    struct Counts: Hashable {
        var jobs = 0
        var ghosted = 0
        var proposals = 0
        var boosted = 0
        var purchases = 0
        var daysShort = 0
    }

    /// A freelancer at the end of a run.
    struct FreelancerOutcome {
        var balance: Int64
        var isNewcomer: Bool
        var hires: Int
        var hasLeft: Bool
    }
}

extension SimulationReport {
    init(
        simulation: Simulation, totals: EconomyTotals, counts: Counts, daily: [Day], freelancers: [FreelancerOutcome]
    ) {
        func moved(_ kinds: EntryKind...) -> Int64 { kinds.reduce(0) { $0 + (totals.amountByKind[$1] ?? 0) } }
        func share(_ part: Int, of whole: Int) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }
        let jobsByStatus = totals.jobsByStatus
        let ghosted = counts.ghosted
        label = simulation.label
        settings = simulation.settings
        policy = simulation.policy
        model = simulation.model
        jobs = Jobs(
            posted: counts.jobs, proposals: totals.proposals, boostedProposals: counts.boosted,
            proposalsPerJob: share(totals.proposals, of: counts.jobs), filled: jobsByStatus[.filled] ?? 0,
            ghosted: ghosted, ghostedShare: share(ghosted, of: counts.jobs),
            closedWithoutHire: (jobsByStatus[.closed] ?? 0) + (jobsByStatus[.canceled] ?? 0),
            expired: jobsByStatus[.expired] ?? 0, stillOpen: jobsByStatus[.open] ?? 0)
        let price = simulation.policy.pricing.pricePerConnect
        connects = Connects(
            granted: moved(.grant), rewarded: moved(.reward, .courtesy), bought: moved(.purchase),
            spent: -moved(.spend, .capture), returned: moved(.return), expired: -moved(.expire, .forfeit),
            other: moved(.adjustment, .reversal, .hold, .release), balanceTotal: totals.balanceTotal,
            revenue: Policy.Money(currency: price.currency, minor: totals.purchasesPaidMinor))
        let balances = freelancers.map(\.balance).sorted()
        let newcomers = freelancers.filter(\.isNewcomer)
        let left = freelancers.filter(\.hasLeft).count
        self.freelancers = Freelancers(
            joined: freelancers.count,
            medianBalance: balances.isEmpty ? 0 : balances[balances.count / 2],
            balance10thPercentile: balances.isEmpty ? 0 : balances[balances.count / 10],
            newcomers: newcomers.count,
            newcomerFirstHireRate: share(newcomers.filter { $0.hires > 0 }.count, of: newcomers.count),
            left: left, churnRate: share(left, of: freelancers.count),
            newcomerChurnRate: share(newcomers.filter(\.hasLeft).count, of: newcomers.count))
        let events = totals.feesKeptWithoutHire + totals.expiryEntries + counts.daysShort
        support = Support(
            feesKeptWithoutHire: totals.feesKeptWithoutHire, expiries: totals.expiryEntries,
            daysShort: counts.daysShort,
            perThousandFreelancers: freelancers.isEmpty ? 0 : Double(events) * 1_000 / Double(freelancers.count))
        self.daily = daily
    }
}
