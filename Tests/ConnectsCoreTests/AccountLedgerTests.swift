import ConnectsCore
import Testing

@Suite("The account ledger's decisions")
struct AccountLedgerTests {
    let t0 = Fixture.start
    let policy = Fixture.policy

    @Test("a spend takes the lot that expires first, then the older grant")
    func spendOrder() throws {
        var ledger = Fixture.ledger()
        let late = try #require(try ledger.execute(Fixture.credit(10), now: t0, policy: policy))
        let never = try #require(
            try ledger.execute(Fixture.credit(10), now: t0.plus(days: 1), policy: LedgerPolicy(expiryDays: nil))
        )
        // Granted later but expiring sooner: a 30-day policy.
        let soon = try #require(
            try ledger.execute(Fixture.credit(10), now: t0.plus(days: 2), policy: LedgerPolicy(expiryDays: 30))
        )
        let spend = try #require(try ledger.execute(Fixture.spend(25), now: t0.plus(days: 3), policy: policy))
        #expect(
            spend.allocations == [
                Allocation(lotID: soon.allocations[0].lotID, amount: 10),
                Allocation(lotID: late.allocations[0].lotID, amount: 10),
                Allocation(lotID: never.allocations[0].lotID, amount: 5),
            ]
        )
        #expect(ledger.balance == Balance(total: 5, held: 0))
        #expect(ledger.checkInvariants() == nil)
    }

    @Test("a spend above the available balance is refused and changes nothing")
    func insufficient() throws {
        var ledger = Fixture.ledger()
        try ledger.execute(Fixture.credit(5), now: t0, policy: policy)
        ledger.clearChanges()
        var attempt = ledger
        #expect(throws: ConnectsError.self) { try attempt.execute(Fixture.spend(6), now: t0, policy: policy) }
        do {
            try attempt.execute(Fixture.spend(6), now: t0, policy: policy)
        } catch {
            #expect(error.code == .insufficientConnects)
        }
        #expect(ledger.balance.total == 5)
        #expect(ledger.changes.isEmpty)
    }

    @Test("expired connects stop counting at the instant of expiry, before any sweep")
    func expiryAtReadTime() throws {
        var ledger = Fixture.ledger()
        try ledger.execute(Fixture.credit(10), now: t0, policy: policy)
        let expiry = t0.plus(days: 365)
        #expect(ledger.balance(at: expiry.adding(milliseconds: -1)).available == 10)
        #expect(ledger.balance(at: expiry).available == 0)
        // The next write records the expiry first, as its own entry.
        #expect(throws: ConnectsError.self) { try ledger.execute(Fixture.spend(1), now: expiry, policy: policy) }
        try ledger.execute(Fixture.credit(3), now: expiry, policy: policy)
        #expect(ledger.changes.entries.map(\.kind) == [.grant, .expire, .grant])
        #expect(ledger.balance.total == 3)
    }

    @Test("a return gives the same connects back to the same lots")
    func returnRestoresAllocations() throws {
        var ledger = Fixture.ledger()
        let grant = try #require(try ledger.execute(Fixture.credit(10), now: t0, policy: policy))
        let spend = try #require(try ledger.execute(Fixture.spend(4), now: t0, policy: policy))
        let back = try #require(try ledger.execute(Fixture.returning(spend), now: t0.plus(days: 1), policy: policy))
        #expect(back.kind == .return)
        #expect(back.amount == 4)
        #expect(back.allocations == [Allocation(lotID: grant.allocations[0].lotID, amount: 4)])
        #expect(back.reverses == spend.id)
        #expect(back.rule == "returns.test")
        #expect(ledger.lots[grant.allocations[0].lotID]?.remaining == 10)
    }

    @Test("a returned part whose lot has expired comes back as a new lot with the grace period")
    func returnAfterExpiry() throws {
        var ledger = Fixture.ledger()
        try ledger.execute(Fixture.credit(10), now: t0, policy: policy)
        let spend = try #require(try ledger.execute(Fixture.spend(4), now: t0, policy: policy))
        let later = t0.plus(days: 400)
        let back = try #require(try ledger.execute(Fixture.returning(spend), now: later, policy: policy))
        let lot = try #require(ledger.lots[back.allocations[0].lotID])
        #expect(lot.source == .return)
        #expect(lot.expiresAt == later.plus(days: 30))
        #expect(ledger.balance(at: later).available == 4)
    }

    @Test("a hold reduces available at once; capture spends exactly the held lots")
    func holdAndCapture() throws {
        var ledger = Fixture.ledger()
        try ledger.execute(Fixture.credit(10), now: t0, policy: policy)
        let hold = try #require(try ledger.execute(Fixture.hold(7), now: t0, policy: policy))
        #expect(hold.amount == 0 && hold.held == 7)
        #expect(ledger.balance == Balance(total: 10, held: 7))
        #expect(throws: ConnectsError.self) { try ledger.execute(Fixture.spend(4), now: t0, policy: policy) }
        let capture = try #require(
            try ledger.execute(
                .captureHold(id: hold.holdID!, cause: Cause(type: "job", id: "job"), actor: "system"),
                now: t0,
                policy: policy
            )
        )
        #expect(capture.amount == -7 && capture.held == -7)
        #expect(capture.allocations == hold.allocations)
        #expect(ledger.balance == Balance(total: 3, held: 0))
        // A hold is captured or released once.
        #expect(throws: ConnectsError.self) {
            try ledger.execute(
                .releaseHold(id: hold.holdID!, cause: Cause(type: "job", id: "job"), actor: "system"),
                now: t0,
                policy: policy
            )
        }
    }

    @Test("held connects do not expire while held; a part freed after expiry expires on release")
    func heldPartsOutliveExpiry() throws {
        var ledger = Fixture.ledger()
        try ledger.execute(Fixture.credit(10), now: t0, policy: policy)
        let hold = try #require(try ledger.execute(Fixture.hold(6), now: t0, policy: policy))
        let later = t0.plus(days: 366)
        #expect(ledger.balance(at: later) == Balance(total: 6, held: 6))
        try ledger.execute(.expireDue, now: later, policy: policy)
        #expect(ledger.balance == Balance(total: 6, held: 6))
        ledger.clearChanges()
        try ledger.execute(
            .releaseHold(id: hold.holdID!, cause: Cause(type: "job", id: "job"), actor: "system"),
            now: later,
            policy: policy
        )
        #expect(ledger.changes.entries.map(\.kind) == [.release, .expire])
        #expect(ledger.balance == .zero)
    }

    @Test("reversing a partly spent reward takes back only the unspent part and says how much was not")
    func reversePartlySpent() throws {
        var ledger = Fixture.ledger()
        let reward = try #require(
            try ledger.execute(Fixture.credit(30, source: .reward, kind: .reward), now: t0, policy: policy))
        try ledger.execute(Fixture.spend(12), now: t0, policy: policy)
        let reversal = try #require(
            try ledger.execute(
                .reverse(.init(original: reward, reason: "granted twice", actor: "support:1")), now: t0, policy: policy)
        )
        #expect(reversal.kind == .reversal)
        #expect(reversal.amount == -18)
        #expect(reversal.unreversed == 12)
        #expect(reversal.reverses == reward.id)
        #expect(ledger.balance.total == 0)
    }

    @Test("reversing a debit adjustment gives the connects back")
    func reverseDebit() throws {
        var ledger = Fixture.ledger()
        try ledger.execute(Fixture.credit(10), now: t0, policy: policy)
        let debit = try #require(
            try ledger.execute(
                .debit(.init(kind: .adjustment, amount: 4, cause: Cause(type: "support", id: "t"), reason: "oops")),
                now: t0,
                policy: policy
            )
        )
        let reversal = try #require(
            try ledger.execute(
                .reverse(.init(original: debit, reason: "mistake", actor: "support:1")), now: t0, policy: policy)
        )
        #expect(reversal.amount == 4)
        #expect(ledger.balance.total == 10)
    }

    @Test(
        "entries that are not support-reversible are refused", arguments: [EntryKind.spend, .expire, .reversal, .hold])
    func notReversible(kind: EntryKind) throws {
        var ledger = Fixture.ledger()
        try ledger.execute(Fixture.credit(10), now: t0, policy: policy)
        let entry = Entry(
            id: "ent_x", accountID: "acct_test", sequence: 1, kind: kind, amount: -1, held: 0,
            balanceAfter: .zero, createdAt: t0, cause: Cause(type: "t", id: "t"), actor: "system", allocations: []
        )
        do {
            try ledger.execute(.reverse(.init(original: entry, reason: "r", actor: "a")), now: t0, policy: policy)
            Issue.record("a \(kind) entry was reversed")
        } catch {
            #expect(error.code == .invalidState)
        }
    }

    @Test(
        "amounts outside the limits are refused with a stable code",
        arguments: [
            (Int64(0), "validation_failed"), (-5, "validation_failed"), (100_001, "limit_exceeded"),
            (Int64.max, "limit_exceeded"),
        ]
    )
    func movementLimits(amount: Int64, code: String) {
        var ledger = Fixture.ledger()
        do {
            try ledger.execute(Fixture.credit(amount), now: t0, policy: policy)
            Issue.record("credit of \(amount) was accepted")
        } catch {
            #expect(error.code.rawValue == code)
        }
    }

    @Test("the balance never exceeds its limit, and the arithmetic cannot overflow")
    func balanceLimit() throws {
        let account = Account(id: "acct_test", externalID: "e", kind: .freelancer, plan: "basic", createdAt: t0)
        let full = Lot(
            id: "lot_full", source: .purchase, amount: 100_000, remaining: 100_000, grantedAt: t0, expiresAt: nil,
            entryID: "ent_0"
        )
        var ledger = AccountLedger(
            account: account, lots: [full], holds: [], balance: Balance(total: Limits.balanceMax - 10, held: 0),
            lastSequence: 1
        )
        do {
            try ledger.execute(Fixture.credit(11), now: t0, policy: policy)
            Issue.record("credit above the balance limit was accepted")
        } catch {
            #expect(error.code == .limitExceeded)
        }
    }

    @Test("clients hold no connects and closed accounts move none")
    func accountStates() throws {
        var client = Fixture.ledger(kind: .client)
        #expect(throws: ConnectsError(.invalidState, "client accounts hold no connects")) {
            try client.execute(Fixture.credit(1), now: t0, policy: policy)
        }
        var ledger = Fixture.ledger()
        try ledger.execute(Fixture.credit(5), now: t0, policy: policy)
        try ledger.execute(.close(actor: "admin"), now: t0, policy: policy)
        #expect(ledger.account.status == .closed)
        do {
            try ledger.execute(Fixture.spend(1), now: t0, policy: policy)
            Issue.record("a closed account spent")
        } catch {
            #expect(error.code == .accountClosed)
        }
    }

    @Test("identifiers carry their prefix and sort by time")
    func identifiers() {
        let earlier = Identifier.make(Identifier.lot, at: t0)
        let later = Identifier.make(Identifier.lot, at: t0.adding(milliseconds: 1))
        #expect(earlier.hasPrefix("lot_") && earlier.count == 30)
        #expect(earlier < later)
        // The ULID specification's example: this instant is "01ARYZ6S41", in Crockford's base 32.
        let ulid = Identifier.make("x_", at: Instant(millisecondsSinceEpoch: 1_469_918_176_385))
        #expect(ulid.hasPrefix("x_01ARYZ6S41") && ulid.count == 28)
        #expect(ulid.dropFirst(12).allSatisfy { "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains($0) })
    }

    @Test("identifiers made in the same millisecond never repeat", arguments: [Identifier.Order.random, .increasing])
    func identifiersAreUnique(order: Identifier.Order) {
        let made = (0..<20_000).map { _ in Identifier.make(Identifier.entry, at: t0, order: order) }
        #expect(Set(made).count == made.count)
    }

    @Test("a ledger makes its entries' and lots' identifiers in the order its store asks for")
    func ledgerIdentifierOrder() throws {
        /// The identifiers of 200 grants' entries and of their lots, made at one instant.
        func grants(_ order: Identifier.Order) throws -> (entries: [String], lots: [String]) {
            var ledger = Fixture.ledger()
            ledger.identifierOrder = order
            for _ in 0..<200 { try ledger.execute(Fixture.credit(1), now: t0, policy: policy) }
            let entries = ledger.changes.entries
            return (entries.map(\.id), entries.flatMap { $0.allocations.map(\.lotID) })
        }
        let increasing = try grants(.increasing)
        #expect(increasing.lots.count == 200)
        #expect(increasing.entries == increasing.entries.sorted())
        #expect(increasing.lots == increasing.lots.sorted())
        let random = try grants(.random)
        #expect(random.entries != random.entries.sorted())
    }

    @Test("a run of identifiers at one millisecond sorts in the order made, and starts afresh at another")
    func identifierRuns() {
        var run = Identifier.Run()
        var generator = SystemRandomNumberGenerator()
        let made = (0..<20_000).map { _ in run.make(Identifier.entry, at: t0, using: &generator) }
        #expect(Set(made).count == made.count)
        #expect(made == made.sorted())
        let later = run.make(Identifier.entry, at: t0.adding(milliseconds: 1), using: &generator)
        #expect(later > made.last!)
        // Back at t0 after another millisecond's: fresh random bits, so not in order, but never a repeat.
        let again = (0..<1_000).map { _ in run.make(Identifier.entry, at: t0, using: &generator) }
        #expect(Set(made + again).count == made.count + again.count)
    }

    @Test("the random characters of identifiers made at different milliseconds take every value")
    func identifiersAreRandom() {
        let made = (0..<20_000).map { Identifier.make(Identifier.entry, at: t0.adding(milliseconds: Int64($0))) }
        for position in made[0].indices.suffix(16) {
            #expect(
                Set(made.map { $0[position] }).count == 32,
                "character \(made[0].distance(from: made[0].startIndex, to: position)) is stuck")
        }
    }
}
