import ConnectsCore

/// How the simulated people behave: the parameters of the simulator's clients and freelancers.
///
/// Every number here is an input an operator may change (in a YAML file, naming only what it
/// changes); ``documentedDefaults`` explains each, and `connects simulate --help` prints it. The
/// engine's rules are not here: what a proposal costs, when a fee comes back, what expires, is decided
/// by the policy, in the real core.
public struct BehaviourModel: Codable, Hashable, Sendable {
    public var clients: Clients
    public var freelancers: Freelancers

    public struct Clients: Codable, Hashable, Sendable {
        /// Jobs a client posts in 30 days, on average (each day with probability `jobsPer30Days / 30`).
        public var jobsPer30Days: Double
        /// The mix of job budgets: each band's share of jobs; a band without `minor` has no budget.
        public var budgets: [Budget]
        /// The share of jobs that end with a hire.
        public var hire: Double
        /// The share of jobs whose client never comes back: never opens a proposal, never hires, never
        /// closes the job (it stays open until it expires). The rest close without hiring.
        public var ghost: Double
        /// Days after posting on which a client who comes back decides (uniform between the two).
        public var decideAfterDays: DayRange
        /// The chance that a client who comes back opens each proposal before deciding.
        public var opensProposal: Double
        /// At most this many proposals are opened per job (clients read the top of the list).
        public var opensAtMost: Int
        /// The chance that a proposal opened and not hired is declined.
        public var declinesOpened: Double
        /// The share of jobs posted with a hiring deadline, and how many days after posting it falls.
        public var hiringDeadline: Double
        public var hiringDeadlineDays: Int
        /// How much more likely a boosted proposal is to be the one hired (1 is no more likely).
        public var boostedHireWeight: Double
    }

    public struct Budget: Codable, Hashable, Sendable {
        /// The budget in minor units of the policy's currency; absent: a job posted without one.
        public var minor: Int64?
        public var share: Double

        public init(minor: Int64?, share: Double) {
            self.minor = minor
            self.share = share
        }
    }

    public struct DayRange: Codable, Hashable, Sendable {
        public var min: Int
        public var max: Int

        public init(min: Int, max: Int) {
            self.min = min
            self.max = max
        }
    }

    public struct Freelancers: Codable, Hashable, Sendable {
        /// The share of freelancers who join during the simulation (on a day drawn uniformly); the rest
        /// are there on its first day. Both start with the policy's `signup` reward, if it has one.
        public var newcomers: Double
        /// Skill is drawn uniformly between these: a client hires among the proposals it has in
        /// proportion to their freelancers' skill.
        public var skill: Range
        /// The chance that a freelancer looks for work on a given day.
        public var activeOnDay: Double
        /// Jobs a freelancer looks at on such a day, drawn from those posted in the last `freshDays`.
        public var jobsSeenPerDay: Int
        public var freshDays: Int
        /// The chance of proposing to a job seen, before the two adjustments: times `0.5 + win rate`
        /// (a freelancer who gets hired keeps trying; the win rate starts at 1 in 5), times
        /// `1 - costSensitivity * cost / balance` (a proposal that takes much of what is left is
        /// sent less often).
        public var propose: Double
        public var costSensitivity: Double
        /// The chance of boosting a proposal, and the bid (uniform between the two) when the balance
        /// covers it after the fee.
        public var boost: Double
        public var boostBid: Range
        /// The chance that a freelancer who cannot afford a proposal buys connects (the policy's
        /// smallest bundle that covers it, or that many connects); the rest wait for their allotment.
        public var buysWhenShort: Double
        /// The chance that a freelancer leaves the marketplace for good on a day they wanted to propose
        /// and could not afford it (and did not buy).
        public var leavesWhenShort: Double
    }

    public struct Range: Codable, Hashable, Sendable {
        public var min: Double
        public var max: Double

        public init(min: Double, max: Double) {
            self.min = min
            self.max = max
        }
    }
}

extension BehaviourModel {
    /// The defaults: a marketplace where about half the jobs end with a hire and a third are ghosted,
    /// and freelancers send about eight proposals a month (as in the forum thread's accounts).
    public static let standard = BehaviourModel(
        clients: Clients(
            jobsPer30Days: 1.5,
            budgets: [
                Budget(minor: 3_000, share: 0.3), Budget(minor: 30_000, share: 0.4),
                Budget(minor: 200_000, share: 0.15), Budget(minor: 1_000_000, share: 0.05),
                Budget(minor: nil, share: 0.1),
            ],
            hire: 0.5,
            ghost: 0.3,
            decideAfterDays: DayRange(min: 2, max: 14),
            opensProposal: 0.6,
            opensAtMost: 10,
            declinesOpened: 0.3,
            hiringDeadline: 0.2,
            hiringDeadlineDays: 21,
            boostedHireWeight: 1.5
        ),
        freelancers: Freelancers(
            newcomers: 0.2,
            skill: Range(min: 0.2, max: 1.0),
            activeOnDay: 0.4,
            jobsSeenPerDay: 4,
            freshDays: 3,
            propose: 0.25,
            costSensitivity: 0.5,
            boost: 0.1,
            boostBid: Range(min: 1, max: 10),
            buysWhenShort: 0.3,
            leavesWhenShort: 0.05
        )
    )

