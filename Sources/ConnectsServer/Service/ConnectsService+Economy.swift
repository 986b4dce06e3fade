import ConnectsCore
import ConnectsStore
import Logging

extension ConnectsService {
    // MARK: Policy

    /// The policy in force and its version.
    func policyInForce(by caller: Caller) throws(ConnectsError) -> LedgerPolicy {
        try caller.authorize(.readPolicy)
        return policy
    }

    /// Validates `document` whole and puts it in force as the next version (unless it equals the newest);
    /// returns the version in force.
    func replacePolicy(with document: Policy, _ write: WriteRequest) async throws -> WriteOutcome {
        try write.caller.authorize(.writePolicy)
        try document.validate()
        let outcome = try await perform(.savePolicy(document), write, movesConnects: false)
        if case .done(.success(.policy(let version, let saved)), _) = outcome {
            policyBox.replace(with: saved.ledgerPolicy(version: version))
        }
        return outcome
    }

    /// The prices and bundles on sale, and the rewards catalog.
    func catalog(by caller: Caller) throws(ConnectsError) -> Policy {
        try caller.authorize(.readCatalog)
        return policy.economy
    }

    // MARK: Purchases, rewards, promo codes

    /// Records a purchase the operator's payment system confirmed: a payment reference buys once.
    func purchase(
        _ quantity: Int64, for accountID: String, paymentReference: String, amountPaid: Policy.Money,
        _ write: WriteRequest
    ) async throws -> WriteOutcome {
        try write.caller.authorize(.recordPurchase)
        try policy.economy.pricing.checkPurchase(quantity: quantity, amountPaid: amountPaid)
        let purchase = Purchase(
            id: Identifier.make("pur_", at: now()), accountID: accountID, quantity: quantity, amountPaid: amountPaid,
            paymentReference: paymentReference)
        return try await perform(.purchase(purchase), write, movesConnects: true)
    }

    /// Grants a catalog reward (once per account, or per account and scope; within its cap).
    func grantReward(
        _ key: String, scope: String?, to accountID: String, _ write: WriteRequest
    ) async throws -> WriteOutcome {
        try write.caller.authorize(.grantReward)
        return try await perform(.reward(key: key, scope: scope, accountID: accountID), write, movesConnects: true)
    }

    /// Redeems a promo code for an account (once per account, within the code's cap).
    func redeem(_ code: String, for accountID: String, _ write: WriteRequest) async throws -> WriteOutcome {
        try write.caller.authorize(.redeemPromoCode, for: [accountID], hidden: "no account \(accountID)")
        // No policy lists a code this long: it answers as any unknown code does.
        guard code.count <= 50 else { throw ConnectsError(.notFound, "no promo code '\(code)'") }
        return try await perform(.redeemPromoCode(code, accountID: accountID), write, movesConnects: true)
    }

    // MARK: The test clock and state shared by server nodes

    /// The test clock's time, when the server runs with one.
    func testClockTime(by caller: Caller) throws(ConnectsError) -> Instant {
        try requireTestClock(caller)
        return now()
    }

    /// Moves the test clock to `target`, stopping at every instant where work falls due on the way and
    /// running it there, so that each cycle start and expiry happens at its own time; then delivers the
    /// webhooks due.
    func advanceTestClock(to target: Instant, by caller: Caller) async throws {
        try requireTestClock(caller)
        guard target >= now() else {
            throw ConnectsError.invalidField("to", "must be an RFC 3339 time no earlier than now")
        }
        var previous: Instant?
        for _ in 0..<100_000 {
            // Work that stays due after a pass (refused, and logged) must not hold the clock back.
            guard let due = try await store.nextDueTime(policy: policy), due <= target, due != previous else { break }
            previous = due
            try await moveTestClock(to: due)
            // This node runs the work due there, unless another node's scheduler got to it first.
            _ = try await store.runAllDueWork(now: { due }, policy: policy)
        }
        try await moveTestClock(to: target)
        _ = try await store.runAllDueWork(now: { target }, policy: policy)
        _ = try await webhookSender(logger: Logger(label: "connects.test-clock")).deliverDue()
    }

    private func requireTestClock(_ caller: Caller) throws(ConnectsError) {
        try caller.authorize(.moveTestClock)
        guard clock.isTestClock else {
            throw ConnectsError(.notFound, "the test clock is off; start the server with --test-clock")
        }
    }

    /// Catches up with what other server nodes on the same database changed: a newer policy version,
    /// and the shared test clock. Every scheduler pass runs it, so nodes agree within one interval.
    func syncSharedState() async throws {
        if clock.isTestClock, let shared = try await store.testClock(raisedTo: nil) {
            clock.move(to: shared)
        }
        if let (version, stored) = try await store.latestPolicy(), version > policy.version {
            policyBox.replace(with: stored.ledgerPolicy(version: version))
        }
    }

    /// Moves this node's test clock to `instant` and shares it with the other nodes; when another node
    /// has already moved the shared time further, this node follows it.
    func moveTestClock(to instant: Instant) async throws {
        clock.move(to: instant)
        if let shared = try await store.testClock(raisedTo: clock.now()) {
            clock.move(to: shared)
        }
    }

    /// What delivers the outbox to webhooks.
    func webhookSender(logger: Logger) -> WebhookSender {
        WebhookSender(
            store: store, now: clock.now, logger: logger, allowsPrivateTargets: allowsPrivateWebhookTargets)
    }
}
