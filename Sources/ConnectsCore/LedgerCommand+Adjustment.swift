extension LedgerCommand {
    /// A support adjustment of `amount` connects (a credit when positive, a debit when negative), with
    /// the reason the agent gave, by an actor who may move at most `limit` connects in one action.
    ///
    /// The cause is the ticket when one is given, otherwise the API key that acted (`keyID`), so that
    /// every adjustment points at where it was asked for.
    ///
    /// - Throws: `validation_failed` for an amount of 0, `limit_exceeded` above `limit`.
    public static func adjustment(
        _ amount: Int64, reason: String, ticket: String?, actor: String, keyID: String, limit: Int64
    ) throws(ConnectsError) -> LedgerCommand {
        guard amount != 0 else { throw ConnectsError.invalidField("amount", "must not be 0") }
        guard abs(amount) <= limit else {
            throw ConnectsError(.limitExceeded, "amount: this caller may adjust at most \(limit) connects at once")
        }
        let cause = Cause(type: "support", id: ticket ?? keyID)
        if amount > 0 {
            return .credit(
                .init(
                    kind: .adjustment, source: .adjustment, amount: amount, cause: cause, actor: actor, reason: reason,
                    ticket: ticket))
        }
        return .debit(
            .init(kind: .adjustment, amount: -amount, cause: cause, actor: actor, reason: reason, ticket: ticket))
    }
}
