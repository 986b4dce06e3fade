extension AccountLedger {
    /// The most cycles one `startDueCycle` catches up on; a larger gap takes several passes.
    public static let cyclesPerPassMax = 120

    /// Opens the account: billing starts now, the sign-up reward and the first allotment are granted.
    mutating func open(now: Instant, policy: LedgerPolicy) throws(ConnectsError) -> Entry? {
        guard account.kind.holdsConnects, account.cycleStart == nil else {
            throw ConnectsError(.invalidState, "account \(account.id) is already open or holds no connects")
        }
        let (date, _) = BillingCalendar.civil(now)
        markAccountChanged {
            $0.billingDay = date.day
            $0.cycleStart = now
            $0.nextCycleAt = BillingCalendar.nextCycleStart(after: now, billingDay: date.day)
        }
        if let signup = policy.economy.reward("signup"), let amount = signup.amount {
            try credit(
                .init(
                    kind: .reward, source: .signup, amount: amount, cause: Cause(type: "reward", id: "signup"),
                    eventKey: "reward:\(account.id):signup"
                ),
                now: now,
                policy: policy
            )
        }
        return try grantAllotment(cycleStart: now, now: now, policy: policy)
    }

    /// Grants the current plan's allotment for the cycle that started at `cycleStart`, once.
    ///
    /// The grant happens once per account and cycle (its event key). A cycle an upgrade starts is a
    /// business event of its own, keyed by the plan too: it may start at the same instant as the cycle
    /// before it (an upgrade right after sign-up, two writes at one instant of a test clock or an
    /// import), and must not be taken for that cycle's grant.
    mutating func grantAllotment(
        cycleStart: Instant, now: Instant, policy: LedgerPolicy, isUpgrade: Bool = false
    ) throws(ConnectsError)
        -> Entry?
    {
        guard let key = account.plan, let plan = policy.economy.plan(key) else {
            throw ConnectsError(
                .invalidState,
                "account \(account.id) is on plan '\(account.plan ?? "")', which the policy does not have")
        }
        guard plan.allotment > 0 else { return nil }
        return try credit(
            .init(
                kind: .grant, source: .plan, amount: plan.allotment,
                cause: Cause(type: "plan_cycle", id: "\(key):\(cycleStart.millisecondsSinceEpoch)"),
                eventKey: isUpgrade
                    ? "upgrade:\(account.id):\(cycleStart.millisecondsSinceEpoch):\(key)"
                    : "grant:\(account.id):\(cycleStart.millisecondsSinceEpoch)"
            ),
            now: now,
            policy: policy
        )
    }

    /// Starts every cycle due by `now` (at most ``cyclesPerPassMax``); returns the last grant.
    mutating func startDueCycle(now: Instant, policy: LedgerPolicy) throws(ConnectsError) -> Entry? {
        var last: Entry?
        for _ in 0..<Self.cyclesPerPassMax {
            guard let start = account.nextCycleAt, let billingDay = account.billingDay, start <= now else { break }
            markAccountChanged {
                if let pending = $0.pendingPlan {
                    $0.plan = pending
                    $0.pendingPlan = nil
                }
                // A plan the policy no longer has lapses to the default one, which every policy has.
                if $0.plan.flatMap(policy.economy.plan) == nil { $0.plan = Account.defaultPlan }
                $0.cycleStart = start
                $0.nextCycleAt = BillingCalendar.nextCycleStart(after: start, billingDay: billingDay)
            }
            if let cap = account.plan.flatMap(policy.economy.plan)?.rolloverCap {
                forfeitPlanConnects(above: cap, cycleStart: start, now: now, policy: policy)
            }
            last = try grantAllotment(cycleStart: start, now: now, policy: policy) ?? last
        }
        return last
    }

    /// Forfeits unheld plan-granted connects above `cap`, soonest-expiring first. Purchased, rewarded
    /// and returned connects are never forfeited.
    mutating func forfeitPlanConnects(above cap: Int64, cycleStart: Instant, now: Instant, policy: LedgerPolicy) {
        precondition(hasEveryLot, "a forfeit reads every plan lot of account \(account.id)")
        let planLots = spendableLots(at: now).filter { $0.source == .plan }
        var excess = planLots.reduce(Int64(0)) { $0 + $1.free } - cap
        guard excess > 0 else { return }
        var allocations: [Allocation] = []
        for var lot in planLots where excess > 0 {
            let part = min(lot.free, excess)
            lot.remaining -= part
            store(lot)
            allocations.append(Allocation(lotID: lot.id, amount: part))
            excess -= part
        }
        let forfeited = allocations.reduce(Int64(0)) { $0 + $1.amount }
        record(
            .forfeit,
            amount: -forfeited,
            cause: Cause(type: "plan_cycle", id: "\(account.plan ?? ""):\(cycleStart.millisecondsSinceEpoch)"),
            actor: "system",
            allocations: allocations,
            now: now,
            policy: policy
        ) { $0.rule = "plans.rolloverCap" }
    }

    /// Changes the plan: a plan with a larger allotment starts now with a new cycle and its full
    /// allotment; any other change waits for the next cycle start as `pendingPlan`, unless
    /// `isImmediate` (the operator reports a failed payment): then it applies now, keeping the cycle and
    /// the connects already granted.
    mutating func changePlan(
        to key: String, isImmediate: Bool, now: Instant, policy: LedgerPolicy
    ) throws(ConnectsError)
        -> Entry?
    {
        guard account.kind.holdsConnects else {
            throw ConnectsError(.invalidState, "\(account.kind.rawValue) accounts have no plan")
        }
        guard let newPlan = policy.economy.plan(key) else {
            throw ConnectsError.invalidField("plan", "the policy has no plan '\(key)'")
        }
        let current = account.plan.flatMap(policy.economy.plan)
        if key == account.plan {
            markAccountChanged { $0.pendingPlan = nil }
            return nil
        }
        if isImmediate {
            markAccountChanged {
                $0.plan = key
                $0.pendingPlan = nil
            }
            return nil
        }
        guard newPlan.allotment > (current?.allotment ?? 0) else {
            markAccountChanged { $0.pendingPlan = key }
            return nil
        }
        let (date, _) = BillingCalendar.civil(now)
        markAccountChanged {
            $0.plan = key
            $0.pendingPlan = nil
            $0.billingDay = date.day
            $0.cycleStart = now
            $0.nextCycleAt = BillingCalendar.nextCycleStart(after: now, billingDay: date.day)
        }
        return try grantAllotment(cycleStart: now, now: now, policy: policy, isUpgrade: true)
    }
}
