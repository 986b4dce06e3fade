import ConnectsCore
import ConnectsSimulator
import ConnectsStore
import Foundation
import Testing
import Yams

/// The economy simulator, run on real SQLite files at a size a debug build runs in seconds.
@Suite("The economy simulator")
struct SimulationTests {
    static let settings = Simulation.Settings(freelancers: 200, clients: 40, days: 45, seed: 7)

    /// Runs `policy` in a new folder; returns the report and the database's path.
    static func run(
        _ policy: Policy, label: String = "A", settings: Simulation.Settings = settings
    ) async throws -> (SimulationReport, String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("connects-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("simulation.sqlite").path
        let report = try await Simulation(label: label, policy: policy, settings: settings).run(databasePath: path)
        return (report, path)
    }

    @Test("the same seed gives the same report; another seed another")
    func repeatable() async throws {
        async let first = Self.run(.standard)
        async let second = Self.run(.standard)
        let (a, b) = try await (first.0, second.0)
        #expect(a == b)
        #expect(a.jobs.proposals > 100, "the marketplace was busy: \(a.jobs)")
        var other = Self.settings
        other.seed = 8
        let (c, _) = try await Self.run(.standard, settings: other)
        #expect(c.jobs != a.jobs)
    }

    @Test(
        "every connect granted, rewarded, bought, spent, returned and expired adds up to the balances, and verify passes"
    )
    func conservation() async throws {
        var policy = Policy.standard
        // Short-lived connects and returns on expiry, so that every kind of movement happens.
        policy.expiry.days = 20
        policy.returns.onJobExpiry = true
        let (report, path) = try await Self.run(policy)
        let connects = report.connects
        #expect(connects.granted > 0 && connects.rewarded > 0 && connects.bought > 0)
        #expect(connects.spent > 0 && connects.returned > 0 && connects.expired > 0)
        #expect(connects.other == 0)
        #expect(
            connects.granted + connects.rewarded + connects.bought - connects.spent + connects.returned
                - connects.expired == connects.balanceTotal)
        let price = policy.pricing.pricePerConnect.minor
        #expect(connects.revenue.minor == connects.bought * price)
        #expect(report.support.expiries > 0)
        let verified = try SQLiteStore.verify(path: path)
        #expect(verified.isClean, "\(verified.violations.prefix(3))")
    }

    @Test("a policy compared with itself differs in nothing")
    func sameAgainstSame() async throws {
        async let a = Self.run(.standard, label: "A")
        async let b = Self.run(.standard, label: "B")
        let comparison = SimulationComparison([try await a.0, try await b.0])
        let table = comparison.table
        let figures = table.split(separator: "\n").filter { $0.hasPrefix("  ") && !$0.hasSuffix("change") }
        #expect(figures.count == comparison.rows.count)
        for line in figures {
            #expect(line.hasSuffix("same"), "\(line)")
        }
        #expect(comparison.reports[0].daily == comparison.reports[1].daily)
    }

    @Test("returning fees on decline returns more and brings no fewer proposals per job, on a fixed seed")
    func returnsOnDecline() async throws {
        var fairer = Policy.standard
        fairer.returns.onDecline = true
        async let standard = Self.run(.standard)
        async let returning = Self.run(fairer, label: "B")
        let (a, b) = try await (standard.0, returning.0)
        #expect(b.connects.returned > a.connects.returned)
        #expect(b.jobs.proposalsPerJob >= a.jobs.proposalsPerJob)
        // The same clients posted the same jobs under both.
        #expect(b.jobs.posted == a.jobs.posted && b.jobs.ghosted == a.jobs.ghosted)
        #expect(b.support.feesKeptWithoutHire <= a.support.feesKeptWithoutHire)
    }

    @Test("the report renders as a table, JSON that reads back, and a page with its charts")
    func renderings() async throws {
        let (report, _) = try await Self.run(
            .standard, settings: .init(freelancers: 60, clients: 12, days: 10, seed: 1))
        let comparison = SimulationComparison([report])
        #expect(comparison.table.contains("Proposals per job"))
        let decoded = try JSONDecoder().decode(SimulationComparison.self, from: comparison.json())
        #expect(decoded == comparison)
        let html = comparison.html
        #expect(html.contains("<svg") && html.contains("Proposals sent each day"))
        // Nothing from another host: the only address is SVG's namespace.
        let addresses = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        #expect(!addresses.contains("http") && !addresses.contains("<script") && !addresses.contains("src="))
        #expect(report.daily.count == 10)
    }

    @Test("the documented defaults are the defaults, and bad parameters are named")
    func model() throws {
        #expect(try YAMLDecoder().decode(BehaviourModel.self, from: BehaviourModel.documentedDefaults) == .standard)
        var model = BehaviourModel.standard
        model.clients.hire = 0.8
        #expect(throws: ConnectsError.self) { try model.validate() }
        model = .standard
        model.freelancers.boostBid.max = 5_000
        do {
            try model.validate()
            Issue.record("a bid above the largest accepted")
        } catch {
            #expect(error.detail.contains("freelancers.boostBid"))
        }
        #expect(throws: ConnectsError.self) {
            try Simulation.Settings(freelancers: 0, clients: 1, days: 1, seed: 1).validate()
        }
    }
}
