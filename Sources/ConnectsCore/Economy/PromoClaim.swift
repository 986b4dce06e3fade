/// A redemption of a promo code, decided against the policy: each account redeems a code at most once,
/// and the code at most `maxRedemptions` times in all (RULES.md).
public struct PromoClaim: Sendable, Hashable {
    /// The code as the policy lists it.
    public let code: String
    /// The connects it grants.
    public let amount: Int64
    /// The most redemptions of the code, over every account.
    public let redemptionsMax: Int64
    /// The business event that redeems it at most once for this account.
    public let eventKey: String

    /// Reads the claim of `code` by `accountID` from `policy`.
    ///
    /// - Throws: `not_found` for a code the policy does not list.
    public init(code: String, accountID: String, policy: Policy) throws(ConnectsError) {
        guard let promo = policy.promoCodes.first(where: { $0.code == code }) else {
            throw ConnectsError(.notFound, "no promo code '\(code)'")
        }
        self.code = code
        self.amount = promo.amount
        self.redemptionsMax = promo.maxRedemptions
        self.eventKey = "promo:\(code):\(accountID)"
    }

    /// The credit of a redemption, given how many times the code was redeemed before (every account).
    ///
    /// - Throws: `invalid_state` when the code is used up.
    public func decide(redeemedBefore: Int64) throws(ConnectsError) -> LedgerCommand {
        guard redeemedBefore < redemptionsMax else {
            throw ConnectsError(.invalidState, "promo code '\(code)' is used up")
        }
        return .credit(
            .init(
                kind: .reward, source: .promo, amount: amount, cause: Cause(type: "promo_code", id: code),
                eventKey: eventKey))
    }
}
