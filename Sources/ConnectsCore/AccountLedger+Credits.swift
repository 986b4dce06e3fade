extension AccountLedger {
    /// Credits a new lot of `credit.amount` connects.
    mutating func credit(
        _ credit: LedgerCommand.Credit, now: Instant, policy: LedgerPolicy
    ) throws(ConnectsError)
        -> Entry
    {
        try Self.checkMovement(credit.amount)
        guard account.kind.holdsConnects else {
            throw ConnectsError(.invalidState, "\(account.kind.rawValue) accounts hold no connects")
        }
        try checkRoom(for: credit.amount)
        let entryID = Identifier.make(Identifier.entry, at: now, order: identifierOrder)
        let lot = Lot(
            id: Identifier.make(Identifier.lot, at: now, order: identifierOrder),
            source: credit.source,
            amount: credit.amount,
            remaining: credit.amount,
            grantedAt: now,
            expiresAt: policy.expiry(of: credit.source, grantedAt: now),
            entryID: entryID
        )
        store(lot)
        return record(
            credit.kind,
            amount: credit.amount,
            cause: credit.cause,
            actor: credit.actor,
            allocations: [Allocation(lotID: lot.id, amount: credit.amount)],
            now: now,
            policy: policy
        ) {
            $0.id = entryID
            $0.reason = credit.reason
            $0.ticket = credit.ticket
            $0.eventKey = credit.eventKey
        }
    }

    /// Refuses a credit that would lift the balance above ``Limits/balanceMax``.
    func checkRoom(for amount: Int64) throws(ConnectsError) {
        guard balance.total <= Limits.balanceMax - amount else {
            throw ConnectsError(.limitExceeded, "amount: the balance may not exceed \(Limits.balanceMax) connects")
        }
    }

    /// Gives a debit back: the same allocations go back to the same lots, recorded as one `kind` entry
    /// that names `original`. A part whose lot has expired (or is not known) comes back as one new
    /// `return` lot expiring after the grace period.
    mutating func giveBack(
        _ original: Entry,
        as kind: EntryKind,
        cause: Cause,
        actor: String,
        now: Instant,
        policy: LedgerPolicy,
        details: (inout Entry) -> Void
    ) throws(ConnectsError) -> Entry {
        let amount = -original.amount
        try checkRoom(for: amount)
        let entryID = Identifier.make(Identifier.entry, at: now, order: identifierOrder)
        var credited: [Allocation] = []
        var expiredPart: Int64 = 0
        for allocation in original.allocations where allocation.amount > 0 {
            if var lot = lots[allocation.lotID], !lot.isExpired(at: now),
                lot.remaining + allocation.amount <= lot.amount
            {
                lot.remaining += allocation.amount
                store(lot)
                credited.append(allocation)
            } else {
                expiredPart += allocation.amount
            }
        }
        if expiredPart > 0 {
            let lot = Lot(
                id: Identifier.make(Identifier.lot, at: now, order: identifierOrder),
                source: .return,
                amount: expiredPart,
                remaining: expiredPart,
                grantedAt: now,
                expiresAt: now.adding(days: policy.returnGraceDays),
                entryID: entryID
            )
            store(lot)
            credited.append(Allocation(lotID: lot.id, amount: expiredPart))
        }
        return record(
            kind,
            amount: amount,
            cause: cause,
            actor: actor,
            allocations: credited,
            now: now,
            policy: policy
        ) {
            $0.id = entryID
            $0.reverses = original.id
            details(&$0)
        }
    }

    /// Returns a spend: the same allocations go back to the same lots.
    mutating func returnSpend(
        _ request: LedgerCommand.ReturnRequest, now: Instant, policy: LedgerPolicy
    )
        throws(ConnectsError) -> Entry
    {
        let original = request.original
        guard original.accountID == account.id else {
            throw ConnectsError(.invalidState, "entry \(original.id) belongs to another account")
        }
        guard original.kind == .spend || original.kind == .capture else {
            throw ConnectsError(
                .invalidState, "only a spend or a captured boost can be returned, not a \(original.kind.rawValue)")
        }
        return try giveBack(original, as: .return, cause: request.cause, actor: request.actor, now: now, policy: policy)
        {
            $0.rule = request.rule
            $0.eventKey = request.eventKey ?? "return:\(original.id)"
        }
    }
}
