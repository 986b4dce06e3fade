/// A request for a catalog reward, decided against the policy: what it grants, under which exactly-once
/// key, and which facts its decision still needs from the store.
///
/// The store looks for an earlier grant under ``eventKey`` first (exactly once), then loads the facts
/// (``Facts``) under the account's lock and asks ``decide(_:)``. RULES.md: sign-up and Rising Talent
/// once per account; an interview won with an established client 10 a proposal, at most 50 in 7 days.
public struct RewardClaim: Sendable, Hashable {
    /// The reward's key in the policy's catalog.
    public let key: String
    /// The connects it grants.
    public let amount: Int64
    /// The business event that grants it at most once: per account, or per account and scope.
    public let eventKey: String
    /// The proposal whose client must have hired before, when the reward is for established clients only.
    public let establishedClientProposalID: String?
    /// The most connects of this reward one account may receive in 7 days, if capped.
    public let capPer7Days: Int64?

    /// Reads the claim of `key` with `scope` by `accountID` from `policy`'s catalog.
    ///
    /// - Throws: `not_found` for a reward the catalog lacks, `invalid_state` for one listed without an
    ///   amount (granted outside the API), `validation_failed` when a per-scope reward names no scope.
    public init(reward key: String, scope: String?, accountID: String, policy: Policy) throws(ConnectsError) {
        guard let reward = policy.reward(key) else { throw ConnectsError(.notFound, "no reward '\(key)'") }
        guard let amount = reward.amount else {
            throw ConnectsError(.invalidState, "reward '\(key)' has no amount and is not granted through the API")
        }
        if reward.once {
            eventKey = "reward:\(accountID):\(key)"
        } else {
            guard let scope else {
                throw ConnectsError.invalidField("scope", "reward '\(key)' is granted once per scope: name one")
            }
            eventKey = "reward:\(accountID):\(key):\(scope)"
        }
        self.key = key
        self.amount = amount
        self.establishedClientProposalID = reward.establishedClientOnly == true ? scope : nil
        self.capPer7Days = reward.capPer7Days
    }

    /// What the store read for a claim, under the account's lock.
    public struct Facts: Sendable, Hashable {
        /// For a reward for established clients only: whether the client of the scope's proposal had
        /// hired before; `nil` when that proposal was not paid by the account (or does not exist).
        public var clientHasHiredBefore: Bool?
        /// Connects of this reward the account received in the 7 days before now.
        public var grantedInLast7Days: Int64

        public init(clientHasHiredBefore: Bool? = nil, grantedInLast7Days: Int64 = 0) {
            self.clientHasHiredBefore = clientHasHiredBefore
            self.grantedInLast7Days = grantedInLast7Days
        }
    }

    /// The decision on a claim: the credit to make, or the rule that refuses it (nothing moves, and the
    /// caller is told which rule).
    public enum Decision: Sendable {
        case grant(LedgerCommand)
        case withhold(rule: String)
    }

    /// The start of the window the 7-day cap counts grants in.
    public static func capWindowStart(now: Instant) -> Instant { now.adding(days: -7) }

    /// Decides the claim on `facts`.
    ///
    /// - Throws: `validation_failed` when the reward is for established clients and the scope does not
    ///   name a proposal the account paid.
    public func decide(_ facts: Facts) throws(ConnectsError) -> Decision {
        if let proposalID = establishedClientProposalID {
            guard let hiredBefore = facts.clientHasHiredBefore else {
                throw ConnectsError.invalidField(
                    "scope",
                    "must name a proposal paid by this account (an agency's proposals reward the agency), not \(proposalID)"
                )
            }
            if !hiredBefore { return .withhold(rule: "rewards.\(key).establishedClientOnly") }
        }
        if let cap = capPer7Days, facts.grantedInLast7Days + amount > cap {
            return .withhold(rule: "rewards.\(key).capPer7Days")
        }
        return .grant(
            .credit(
                .init(
                    kind: .reward, source: .reward, amount: amount, cause: Cause(type: "reward", id: key),
                    eventKey: eventKey)))
    }
}
