import ConnectsCore

/// Helpers that build ledgers and commands for the core's tests.
enum Fixture {
    static let start = Instant(millisecondsSinceEpoch: 1_767_225_600_000)  // 2026-01-01T00:00:00Z
    static let policy = LedgerPolicy.standard

    static func ledger(kind: Account.Kind = .freelancer) -> AccountLedger {
        let account = Account(id: "acct_test", externalID: "ext", kind: kind, plan: "basic", createdAt: start)
        return AccountLedger(account: account, lots: [], holds: [], balance: .zero, lastSequence: 0)
    }

    static func credit(
        _ amount: Int64, source: LotSource = .plan, kind: EntryKind = .grant, key: String? = nil
    )
        -> LedgerCommand
    {
        .credit(
            .init(kind: kind, source: source, amount: amount, cause: Cause(type: "test", id: "credit"), eventKey: key))
    }

    static func spend(_ amount: Int64) -> LedgerCommand {
        .debit(.init(kind: .spend, amount: amount, cause: Cause(type: "proposal", id: "prop_test")))
    }

    static func hold(_ amount: Int64) -> LedgerCommand {
        .placeHold(.init(amount: amount, cause: Cause(type: "proposal", id: "prop_boost")))
    }

    static func returning(_ entry: Entry) -> LedgerCommand {
        .returnSpend(.init(original: entry, rule: "returns.test", cause: Cause(type: "job", id: "job_test")))
    }
}

extension Instant {
    func plus(days: Int64) -> Instant { adding(days: days) }
}
