import ConnectsCore

/// What a whole database's economy came to: every movement summed by kind, and what it left.
/// (`CAST`: PostgreSQL sums 64-bit integers as `numeric`.)
///
/// The economy simulator reads its report from here, so that every figure in it is what the engine
/// wrote, not what the simulator believes it asked for.
public struct EconomyTotals: Sendable, Hashable {
    /// The sum of every entry's amount, by kind (negative for what leaves balances).
    public var amountByKind: [EntryKind: Int64]
    /// The sum of every account's balance.
    public var balanceTotal: Int64
    /// What purchases were paid, in minor units of the policy's currency.
    public var purchasesPaidMinor: Int64
    /// How many accounts had connects expire, counted once per expiry entry.
    public var expiryEntries: Int
    /// Jobs by status.
    public var jobsByStatus: [Job.Status: Int]
    /// Proposals submitted (withdrawn ones included).
    public var proposals: Int
    /// Proposals whose fee stayed spent on a job that ended without a hire (the "vanished connects" of
    /// the forum), withdrawn ones left out: the freelancer chose that.
    public var feesKeptWithoutHire: Int
}

extension LedgerStore {
    /// The economy's totals (``EconomyTotals``), read in one transaction.
    public func economyTotals() async throws -> EconomyTotals {
        try await read { db in
            var amountByKind: [EntryKind: Int64] = [:]
            var expiryEntries = 0
            for row in try db.fetchAll(
                "SELECT kind, CAST(SUM(amount) AS BIGINT) AS amount, COUNT(*) AS count FROM entries GROUP BY kind")
            {
                let kind = try row.value("kind", as: EntryKind.self)
                amountByKind[kind] = row["amount"]
                if kind == .expire { expiryEntries = Int(row["count"] as Int64) }
            }
            var jobsByStatus: [Job.Status: Int] = [:]
            for row in try db.fetchAll("SELECT status, COUNT(*) AS count FROM jobs GROUP BY status") {
                jobsByStatus[try row.value("status", as: Job.Status.self)] = Int(row["count"] as Int64)
            }
            return EconomyTotals(
                amountByKind: amountByKind,
                balanceTotal: try db.value(Int64.self, "SELECT CAST(SUM(balance_total) AS BIGINT) FROM accounts") ?? 0,
                purchasesPaidMinor: try db.value(Int64.self, "SELECT CAST(SUM(amount_minor) AS BIGINT) FROM purchases")
                    ?? 0,
                expiryEntries: expiryEntries,
                jobsByStatus: jobsByStatus,
                proposals: Int(try db.value(Int64.self, "SELECT COUNT(*) FROM proposals") ?? 0),
                feesKeptWithoutHire: Int(
                    try db.value(
                        Int64.self,
                        """
                        SELECT COUNT(*) FROM proposals p JOIN jobs j ON j.id = p.job_id
                        WHERE j.status <> 'open' AND j.hired_proposal_id IS NULL AND p.fee > 0
                          AND p.returned_amount IS NULL AND p.status <> 'withdrawn'
                        """) ?? 0)
            )
        }
    }

    /// What each account of `kind` can spend now (its balance less its holds), by account id.
    public func availableBalances(of kind: Account.Kind) async throws -> [String: Int64] {
        try await read { db in
            var balances: [String: Int64] = [:]
            for row in try db.fetchAll(
                "SELECT id, balance_total - balance_held AS available FROM accounts WHERE kind = ?", [kind.rawValue])
            {
                balances[row["id"]] = row["available"]
            }
            return balances
        }
    }
}
