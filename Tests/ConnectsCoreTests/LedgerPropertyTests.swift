import ConnectsCore
import PropertyBased
import Testing

/// A deliberately naive reference model of one account: a list of lots scanned in full for every
/// question, no running totals. The core must agree with it after every step.
struct ReferenceModel {
    struct ModelLot {
        var id: String
        var expiresAt: Instant?
        var grantedAt: Instant
        var remaining: Int64
        var held: Int64
    }

    var lots: [ModelLot] = []
    var holds: [String: [Allocation]] = [:]
    let graceDays: Int64

    func isExpired(_ lot: ModelLot, _ now: Instant) -> Bool { lot.expiresAt.map { $0 <= now } ?? false }

    /// Total and held as they count at `now`.
    func balance(at now: Instant) -> Balance {
        var total: Int64 = 0
        var held: Int64 = 0
        for lot in lots {
            held += lot.held
            total += isExpired(lot, now) ? lot.held : lot.remaining
        }
        return Balance(total: total, held: held)
    }

    mutating func expire(_ now: Instant) {
        for index in lots.indices where isExpired(lots[index], now) {
            lots[index].remaining = lots[index].held
        }
    }

    mutating func credit(lotID: String, amount: Int64, now: Instant, expiresAt: Instant?) {
        expire(now)
        lots.append(ModelLot(id: lotID, expiresAt: expiresAt, grantedAt: now, remaining: amount, held: 0))
    }

    /// The order a spend takes lots in, written out longhand.
    func ordered(_ now: Instant) -> [Int] {
        lots.indices.filter { !isExpired(lots[$0], now) && lots[$0].remaining > lots[$0].held }.sorted { a, b in
            let (x, y) = (lots[a], lots[b])
            let xe = x.expiresAt?.millisecondsSinceEpoch ?? Int64.max
            let ye = y.expiresAt?.millisecondsSinceEpoch ?? Int64.max
            if xe != ye { return xe < ye }
            if x.grantedAt != y.grantedAt { return x.grantedAt < y.grantedAt }
            return x.id < y.id
        }
    }

    /// Takes `amount` (spend when `hold` is false); `nil` when not enough is available.
    mutating func take(_ amount: Int64, now: Instant, hold: Bool) -> [Allocation]? {
        expire(now)
        guard balance(at: now).available >= amount else { return nil }
        var left = amount
        var taken: [Allocation] = []
        for index in ordered(now) where left > 0 {
            let part = min(lots[index].remaining - lots[index].held, left)
            if hold { lots[index].held += part } else { lots[index].remaining -= part }
            taken.append(Allocation(lotID: lots[index].id, amount: part))
            left -= part
        }
        return taken
    }

    mutating func give(_ allocations: [Allocation], now: Instant, newLotID: String?) {
        expire(now)
        for allocation in allocations {
            if let index = lots.firstIndex(where: { $0.id == allocation.lotID }), !isExpired(lots[index], now) {
                lots[index].remaining += allocation.amount
            } else if let newLotID {
                if let index = lots.firstIndex(where: { $0.id == newLotID }) {
                    lots[index].remaining += allocation.amount
                } else {
                    lots.append(
                        ModelLot(
                            id: newLotID, expiresAt: now.adding(days: graceDays), grantedAt: now,
                            remaining: allocation.amount, held: 0))
                }
            }
        }
    }

    mutating func endHold(_ id: String, capture: Bool, now: Instant) {
        expire(now)
        for allocation in holds.removeValue(forKey: id) ?? [] {
            let index = lots.firstIndex { $0.id == allocation.lotID }!
            lots[index].held -= allocation.amount
            if capture { lots[index].remaining -= allocation.amount }
        }
        expire(now)
    }
}

@Suite("Ledger properties over random command sequences")
struct LedgerPropertyTests {
    /// Each number encodes one command: `n % 10` picks it, `n / 10` parameterizes it.
    static let commands = Gen.int(in: 0...9_999_999).array(of: 1...80)

    @Test("after every command the invariants hold and balances equal the reference model")
    func randomSequences() async {
        await propertyCheck(count: 300, input: Self.commands) { script in
            Self.run(script)
        }
    }

