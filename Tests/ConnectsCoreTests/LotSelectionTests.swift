import ConnectsCore
import PropertyBased
import Testing

@Suite("Ledgers holding only the lots a command selects")
struct LotSelectionTests {
    /// The lots a store loads for `command` (``LotSelection``), taken from a ledger that holds every
    /// lot: what the command names, the lots of open holds, the lots past their expiry with connects
    /// left, and the shortest prefix of the spend order that covers what it spends.
    static func selected(from ledger: AccountLedger, for command: LedgerCommand, now: Instant) -> AccountLedger {
        var chosen = Set(command.referencedLotIDs)
        chosen.formUnion(ledger.holds.values.flatMap { $0.allocations.map(\.lotID) })
        let live = ledger.lots.values.filter { $0.remaining > 0 }
        chosen.formUnion(live.filter { $0.isExpired(at: now) }.map(\.id))
        switch command.lotSelection {
        case .every:
            chosen.formUnion(live.map(\.id))
        case .due(let spending):
            var free: Int64 = 0
            for lot in live.filter({ !$0.isExpired(at: now) }).sorted(by: Lot.spendsBefore) where free < spending {
                chosen.insert(lot.id)
                free += lot.free
            }
        }
        return AccountLedger(
            account: ledger.account, lots: ledger.lots.values.filter { chosen.contains($0.id) },
            holds: Array(ledger.holds.values), balance: ledger.balance, lastSequence: ledger.lastSequence,
            hasEveryLot: false)
    }

    /// What a decision wrote, without the identifiers it made up (those differ between two runs).
    static func outcome(_ ledger: AccountLedger, knownLots: Set<String>, now: Instant) -> [String] {
        ledger.changes.entries.map { entry in
            let allocations = entry.allocations.map {
                knownLots.contains($0.lotID) ? "\($0.lotID):\($0.amount)" : "new:\($0.amount)"
            }
            return "\(entry.kind) \(entry.amount) held \(entry.held) after \(entry.balanceAfter) \(allocations)"
        } + ["balance \(ledger.balance(at: now))"]
    }

    @Test("every decision on the selected lots equals the decision on every lot")
    func sameDecisions() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...9_999_999).array(of: 1...120)) { script in
            Self.run(script)
        }
    }

    static func run(_ script: [Int]) {
        let expiring = LedgerPolicy(expiryDays: 60, returnGraceDays: 10)
        let lasting = LedgerPolicy(expiryDays: nil, returnGraceDays: 10)
        var ledger = Fixture.ledger()
        var now = Fixture.start
        var spends: [Entry] = []
        var credits: [Entry] = []
        for (step, code) in script.enumerated() {
            let parameter = Int64(code / 10)
            let command: LedgerCommand
            var policy = expiring
            switch code % 10 {
            case 0, 1, 2:
                command = Fixture.credit(parameter % 5 + 1, source: .reward, kind: .reward)
                if parameter % 7 == 0 { policy = lasting }
            case 3, 4:
                command = Fixture.spend(parameter % 12 + 1)
            case 5:
                command = Fixture.hold(parameter % 6 + 1)
            case 6 where !ledger.holds.isEmpty:
                let id = ledger.holds.keys.sorted()[Int(parameter) % ledger.holds.count]
                let cause = Cause(type: "job", id: "job")
                command =
                    parameter % 2 == 0
                    ? .captureHold(id: id, cause: cause, actor: "system")
                    : .releaseHold(id: id, cause: cause, actor: "system")
            case 7 where !spends.isEmpty:
                command = Fixture.returning(spends.remove(at: Int(parameter) % spends.count))
            case 8 where !credits.isEmpty:
                let original = credits.remove(at: Int(parameter) % credits.count)
                command = .reverse(.init(original: original, reason: "test", actor: "support"))
            default:
                now = now.adding(milliseconds: (Int64(code) * 7_919) % (20 * Instant.millisecondsPerDay))
                continue
            }
            var whole = ledger
            whole.clearChanges()
            var partial = Self.selected(from: whole, for: command, now: now)
            let known = Set(whole.lots.keys)
            let wholeResult = Result { () throws(ConnectsError) in try whole.execute(command, now: now, policy: policy)
            }
            let partialResult = Result { () throws(ConnectsError) in
                try partial.execute(command, now: now, policy: policy)
            }
            switch (wholeResult, partialResult) {
            case (.success(let entry), .success):
                let expected = Self.outcome(whole, knownLots: known, now: now)
                #expect(Self.outcome(partial, knownLots: known, now: now) == expected, "step \(step)")
                #expect(partial.checkInvariants() == nil, "step \(step)")
                if let entry, entry.kind == .spend || entry.kind == .capture { spends.append(entry) }
                if let entry, entry.kind == .reward { credits.append(entry) }
                ledger = whole
            case (.failure(let wholeError), .failure(let partialError)):
                #expect(wholeError.code == partialError.code, "step \(step)")
            default:
                Issue.record("step \(step): \(wholeResult) on every lot, \(partialResult) on the selected ones")
                return
            }
        }
    }

    @Test("what decisions on the same ledger read together")
    func merging() {
        let merged = LotSelection.perAccount([
            ("a", .due(spending: 3)), ("b", .due(spending: 0)), ("a", .due(spending: 4)), ("c", .every),
            ("c", .due(spending: 2)),
        ])
        #expect(merged == ["a": .due(spending: 7), "b": .due(spending: 0), "c": .every])
    }
}
