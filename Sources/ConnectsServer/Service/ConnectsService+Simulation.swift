import ConnectsCore
import ConnectsSimulator

extension ConnectsService {
    /// Runs the economy simulator on the policy in force and on `draft`, side by side, each on a
    /// temporary SQLite database of its own (whatever store the server runs on). One at a time on a
    /// node: a second request meanwhile is refused as in progress.
    func simulate(_ draft: Policy, by caller: Caller) async throws -> SimulationComparison {
        try caller.authorize(.writePolicy)
        try draft.validate()
        guard inFlight.begin("simulation") else {
            throw ConnectsError(.requestInProgress, "a simulation is already running on this server; try again shortly")
        }
        defer { inFlight.end("simulation") }
        return try await SimulationComparison.run([
            Simulation(label: "in force", policy: policy.economy, settings: draftSimulation),
            Simulation(label: "draft", policy: draft, settings: draftSimulation),
        ])
    }
}