    /// ``standard`` as a YAML document, each parameter explained (what `--help` prints; a test keeps the
    /// two equal).
    public static let documentedDefaults = """
        clients:
          jobsPer30Days: 1.5        # jobs a client posts in 30 days, on average
          budgets:                  # the budget mix: share of jobs per budget (minor units; none: no budget)
            - {minor: 3000, share: 0.3}
            - {minor: 30000, share: 0.4}
            - {minor: 200000, share: 0.15}
            - {minor: 1000000, share: 0.05}
            - {share: 0.1}
          hire: 0.5                 # share of jobs that end with a hire
          ghost: 0.3                # share whose client never comes back (the job stays open until it expires);
                                    # the rest close without hiring
          decideAfterDays: {min: 2, max: 14}   # when a client who comes back decides, in days after posting
          opensProposal: 0.6        # chance such a client opens each proposal first
          opensAtMost: 10           # proposals opened per job at most
          declinesOpened: 0.3       # chance an opened proposal that is not hired is declined
          hiringDeadline: 0.2       # share of jobs posted with a hiring deadline
          hiringDeadlineDays: 21    # days after posting
          boostedHireWeight: 1.5    # how much likelier a boosted proposal is to be hired
        freelancers:
          newcomers: 0.2            # share who join during the run (the rest are there on day 1)
          skill: {min: 0.2, max: 1.0}   # drawn uniformly; clients hire in proportion to skill
          activeOnDay: 0.4          # chance a freelancer looks for work on a day
          jobsSeenPerDay: 4         # jobs looked at on such a day,
          freshDays: 3              # drawn from those posted in the last freshDays days
          propose: 0.25             # chance to propose to a job seen, times (0.5 + win rate)
          costSensitivity: 0.5      # and times (1 - costSensitivity * cost / balance)
          boost: 0.1                # chance to boost a proposal,
          boostBid: {min: 1, max: 10}   # with a bid drawn uniformly
          buysWhenShort: 0.3        # chance to buy connects when a proposal is unaffordable
          leavesWhenShort: 0.05     # chance to leave for good on a day wanting to propose and unable to afford it
        """

    /// Checks that every parameter is in its range, naming the first that is not.
    public func validate() throws(ConnectsError) {
        func probability(_ value: Double, _ name: String) throws(ConnectsError) {
            guard value.isFinite, (0...1).contains(value) else {
                throw ConnectsError.invalidField(name, "must be a probability, from 0 to 1")
            }
        }
        func count(_ value: Int, _ name: String, _ range: ClosedRange<Int>) throws(ConnectsError) {
            guard range.contains(value) else {
                throw ConnectsError.invalidField(name, "must be from \(range.lowerBound) to \(range.upperBound)")
            }
        }
        try probability(clients.hire, "clients.hire")
        try probability(clients.ghost, "clients.ghost")
        guard clients.hire + clients.ghost <= 1 else {
            throw ConnectsError.invalidField("clients.ghost", "clients.hire and clients.ghost must add up to at most 1")
        }
        guard clients.jobsPer30Days.isFinite, (0...30).contains(clients.jobsPer30Days) else {
            throw ConnectsError.invalidField("clients.jobsPer30Days", "must be from 0 to 30")
        }
        try count(clients.budgets.count, "clients.budgets", 1...20)
        for budget in clients.budgets {
            try probability(budget.share, "clients.budgets.share")
            if let minor = budget.minor, minor < 0 {
                throw ConnectsError.invalidField("clients.budgets.minor", "must not be negative")
            }
        }
        guard clients.budgets.map(\.share).reduce(0, +) > 0 else {
            throw ConnectsError.invalidField("clients.budgets", "the shares must not all be 0")
        }
        try count(clients.decideAfterDays.min, "clients.decideAfterDays.min", 0...365)
        try count(clients.decideAfterDays.max, "clients.decideAfterDays.max", clients.decideAfterDays.min...365)
        try probability(clients.opensProposal, "clients.opensProposal")
        try count(clients.opensAtMost, "clients.opensAtMost", 0...Int(Job.proposalsMax))
        try probability(clients.declinesOpened, "clients.declinesOpened")
        try probability(clients.hiringDeadline, "clients.hiringDeadline")
        try count(clients.hiringDeadlineDays, "clients.hiringDeadlineDays", 1...365)
        guard clients.boostedHireWeight.isFinite, (0...100).contains(clients.boostedHireWeight) else {
            throw ConnectsError.invalidField("clients.boostedHireWeight", "must be from 0 to 100")
        }
        try probability(freelancers.newcomers, "freelancers.newcomers")
        try probability(freelancers.skill.min, "freelancers.skill.min")
        try probability(freelancers.skill.max, "freelancers.skill.max")
        guard freelancers.skill.min <= freelancers.skill.max else {
            throw ConnectsError.invalidField("freelancers.skill", "min must not be above max")
        }
        try probability(freelancers.activeOnDay, "freelancers.activeOnDay")
        try count(freelancers.jobsSeenPerDay, "freelancers.jobsSeenPerDay", 0...100)
        try count(freelancers.freshDays, "freelancers.freshDays", 1...60)
        try probability(freelancers.propose, "freelancers.propose")
        guard freelancers.costSensitivity.isFinite, (0...10).contains(freelancers.costSensitivity) else {
            throw ConnectsError.invalidField("freelancers.costSensitivity", "must be from 0 to 10")
        }
        try probability(freelancers.boost, "freelancers.boost")
        guard freelancers.boostBid.min >= 1, freelancers.boostBid.min <= freelancers.boostBid.max,
            freelancers.boostBid.max <= Double(Limits.boostBidMax)
        else {
            throw ConnectsError.invalidField(
                "freelancers.boostBid", "must be from 1 to \(Limits.boostBidMax), min not above max")
        }
        try probability(freelancers.buysWhenShort, "freelancers.buysWhenShort")
        try probability(freelancers.leavesWhenShort, "freelancers.leavesWhenShort")
    }
}
