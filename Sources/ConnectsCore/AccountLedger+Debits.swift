extension AccountLedger {
    /// Takes `amount` connects from the spendable lots in the spend order.
    ///
    /// - Returns: the allocations taken, and the lots with `take` applied (not yet stored).
    func allocate(_ amount: Int64, now: Instant) throws(ConnectsError) -> [Allocation] {
        let available = balance(at: now).available
        guard amount <= available else {
            throw ConnectsError(.insufficientConnects, "needs \(amount) connects, \(available) available")
        }
        var allocations: [Allocation] = []
        var left = amount
        for lot in spendableLots(at: now) where left > 0 {
            let part = min(lot.free, left)
            allocations.append(Allocation(lotID: lot.id, amount: part))
            left -= part
        }
        precondition(left == 0, "available \(available) but the lots gave \(amount - left)")
        return allocations
    }

    /// Spends `debit.amount` connects from lots in the spend order.
    mutating func debit(
        _ debit: LedgerCommand.Debit, now: Instant, policy: LedgerPolicy
    ) throws(ConnectsError)
        -> Entry
    {
        try Self.checkMovement(debit.amount)
        let allocations = try allocate(debit.amount, now: now)
        for allocation in allocations {
            var lot = lots[allocation.lotID]!
            lot.remaining -= allocation.amount
            store(lot)
        }
        return record(
            debit.kind,
            amount: -debit.amount,
            cause: debit.cause,
            actor: debit.actor,
            allocations: allocations,
            now: now,
            policy: policy
        ) {
            $0.reason = debit.reason
            $0.ticket = debit.ticket
            $0.eventKey = debit.eventKey
        }
    }

    /// Writes an `expire` entry for every lot whose expiry has passed and that still has an unheld
    /// remainder. Held parts wait until their hold ends.
    mutating func expireDue(now: Instant, policy: LedgerPolicy) {
        let due = lots.values.filter { $0.isExpired(at: now) && $0.free > 0 }.sorted(by: Lot.spendsBefore)
        for var lot in due {
            let part = lot.free
            lot.remaining -= part
            store(lot)
            record(
                .expire,
                amount: -part,
                cause: Cause(type: "expiry", id: lot.id),
                actor: "system",
                allocations: [Allocation(lotID: lot.id, amount: part)],
                now: now,
                policy: policy
            ) { $0.rule = "expiry.days" }
        }
    }

    /// Undoes a support-reversible entry: a credit as far as its lot is still unspent and unexpired, a
    /// debit adjustment by giving its allocations back.
    mutating func reverse(
        _ reversal: LedgerCommand.Reversal, now: Instant, policy: LedgerPolicy
    )
        throws(ConnectsError) -> Entry
    {
        let original = reversal.original
        guard original.accountID == account.id else {
            throw ConnectsError(.invalidState, "entry \(original.id) belongs to another account")
        }
        guard original.kind.isReversible else {
            throw ConnectsError(.invalidState, "a \(original.kind.rawValue) entry cannot be reversed")
        }
        let cause = Cause(type: "support", id: original.id)
        if original.amount < 0 {
            return try giveBack(original, as: .reversal, cause: cause, actor: reversal.actor, now: now, policy: policy)
            {
                $0.reason = reversal.reason
                $0.ticket = reversal.ticket
                $0.unreversed = 0
            }
        }
        var taken: [Allocation] = []
        for allocation in original.allocations {
            guard var lot = lots[allocation.lotID], !lot.isExpired(at: now) else { continue }
            let part = min(lot.free, allocation.amount)
            guard part > 0 else { continue }
            lot.remaining -= part
            store(lot)
            taken.append(Allocation(lotID: lot.id, amount: part))
        }
        let reversed = taken.reduce(Int64(0)) { $0 + $1.amount }
        return record(
            .reversal,
            amount: -reversed,
            cause: cause,
            actor: reversal.actor,
            allocations: taken,
            now: now,
            policy: policy
        ) {
            $0.reason = reversal.reason
            $0.ticket = reversal.ticket
            $0.reverses = original.id
            $0.unreversed = original.amount - reversed
        }
    }
}