    static func run(_ script: [Int]) {
        let policy = LedgerPolicy(expiryDays: 60, returnGraceDays: 10)
        var ledger = Fixture.ledger()
        var model = ReferenceModel(graceDays: policy.returnGraceDays)
        var now = Fixture.start
        var spends: [Entry] = []
        var reversible: [Entry] = []
        var openHolds: [String] = []
        for (step, code) in script.enumerated() {
            let parameter = Int64(code / 10)
            var attempt = ledger
            attempt.clearChanges()
            do {
                switch code % 10 {
                case 0, 1:
                    let amount = parameter % 40 + 1
                    let entry = try attempt.execute(
                        Fixture.credit(amount, source: .reward, kind: .reward), now: now, policy: policy)!
                    model.credit(
                        lotID: entry.allocations[0].lotID, amount: amount, now: now, expiresAt: now.adding(days: 60))
                    reversible.append(entry)
                case 2, 3:
                    let amount = parameter % 30 + 1
                    let expected = model.take(amount, now: now, hold: false)
                    do {
                        let entry = try attempt.execute(Fixture.spend(amount), now: now, policy: policy)!
                        #expect(entry.allocations == expected, "step \(step): spend took other lots than the model")
                        spends.append(entry)
                    } catch {
                        #expect(expected == nil && error.code == .insufficientConnects, "step \(step): \(error)")
                    }
                case 4:
                    let amount = parameter % 20 + 1
                    let expected = model.take(amount, now: now, hold: true)
                    do {
                        let entry = try attempt.execute(Fixture.hold(amount), now: now, policy: policy)!
                        #expect(entry.allocations == expected)
                        model.holds[entry.holdID!] = entry.allocations
                        openHolds.append(entry.holdID!)
                    } catch {
                        #expect(expected == nil && error.code == .insufficientConnects, "step \(step): \(error)")
                    }
                case 5 where !openHolds.isEmpty:
                    let id = openHolds.remove(at: Int(parameter) % openHolds.count)
                    let capture = parameter % 2 == 0
                    let cause = Cause(type: "job", id: "job")
                    let entry = try attempt.execute(
                        capture
                            ? .captureHold(id: id, cause: cause, actor: "system")
                            : .releaseHold(id: id, cause: cause, actor: "system"),
                        now: now,
                        policy: policy
                    )!
                    model.endHold(id, capture: capture, now: now)
                    if capture { spends.append(entry) }
                case 6 where !spends.isEmpty:
                    let spend = spends.remove(at: Int(parameter) % spends.count)
                    let entry = try attempt.execute(Fixture.returning(spend), now: now, policy: policy)!
                    let newLot = entry.allocations.map(\.lotID).first { id in
                        !spend.allocations.contains { $0.lotID == id }
                    }
                    model.give(spend.allocations, now: now, newLotID: newLot)
                case 7 where !reversible.isEmpty:
                    let original = reversible.remove(at: Int(parameter) % reversible.count)
                    let entry = try attempt.execute(
                        .reverse(.init(original: original, reason: "test", actor: "support")), now: now, policy: policy)!
                    model.expire(now)
                    let index = model.lots.firstIndex { $0.id == original.allocations[0].lotID }!
                    let lot = model.lots[index]
                    let expected = model.isExpired(lot, now) ? 0 : min(lot.remaining - lot.held, original.amount)
                    #expect(
                        entry.amount == -expected, "step \(step): reversal took \(-entry.amount), model \(expected)")
                    model.lots[index].remaining -= expected
                    #expect(-entry.amount + (entry.unreversed ?? 0) == original.amount)
                case 8:
                    now = now.adding(milliseconds: (Int64(code) * 7_919) % (90 * Instant.millisecondsPerDay))
                default:
                    try attempt.execute(.expireDue, now: now, policy: policy)
                    model.expire(now)
                }
            } catch {
                Issue.record("step \(step) (\(code % 10)) was refused: \(error)")
                return
            }
            ledger = attempt
            if let broken = ledger.checkInvariants() {
                Issue.record("step \(step): \(broken)")
                return
            }
            #expect(ledger.balance(at: now) == model.balance(at: now), "step \(step): core and model disagree")
            let sequences = ledger.changes.entries.map(\.sequence)
            #expect(sequences == Array(sequences.sorted()), "entries out of order")
        }
    }
}
