import ConnectsCore
import Testing

/// The economy's rules that the store only feeds facts to: rewards, promo codes, reversals, new accounts,
/// purchases and support adjustments (RULES.md).
@Suite("Economy rules")
struct EconomyRuleTests {
    let policy = Policy.standard
    let now = Fixture.start

    // MARK: Rewards

    @Test("a once-only reward has one exactly-once key per account; a per-scope one, per account and scope")
    func rewardKeys() throws {
        let signup = try RewardClaim(reward: "signup", scope: "ignored", accountID: "acct_a", policy: policy)
        #expect(signup.eventKey == "reward:acct_a:signup" && signup.amount == 40)
        let certification = try RewardClaim(
            reward: "skill_certification", scope: "swift", accountID: "acct_a", policy: policy)
        #expect(certification.eventKey == "reward:acct_a:skill_certification:swift")
        #expect(
            throws: ConnectsError.invalidField(
                "scope", "reward 'skill_certification' is granted once per scope: name one")
        ) {
            try RewardClaim(reward: "skill_certification", scope: nil, accountID: "acct_a", policy: policy)
        }
        #expect(throws: ConnectsError(.notFound, "no reward 'unknown'")) {
            try RewardClaim(reward: "unknown", scope: nil, accountID: "acct_a", policy: policy)
        }
    }

    @Test("a reward listed without an amount is not granted through the API")
    func rewardWithoutAmount() {
        var policy = self.policy
        policy.rewards.append(Policy.Reward(key: "secret", amount: nil, once: true))
        #expect(throws: ConnectsError.self) {
            try RewardClaim(reward: "secret", scope: nil, accountID: "acct_a", policy: policy)
        }
    }

    @Test(
        "an interview won is granted for an established client, within 50 connects in 7 days",
        arguments: [
            (RewardClaim.Facts(clientHasHiredBefore: true, grantedInLast7Days: 0), nil as String?),
            (RewardClaim.Facts(clientHasHiredBefore: true, grantedInLast7Days: 40), nil),
            (
                RewardClaim.Facts(clientHasHiredBefore: true, grantedInLast7Days: 41),
                "rewards.interview_won.capPer7Days"
            ),
            (
                RewardClaim.Facts(clientHasHiredBefore: false, grantedInLast7Days: 0),
                "rewards.interview_won.establishedClientOnly"
            ),
        ])
    func interviewWon(facts: RewardClaim.Facts, withheldBy rule: String?) throws {
        var policy = self.policy
        policy.rewards = policy.rewards.map { reward in
            var reward = reward
            if reward.key == "interview_won" { reward.establishedClientOnly = true }
            return reward
        }
        let claim = try RewardClaim(reward: "interview_won", scope: "prop_1", accountID: "acct_a", policy: policy)
        #expect(claim.establishedClientProposalID == "prop_1")
        switch try claim.decide(facts) {
        case .grant(let command):
            #expect(rule == nil)
            #expect(command.eventKey == "reward:acct_a:interview_won:prop_1")
        case .withhold(let withheld):
            #expect(withheld == rule)
        }
    }

    @Test("an interview reward for a proposal the account did not pay is refused, naming the scope")
    func interviewWonForAnotherProposal() throws {
        var policy = self.policy
        policy.rewards = policy.rewards.map { reward in
            var reward = reward
            reward.establishedClientOnly = reward.key == "interview_won" ? true : nil
            return reward
        }
        let claim = try RewardClaim(reward: "interview_won", scope: "prop_x", accountID: "acct_a", policy: policy)
        #expect(throws: ConnectsError.self) { try claim.decide(.init(clientHasHiredBefore: nil)) }
        #expect(RewardClaim.capWindowStart(now: now) == now.adding(days: -7))
    }

    // MARK: Promo codes

    @Test("a promo code is redeemed once per account and at most its cap in all")
    func promoCodes() throws {
        var policy = self.policy
        policy.promoCodes = [Policy.PromoCode(code: "WELCOME", amount: 5, maxRedemptions: 2)]
        let claim = try PromoClaim(code: "WELCOME", accountID: "acct_a", policy: policy)
        #expect(claim.eventKey == "promo:WELCOME:acct_a")
        let credit = try claim.decide(redeemedBefore: 1)
        #expect(credit.eventKey == claim.eventKey)
        #expect(throws: ConnectsError(.invalidState, "promo code 'WELCOME' is used up")) {
            try claim.decide(redeemedBefore: 2)
        }
        #expect(throws: ConnectsError(.notFound, "no promo code 'OTHER'")) {
            try PromoClaim(code: "OTHER", accountID: "acct_a", policy: policy)
        }
    }

    // MARK: Reversals and adjustments

    @Test("an entry is reversed once, by an actor whose limit covers it")
    func reversals() throws {
        var ledger = Fixture.ledger()
        let reward = try #require(
            try ledger.execute(Fixture.credit(30, source: .reward, kind: .reward), now: now, policy: .standard))
        _ = try LedgerCommand.Reversal(
            original: reward, reason: "given twice", actor: "support:k", isAlreadyReversed: false, limit: 30)
        #expect(throws: ConnectsError.self) {
            try LedgerCommand.Reversal(
                original: reward, reason: "given twice", actor: "support:k", isAlreadyReversed: true, limit: 100)
        }
        do {
            _ = try LedgerCommand.Reversal(
                original: reward, reason: "given twice", actor: "support:k", isAlreadyReversed: false, limit: 29)
            Issue.record("a reversal above the actor's limit was allowed")
        } catch {
            #expect(error.code == .limitExceeded)
        }
    }

    @Test("a support adjustment is a credit or a debit within the actor's limit, caused by its ticket")
    func adjustments() throws {
        let credit = try LedgerCommand.adjustment(
            5, reason: "goodwill", ticket: "T-1", actor: "support:k", keyID: "key_1", limit: 100)
        guard case .credit(let request) = credit else { Issue.record("not a credit"); return }
        #expect(
            request.amount == 5 && request.cause == Cause(type: "support", id: "T-1") && request.kind == .adjustment)
        let debit = try LedgerCommand.adjustment(
            -5, reason: "mistake", ticket: nil, actor: "support:k", keyID: "key_1", limit: 100)
        guard case .debit(let taken) = debit else { Issue.record("not a debit"); return }
        #expect(taken.amount == 5 && taken.cause == Cause(type: "support", id: "key_1"))
        #expect(throws: ConnectsError.invalidField("amount", "must not be 0")) {
            try LedgerCommand.adjustment(0, reason: "r", ticket: nil, actor: "a", keyID: "k", limit: 100)
        }
        #expect(throws: ConnectsError.self) {
            try LedgerCommand.adjustment(101, reason: "r", ticket: nil, actor: "a", keyID: "k", limit: 100)
        }
    }

    // MARK: Accounts and purchases

    @Test("a freelancer starts on the basic plan unless the policy has the one named; a client on none")
    func openingAccounts() throws {
        let freelancer = try Account.open(
            id: "acct_f", externalID: "f", kind: .freelancer, name: nil, plan: nil, now: now, policy: policy)
        #expect(freelancer.plan == Account.defaultPlan && freelancer.plan == "basic")
        let plus = try Account.open(
            id: "acct_p", externalID: "p", kind: .agency, name: "A", plan: "plus", now: now, policy: policy)
        #expect(plus.plan == "plus")
        #expect(throws: ConnectsError.invalidField("plan", "the policy has no plan 'gold'")) {
            try Account.open(
                id: "acct_g", externalID: "g", kind: .freelancer, name: nil, plan: "gold", now: now, policy: policy)
        }
        let client = try Account.open(
            id: "acct_c", externalID: "c", kind: .client, name: nil, plan: nil, now: now, policy: policy)
        #expect(client.plan == nil)
        #expect(throws: ConnectsError.invalidField("plan", "clients have no plan")) {
            try Account.open(
                id: "acct_c", externalID: "c", kind: .client, name: nil, plan: "basic", now: now, policy: policy)
        }
    }

    @Test(
        "a purchase is a bundle or a custom amount, paid at exactly the price",
        arguments: [
            (20 as Int64, Policy.Money(currency: "USD", minor: 300), true),
            (7, Policy.Money(currency: "USD", minor: 105), true),
            (20, Policy.Money(currency: "USD", minor: 299), false),
            (20, Policy.Money(currency: "EUR", minor: 300), false),
            (0, Policy.Money(currency: "USD", minor: 0), false),
            (10_001, Policy.Money(currency: "USD", minor: 150_015), false),
            (Int64.max, Policy.Money(currency: "USD", minor: 1), false),
        ])
    func purchases(quantity: Int64, paid: Policy.Money, isAccepted: Bool) {
        let accepted = (try? policy.pricing.checkPurchase(quantity: quantity, amountPaid: paid)) != nil
        #expect(accepted == isAccepted)
    }
}
