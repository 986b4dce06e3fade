import ConnectsCore

extension LedgerStore {
    /// The account's balance (total and held, as its entries wrote them) at the end of each of
    /// `instants`: one seek of the time index each, in one read.
    public func balances(accountID: String, at instants: [Instant]) async throws -> [Balance] {
        try await read { db in
            try instants.prefix(Limits.chartPointsMax).map { instant in
                let row = try db.fetchOne(
                    """
                    SELECT total_after, held_after FROM entries WHERE account_id = ? AND created_at <= ?
                    ORDER BY created_at DESC, sequence DESC LIMIT 1
                    """, [accountID, instant])
                return row.map { Balance(total: $0["total_after"], held: $0["held_after"]) } ?? .zero
            }
        }
    }

    /// The account's unheld connects that expire in each of the next `periods` periods of `days` days
    /// from `now` (index 0 is the first period).
    public func expiries(accountID: String, from now: Instant, periods: Int, days: Int64) async throws -> [Int64] {
        let length = days * Instant.millisecondsPerDay
        return try await read { db in
            var amounts = [Int64](repeating: 0, count: periods)
            // `availability > 0` adds nothing to `availability = 2` (something free) but lets the database
            // read the range of lots_spend_order (whose condition it is) instead of every lot of the account.
            for row in try db.fetchAll(
                """
                SELECT (expires_at - ?1) / ?2 AS period, CAST(sum(remaining - held) AS BIGINT) AS amount FROM lots
                WHERE account_id = ?3 AND availability > 0 AND availability = 2 AND expires_at > ?1 AND expires_at <= ?4
                GROUP BY (expires_at - ?1) / ?2
                """, [now, length, accountID, now.adding(milliseconds: length * Int64(periods))])
            {
                let period = Int(row["period"] as Int64)
                if (0..<periods).contains(period) { amounts[period] += row["amount"] }
            }
            return amounts
        }
    }
}
