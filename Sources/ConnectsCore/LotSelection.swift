/// Which of an account's live lots a decision reads, so that a store can load those and no others: a
/// write's cost then does not grow with the account's lots (an agency pool, or a daily streak's
/// rewards, holds thousands).
///
/// Besides its selection, a decision always reads the lots it names (``LedgerCommand/referencedLotIDs``)
/// and those its account's open holds reserve. A ledger loaded with ``due(spending:)`` is made with
/// `hasEveryLot: false` (``AccountLedger/init(account:lots:holds:balance:lastSequence:hasEveryLot:)``).
public enum LotSelection: Sendable, Hashable {
    /// Every lot with connects remaining: a cycle start forfeits plan connects above the rollover
    /// cap, which reads every plan lot.
    case every
    /// The lots past their expiry that still hold unheld connects (an account's balance no longer
    /// counts them, and every decision first writes their expiry), and the first lots in the spend
    /// order (``Lot/spendsBefore(_:_:)``) whose unheld connects add up to `spending`, or all of them
    /// if they add up to less.
    case due(spending: Int64)

    /// What two decisions on the same ledger read together.
    public func merged(with other: LotSelection) -> LotSelection {
        switch (self, other) {
        case (.due(let left), .due(let right)): return .due(spending: left + right)
        default: return .every
        }
    }

    /// What the decisions of each account read together, for decisions run one after another on the
    /// same ledgers (a job's effects, a scheduler's batch).
    public static func perAccount(
        _ selections: some Sequence<(accountID: String, selection: LotSelection)>
    ) -> [String: LotSelection] {
        var merged: [String: LotSelection] = [:]
        for (accountID, selection) in selections {
            merged[accountID] = merged[accountID]?.merged(with: selection) ?? selection
        }
        return merged
    }
}

extension JobEffect {
    /// The lots the effect's command reads besides those it names.
    public var lotSelection: LotSelection {
        switch self {
        case .chargeFee(_, _, let amount): return .due(spending: amount)
        case .holdBoost(_, _, let bid): return .due(spending: bid)
        case .captureBoost, .releaseBoost, .returnConnects: return .due(spending: 0)
        }
    }
}

extension LedgerCommand {
    /// The lots this command reads besides those it names.
    public var lotSelection: LotSelection {
        switch self {
        case .debit(let debit): return .due(spending: debit.amount)
        case .placeHold(let request): return .due(spending: request.amount)
        case .credit, .captureHold, .releaseHold, .returnSpend, .reverse, .expireDue, .close:
            return .due(spending: 0)
        case .open, .startDueCycle, .changePlan:
            return .every
        }
    }
}
