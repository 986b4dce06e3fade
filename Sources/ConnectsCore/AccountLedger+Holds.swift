extension AccountLedger {
    /// Reserves `request.amount` connects of specific lots, chosen in the spend order.
    mutating func placeHold(
        _ request: LedgerCommand.HoldRequest, now: Instant, policy: LedgerPolicy
    )
        throws(ConnectsError) -> Entry
    {
        try Self.checkMovement(request.amount)
        let allocations = try allocate(request.amount, now: now)
        for allocation in allocations {
            var lot = lots[allocation.lotID]!
            lot.held += allocation.amount
            store(lot)
        }
        let hold = Hold(
            id: Identifier.make(Identifier.hold, at: now, order: identifierOrder),
            accountID: account.id,
            amount: request.amount,
            allocations: allocations,
            state: .open,
            cause: request.cause,
            createdAt: now
        )
        store(hold)
        return record(
            .hold,
            amount: 0,
            held: request.amount,
            cause: request.cause,
            actor: request.actor,
            allocations: allocations,
            now: now,
            policy: policy
        ) {
            $0.holdID = hold.id
            $0.eventKey = request.eventKey
        }
    }

    /// The open hold `id`, or a refusal.
    func openHold(_ id: String) throws(ConnectsError) -> Hold {
        guard let hold = holds[id] else {
            throw ConnectsError(.invalidState, "hold \(id) is not open on account \(account.id)")
        }
        return hold
    }

    /// Spends exactly the amounts the hold reserved.
    mutating func captureHold(
        id: String, cause: Cause, actor: String, now: Instant, policy: LedgerPolicy
    )
        throws(ConnectsError) -> Entry
    {
        var hold = try openHold(id)
        for allocation in hold.allocations {
            var lot = lots[allocation.lotID]!
            lot.held -= allocation.amount
            lot.remaining -= allocation.amount
            store(lot)
        }
        hold.state = .captured
        store(hold)
        return record(
            .capture,
            amount: -hold.amount,
            held: -hold.amount,
            cause: cause,
            actor: actor,
            allocations: hold.allocations,
            now: now,
            policy: policy
        ) { $0.holdID = hold.id }
    }

    /// Frees what the hold reserved; a freed part whose lot has expired meanwhile expires at once.
    mutating func releaseHold(
        id: String, cause: Cause, actor: String, rule: String?, now: Instant, policy: LedgerPolicy
    )
        throws(ConnectsError) -> Entry
    {
        var hold = try openHold(id)
        for allocation in hold.allocations {
            var lot = lots[allocation.lotID]!
            lot.held -= allocation.amount
            store(lot)
        }
        hold.state = .released
        store(hold)
        let entry = record(
            .release,
            amount: 0,
            held: -hold.amount,
            cause: cause,
            actor: actor,
            allocations: hold.allocations,
            now: now,
            policy: policy
        ) {
            $0.holdID = hold.id
            $0.rule = rule
        }
        expireDue(now: now, policy: policy)
        return entry
    }
}
