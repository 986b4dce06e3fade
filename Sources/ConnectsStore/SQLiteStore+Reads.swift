import ConnectsCore
import GRDB

extension SQLiteStore {
    public func idempotencyRecord(caller: String, key: String) async throws -> IdempotencyRecord? {
        try await pool.read { db in try Self.idempotencyRecord(db, caller: caller, key: key) }
    }

    public func snapshot(accountID: String, now: Instant) async throws -> AccountSnapshot? {
        try await pool.read { db in try Self.loadLedger(db, accountID: accountID)?.snapshot(at: now) }
    }

    public func accounts(externalID: String, kind: Account.Kind?, now: Instant) async throws -> [AccountSnapshot] {
        try await pool.read { db in
            let ids = try String.fetchAll(
                db.cachedStatement(
                    sql:
                        "SELECT id FROM accounts WHERE external_id = ? AND (?2 IS NULL OR kind = ?2) ORDER BY id LIMIT 10"
                ), arguments: [externalID, kind?.rawValue])
            return try ids.compactMap { try Self.loadLedger(db, accountID: $0)?.snapshot(at: now) }
        }
    }

    /// The balance as it counted at `at`, computed from the history.
    ///
    /// The last entry at or before `at` gives the written balance. Lots that were already expired at
    /// `at` but whose `expire` entries were written later still must not count: those entries are the
    /// leading run of `expire` entries after `at` (expiry is written before any other write), or, when
    /// nothing was written since, the expired lots' unheld remainder now.
    public func balance(accountID: String, at: Instant) async throws -> Balance? {
        try await pool.read { db in
            guard try Self.loadAccount(db, id: accountID) != nil else { return nil }
            let atMilliseconds = at.millisecondsSinceEpoch
            var balance =
                try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT total_after, held_after FROM entries
                            WHERE account_id = ? AND created_at <= ? ORDER BY sequence DESC LIMIT 1
                            """), arguments: [accountID, atMilliseconds]
                ).map { Balance(total: $0["total_after"], held: $0["held_after"]) } ?? .zero
            let later = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT e.kind, e.amount, l.expires_at FROM entries e
                        LEFT JOIN lots l ON l.id = e.cause_id AND e.kind = 'expire'
                        WHERE e.account_id = ? AND e.created_at > ? ORDER BY e.sequence LIMIT ?
                        """), arguments: [accountID, atMilliseconds, Limits.openLotsPerAccountMax])
            if later.isEmpty {
                let unwritten =
                    try Int64.fetchOne(
                        db.cachedStatement(
                            sql: """
                                SELECT COALESCE(SUM(remaining - held), 0) FROM lots
                                WHERE account_id = ? AND remaining > held AND expires_at IS NOT NULL AND expires_at <= ?
                                """), arguments: [accountID, atMilliseconds]) ?? 0
                balance.total -= unwritten
            } else {
                for row in later {
                    guard row["kind"] as String == EntryKind.expire.rawValue else { break }
                    if let expiresAt = row["expires_at"] as Int64?, expiresAt <= atMilliseconds {
                        balance.total += row["amount"] as Int64
                    }
                }
            }
            return balance
        }
    }

    public func lots(accountID: String, limit: Int, after cursor: String?) async throws -> Page<Lot> {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM lots WHERE account_id = ? AND (?2 IS NULL OR id < ?2)
                        ORDER BY id DESC LIMIT ?
                        """), arguments: [accountID, cursor, limit + 1])
            let lots = try rows.prefix(limit).map(Lot.init(row:))
            return Page(items: lots, nextCursor: rows.count > limit ? lots.last?.id : nil)
        }
    }

    public func entries(accountID: String, query: EntryQuery) async throws -> Page<Entry> {
        let before = try query.cursor.map(Self.decodeEntryCursor)
        // Only the filters given become conditions, so that SQLite seeks the (account_id, sequence) index
        // to the cursor instead of scanning every newer entry again for each page.
        var conditions = ["account_id = ?"]
        var arguments: StatementArguments = [accountID]
        if let kind = query.kind {
            conditions.append("kind = ?")
            arguments += [kind.rawValue]
        }
        if let since = query.since {
            conditions.append("created_at >= ?")
            arguments += [since.millisecondsSinceEpoch]
        }
        if let until = query.until {
            conditions.append("created_at < ?")
            arguments += [until.millisecondsSinceEpoch]
        }
        if let before {
            conditions.append("sequence < ?")
            arguments += [before]
        }
        arguments += [query.limit + 1]
        let sql = "SELECT * FROM entries WHERE \(conditions.joined(separator: " AND ")) ORDER BY sequence DESC LIMIT ?"
        return try await pool.read { [arguments] db in
            let rows = try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
            let entries = try rows.prefix(query.limit).map(Entry.init(row:))
            let next = rows.count > query.limit ? entries.last.map { "s\($0.sequence)" } : nil
            return Page(items: entries, nextCursor: next)
        }
    }

    static func decodeEntryCursor(_ cursor: String) throws -> Int64 {
        guard cursor.first == "s", let sequence = Int64(cursor.dropFirst()), sequence > 0 else {
            throw ConnectsError.invalidField("cursor", "is not a cursor this list gave out")
        }
        return sequence
    }

    public func entry(id: String) async throws -> Entry? {
        try await pool.read { db in try Self.entry(db, id: id) }
    }

    public func apiKey(secretHash: String) async throws -> APIKey? {
        try await pool.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM api_keys WHERE secret_hash = ?"), arguments: [secretHash]
            )
            .map(APIKey.init(row:))
        }
    }
}
