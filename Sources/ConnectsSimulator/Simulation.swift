import ConnectsCore
import ConnectsStore
import Foundation

/// One run of the economy simulator: a synthetic marketplace of clients and freelancers who behave as
/// ``BehaviourModel`` says, on the real engine under one policy.
///
/// Nothing here decides a rule. Every job is posted by ``JobBook/post``, every proposal, hire, close,
/// purchase and reward is a ``StoreOperation`` carried out by the store as the server would, and the
/// scheduled work (allotments, expiries, job decisions, returns) runs in the scheduler's own passes as
/// the clock moves day by day. The report is read back from the database the run wrote.
public struct Simulation: Sendable {
    /// A name for the policy in reports (a file name, "A", "default").
    public var label: String
    public var policy: Policy
    public var model: BehaviourModel
    public var settings: Settings

    public struct Settings: Codable, Hashable, Sendable {
        public var freelancers: Int
        public var clients: Int
        public var days: Int
        public var seed: UInt64

        public init(freelancers: Int, clients: Int, days: Int, seed: UInt64) {
            self.freelancers = freelancers
            self.clients = clients
            self.days = days
            self.seed = seed
        }

        public static let freelancersRange = 1...1_000_000
        public static let clientsRange = 1...200_000
        public static let daysRange = 1...730

        /// Checks the sizes against their limits.
        public func validate() throws(ConnectsError) {
            for (value, name, range) in [
                (freelancers, "freelancers", Self.freelancersRange), (clients, "clients", Self.clientsRange),
                (days, "days", Self.daysRange),
            ] where !range.contains(value) {
                throw ConnectsError.invalidField(name, "must be from \(range.lowerBound) to \(range.upperBound)")
            }
        }
    }

    public init(label: String, policy: Policy, model: BehaviourModel = .standard, settings: Settings) {
        self.label = label
        self.policy = policy
        self.model = model
        self.settings = settings
    }

    /// The first simulated day: a fixed date, so that a seed gives the same run on any day.
    public static let origin = Instant(millisecondsSinceEpoch: 1_767_225_600_000)  // 2026-01-01T00:00:00Z

    /// Runs the simulation on a new SQLite database at `databasePath` (which must not exist) and reads
    /// its report.
    ///
    /// - Parameter progress: called after each simulated day with the number of days done.
    public func run(
        databasePath: String, progress: @Sendable (Int) -> Void = { _ in }
    ) async throws -> SimulationReport {
        try settings.validate()
        try model.validate()
        try policy.validate()
        guard !FileManager.default.fileExists(atPath: databasePath) else {
            throw ConnectsError.invalidField("database", "\(databasePath) exists; the simulator writes a new one")
        }
        var marketplace = SimulatedMarketplace(
            simulation: self, store: try SQLiteStore(path: databasePath, durability: .unsynced))
        for day in 0..<settings.days {
            try await marketplace.run(day: day)
            progress(day + 1)
        }
        return try await marketplace.finish()
    }
}
