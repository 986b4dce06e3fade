import ConnectsCore
import ConnectsStore
import Foundation

/// A fresh SQLite file in its own temporary folder, removed when the test is done with it.
struct TemporaryDatabase: ~Copyable {
    let folder: URL
    var path: String { folder.appendingPathComponent("connects.sqlite").path }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("connects-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }
}

let t0 = Instant(millisecondsSinceEpoch: 1_767_225_600_000)
/// The standard policy without sign-up reward or allotment, so that ledger tests start from zero.
let policy: LedgerPolicy = {
    var economy = Policy.standard
    economy.rewards.removeAll { $0.key == "signup" }
    economy.plans = economy.plans.map { Policy.Plan(key: $0.key, allotment: 0) }
    return economy.ledgerPolicy(version: 1)
}()

extension LedgerStore {
    /// Creates a freelancer account and returns its id.
    func makeAccount(_ externalID: String = UUID().uuidString, now: Instant = t0) async throws -> String {
        let performed = try await perform(
            .createAccount(.init(externalID: externalID, kind: .freelancer)),
            now: now,
            policy: policy,
            idempotency: nil
        )
        guard case .done(.success(let result), _) = performed else { throw StoreTestError.unexpected("\(performed)") }
        return result.snapshot!.account.id
    }

    /// Runs a ledger command; returns its entry or the refusal.
    func run(
        _ command: LedgerCommand, on accountID: String, at now: Instant = t0
    ) async throws -> Result<Entry?, ConnectsError> {
        let performed = try await perform(
            .ledger(accountID: accountID, command: command), now: now, policy: policy, idempotency: nil)
        guard case .done(let result, _) = performed else { throw StoreTestError.unexpected("\(performed)") }
        return result.map(\.entry)
    }

    /// Registers `wh_all` (every event), `wh_grants` (`connects.granted`) and `wh_other` (`job.closed`).
    func registerThreeWebhooks() async throws {
        for (id, events) in [("wh_all", ["*"]), ("wh_grants", ["connects.granted"]), ("wh_other", ["job.closed"])] {
            try await createWebhook(
                Webhook(id: id, url: "http://127.0.0.1:1/\(id)", events: events, secret: "s", createdAt: t0))
        }
    }

    /// Credits `amount` and returns the entry.
    @discardableResult
    func grant(_ amount: Int64, to accountID: String, at now: Instant = t0, key: String? = nil) async throws -> Entry {
        let command = LedgerCommand.credit(
            .init(
                kind: .grant, source: .plan, amount: amount, cause: Cause(type: "plan_cycle", id: "c1"), eventKey: key))
        return try await run(command, on: accountID, at: now).get()!
    }
}

enum StoreTestError: Error { case unexpected(String) }

func spend(_ amount: Int64) -> LedgerCommand {
    .debit(.init(kind: .spend, amount: amount, cause: Cause(type: "proposal", id: "prop_1")))
}
