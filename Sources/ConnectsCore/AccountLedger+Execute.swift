extension AccountLedger {
    /// Decides `command` at `now` under `policy`: writes due expiries first, then the command.
    ///
    /// - Returns: the entry the command is about (the credit, the debit, the hold, ...), or `nil` for a
    ///   command that only sweeps expiry or changes the account.
    /// - Throws: ``ConnectsError`` when the command is refused; the value must then be discarded.
    @discardableResult
    public mutating func execute(
        _ command: LedgerCommand, now: Instant, policy: LedgerPolicy
    ) throws(ConnectsError)
        -> Entry?
    {
        if case .expireDue = command {
            expireDue(now: now, policy: policy)
            return nil
        }
        switch command {
        case .captureHold, .releaseHold, .returnSpend:
            // Consequences of decisions taken while the account was open: they settle even after it closed.
            break
        default:
            guard account.status == .active else {
                throw ConnectsError(.accountClosed, "account \(account.id) is closed")
            }
        }
        expireDue(now: now, policy: policy)
        switch command {
        case .credit(let credit):
            return try self.credit(credit, now: now, policy: policy)
        case .debit(let debit):
            return try self.debit(debit, now: now, policy: policy)
        case .placeHold(let request):
            return try placeHold(request, now: now, policy: policy)
        case .captureHold(let id, let cause, let actor):
            return try captureHold(id: id, cause: cause, actor: actor, now: now, policy: policy)
        case .releaseHold(let id, let cause, let actor, let rule):
            return try releaseHold(id: id, cause: cause, actor: actor, rule: rule, now: now, policy: policy)
        case .returnSpend(let request):
            return try returnSpend(request, now: now, policy: policy)
        case .reverse(let reversal):
            return try reverse(reversal, now: now, policy: policy)
        case .close:
            markAccountChanged { $0.status = .closed }
            return nil
        case .open:
            return try open(now: now, policy: policy)
        case .startDueCycle:
            return try startDueCycle(now: now, policy: policy)
        case .changePlan(let key, let isImmediate):
            return try changePlan(to: key, isImmediate: isImmediate, now: now, policy: policy)
        case .expireDue:
            return nil
        }
    }

    /// Refuses an amount outside `1...Limits.movementMax`.
    static func checkMovement(_ amount: Int64, field: String = "amount") throws(ConnectsError) {
        guard amount > 0 else { throw ConnectsError.invalidField(field, "must be a positive whole number") }
        guard amount <= Limits.movementMax else {
            throw ConnectsError(
                .limitExceeded, "\(field): one movement may move at most \(Limits.movementMax) connects")
        }
    }
}
