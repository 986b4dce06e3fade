import ConnectsCore
import ConnectsStore
import ConnectsTestSupport
import Foundation
import PropertyBased
import Testing

@Suite("Store properties over random command sequences")
struct StorePropertyTests {
    /// Random commands on three accounts of one database, with time jumps. After every committed
    /// transaction `verify` must find the database sound, and what the store answers must equal what the
    /// history adds up to.
    @Test("every committed transaction keeps every invariant of DESIGN.md", arguments: StoreKind.allCases)
    func randomSequences(_ kind: StoreKind) async throws {
        await propertyCheck(count: 20, input: Gen.int(in: 0...9_999_999).array(of: 1...40)) { script in
            do {
                try await withTestDatabase(kind) { database in try await Self.run(script, on: database) }
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    static func run(_ script: [Int], on database: TestDatabase) async throws {
        let store = database.store
        var policy = policy
        policy.expiryDays = 40
        policy.returnGraceDays = 10
        var accounts: [String] = []
        for index in 0..<3 { accounts.append(try await store.makeAccount("p\(index)")) }
        var now = t0
        var spends: [Entry] = []
        var holds: [(account: String, hold: String)] = []
        for (step, code) in script.enumerated() {
            let parameter = Int64(code / 10)
            var account = accounts[Int(parameter) % accounts.count]
            let command: LedgerCommand
            switch code % 10 {
            case 0, 1:
                command = .credit(
                    .init(
                        kind: .grant, source: .plan, amount: parameter % 30 + 1, cause: Cause(type: "t", id: "\(step)"))
                )
            case 2, 3:
                command = spend(parameter % 20 + 1)
            case 4:
                command = .placeHold(.init(amount: parameter % 10 + 1, cause: Cause(type: "proposal", id: "\(step)")))
            case 5 where !holds.isEmpty:
                let chosen = holds.remove(at: Int(parameter) % holds.count)
                account = chosen.account
                let cause = Cause(type: "job", id: "\(step)")
                command =
                    parameter % 2 == 0
                    ? .captureHold(id: chosen.hold, cause: cause, actor: "system")
                    : .releaseHold(id: chosen.hold, cause: cause, actor: "system")
            case 6 where !spends.isEmpty:
                let original = spends.remove(at: Int(parameter) % spends.count)
                account = original.accountID
                command = .returnSpend(
                    .init(original: original, rule: "test", cause: Cause(type: "job", id: "\(step)")))
            case 7:
                now = now.adding(milliseconds: Int64(code) * 7_919 % (60 * Instant.millisecondsPerDay))
                continue
            default:
                command = .expireDue
            }
            let performed = try await store.perform(
                .ledger(accountID: account, command: command), now: now, policy: policy, idempotency: nil)
            guard case .done(let result, _) = performed else { Issue.record("replayed without a claim"); return }
            switch result {
            case .success(let value):
                if let entry = value.entry {
                    if entry.kind == .spend || entry.kind == .capture { spends.append(entry) }
                    if entry.kind == .hold, let hold = entry.holdID { holds.append((account, hold)) }
                    #expect(entry.balanceAfter.total >= (value.snapshot?.balance.total ?? 0))
                }
            case .failure(let error):
                #expect(error.code == .insufficientConnects, "step \(step): \(error)")
            }
            // What expires soon, as the write answered it and as a read answers it, is what every lot of
            // the account says: whether the store read them all, or only the first in the spend order.
            let lots = try await store.lots(accountID: account, limit: 500, after: nil).items
            let expected = AccountSnapshot.expiring(lots.map { ($0.expiresAt, $0.free) }, now: now)
            if case .success(let value) = result {
                #expect(value.snapshot?.expiring == expected, "step \(step)")
            }
            #expect(try await store.snapshot(accountID: account, now: now)?.expiring == expected, "step \(step)")
            let report = try await database.verify()
            guard report.isClean else {
                Issue.record("step \(step): \(report.violations)")
                return
            }
        }
    }
}
