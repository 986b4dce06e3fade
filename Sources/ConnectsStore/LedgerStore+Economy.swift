import ConnectsCore
import Foundation

extension LedgerStore {
    // MARK: Purchases

    /// The purchase made with `paymentReference`, if any.
    static func purchase(_ db: any SQLSession, paymentReference: String) throws -> Purchase? {
        try db.fetchOne("SELECT * FROM purchases WHERE payment_reference = ?", [paymentReference])
            .map { row in
                Purchase(
                    id: row["id"], accountID: row["account_id"], quantity: row["quantity"],
                    amountPaid: Policy.Money(currency: row["currency"], minor: row["amount_minor"]),
                    paymentReference: row["payment_reference"], entryID: row["entry_id"]
                )
            }
    }

    static func buy(
        _ request: Purchase, db: any SQLSession, now: Instant, policy: LedgerPolicy
    ) throws -> OperationResult {
        if let earlier = try purchase(db, paymentReference: request.paymentReference) {
            guard earlier.accountID == request.accountID, earlier.quantity == request.quantity,
                earlier.amountPaid == request.amountPaid
            else {
                throw ConnectsError(
                    .paymentReferenceUsed, "payment reference \(request.paymentReference) already bought other connects"
                )
            }
            let snapshot = try snapshot(db, accountID: earlier.accountID, now: now)!
            return .purchase(earlier, snapshot, isNew: false)
        }
        let credit = LedgerCommand.credit(
            .init(
                kind: .purchase, source: .purchase, amount: request.quantity,
                cause: Cause(type: "purchase", id: request.id), eventKey: "purchase:\(request.paymentReference)"
            )
        )
        let result = try execute(credit, accountID: request.accountID, db: db, now: now, policy: policy)
        var purchase = request
        purchase.entryID = result.entry!.id
        try db.execute(
            """
            INSERT INTO purchases (id, account_id, quantity, currency, amount_minor, payment_reference, entry_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                purchase.id, purchase.accountID, purchase.quantity, purchase.amountPaid.currency,
                purchase.amountPaid.minor, purchase.paymentReference, purchase.entryID, now,
            ])
        return .purchase(purchase, result.snapshot!, isNew: true)
    }

    // MARK: Rewards and promo codes

    /// Grants a catalog reward: the claim and its decision are the core's (``RewardClaim``); the store
    /// finds an earlier grant, reads the facts under the account's lock, and writes the credit.
    static func reward(
        _ key: String,
        scope: String?,
        accountID: String,
        db: any SQLSession,
        now: Instant,
        policy: LedgerPolicy
    ) throws -> OperationResult {
        let claim = try RewardClaim(reward: key, scope: scope, accountID: accountID, policy: policy.economy)
        // The facts below are read before the write: hold the account first, so that concurrent requests
        // (on any server node) take turns and each sees what the one before it granted.
        try lockAccounts([accountID], db: db)
        if let earlier = try db.fetchOne("SELECT * FROM entries WHERE event_key = ?", [claim.eventKey]) {
            let snapshot = try snapshot(db, accountID: accountID, now: now)!
            return .reward(snapshot, try Entry(row: earlier), granted: false, rule: nil)
        }
        var facts = RewardClaim.Facts()
        if let proposalID = claim.establishedClientProposalID {
            facts.clientHasHiredBefore = try db.value(
                Bool.self,
                """
                SELECT EXISTS (SELECT 1 FROM jobs WHERE client_id = j.client_id AND status = 'filled' AND id <> j.id)
                FROM proposals p JOIN jobs j ON j.id = p.job_id WHERE p.id = ?1 AND p.payer_id = ?2
                """, [proposalID, accountID])
        }
        if claim.capPer7Days != nil {
            facts.grantedInLast7Days =
                try db.value(
                    Int64.self,
                    """
                    SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM entries
                    WHERE account_id = ? AND kind = 'reward' AND cause_type = 'reward' AND cause_id = ? AND created_at > ?
                    """, [accountID, key, RewardClaim.capWindowStart(now: now)]) ?? 0
        }
        switch try claim.decide(facts) {
        case .withhold(let rule):
            guard let snapshot = try snapshot(db, accountID: accountID, now: now) else {
                throw ConnectsError(.notFound, "no account \(accountID)")
            }
            return .reward(snapshot, nil, granted: false, rule: rule)
        case .grant(let credit):
            let result = try execute(credit, accountID: accountID, db: db, now: now, policy: policy)
            return .reward(result.snapshot!, result.entry, granted: true, rule: nil)
        }
    }

    /// Redeems a promo code: the claim and its cap are the core's (``PromoClaim``); the store counts the
    /// code's redemptions while holding the code's lock, so that redemptions of one code take turns.
    static func redeem(
        _ code: String, accountID: String, db: any SQLSession, now: Instant, policy: LedgerPolicy
    ) throws
        -> OperationResult
    {
        let claim = try PromoClaim(code: code, accountID: accountID, policy: policy.economy)
        try db.lock("promo:\(code)")
        if let earlier = try db.fetchOne("SELECT * FROM entries WHERE event_key = ?", [claim.eventKey]) {
            let snapshot = try snapshot(db, accountID: accountID, now: now)!
            return .reward(snapshot, try Entry(row: earlier), granted: false, rule: nil)
        }
        let redeemed =
            try db.value(
                Int64.self,
                "SELECT COUNT(*) FROM entries WHERE cause_type = 'promo_code' AND cause_id = ? AND event_key IS NOT NULL",
                [code]) ?? 0
        let result = try execute(
            claim.decide(redeemedBefore: redeemed), accountID: accountID, db: db, now: now, policy: policy)
        return .reward(result.snapshot!, result.entry, granted: true, rule: nil)
    }
}

/// A purchase of connects confirmed by the operator's payment system.
public struct Purchase: Sendable, Hashable {
    public var id: String
    public var accountID: String
    public var quantity: Int64
    public var amountPaid: Policy.Money
    /// The payment system's reference; it buys connects once.
    public var paymentReference: String
    public var entryID: String

    public init(
        id: String,
        accountID: String,
        quantity: Int64,
        amountPaid: Policy.Money,
        paymentReference: String,
        entryID: String = ""
    ) {
        self.id = id
        self.accountID = accountID
        self.quantity = quantity
        self.amountPaid = amountPaid
        self.paymentReference = paymentReference
        self.entryID = entryID
    }
}
