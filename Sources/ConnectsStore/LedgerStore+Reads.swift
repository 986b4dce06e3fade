import ConnectsCore

extension LedgerStore {
    /// The stored record of an idempotent request, if any.
    public func idempotencyRecord(caller: String, key: String) async throws -> IdempotencyRecord? {
        try await read { db in try Self.idempotencyRecord(db, caller: caller, key: key) }
    }

    /// The account's record alone (kind, plan, status), or `nil`: one row, where a snapshot also reads
    /// its open holds and the lots that expire soon or have expired.
    public func account(id: String) async throws -> Account? {
        try await read { db in try Self.loadAccount(db, id: id) }
    }

    /// The account as it reads at `now`, or `nil`.
    public func snapshot(accountID: String, now: Instant) async throws -> AccountSnapshot? {
        try await read { db in try Self.snapshot(db, accountID: accountID, now: now) }
    }

    /// Accounts with `externalID`, optionally of one kind.
    public func accounts(externalID: String, kind: Account.Kind?, now: Instant) async throws -> [AccountSnapshot] {
        try await read { db in
            let ids = try db.values(
                String.self,
                "SELECT id FROM accounts WHERE external_id = ? AND (CAST(?2 AS TEXT) IS NULL OR kind = ?2) ORDER BY id LIMIT 10",
                [externalID, kind?.rawValue])
            return try ids.compactMap { try Self.snapshot(db, accountID: $0, now: now) }
        }
    }

    /// The entries with these ids (those that exist), by id.
    public func entries(ids: [String]) async throws -> [String: Entry] {
        let ids = Array(Set(ids).prefix(Limits.pageSizeMax))
        guard !ids.isEmpty else { return [:] }
        return try await read { db in
            var entries: [String: Entry] = [:]
            for row in try db.fetchAll("SELECT * FROM entries WHERE id IN ({list})", in: ids) {
                let entry = try Entry(row: row)
                entries[entry.id] = entry
            }
            return entries
        }
    }

    /// The accounts a support agent may mean by `text`: the account with that id, those with that
    /// external id (of any kind), and those whose name starts with it (letter case aside), at most
    /// `limit` in all. Each part seeks an index (the primary key, `(kind, external_id)`, the lower-cased
    /// name), so a search costs the same with a million accounts as with ten.
    public func searchAccounts(_ text: String, limit: Int) async throws -> [Account] {
        try await read { db in
            var found: [Account] = []
            if let account = try Self.loadAccount(db, id: text) { found.append(account) }
            found += try db.fetchAll(
                "SELECT * FROM accounts WHERE kind IN ('freelancer', 'agency', 'client') AND external_id = ? ORDER BY id LIMIT ?",
                [text, limit]
            ).map(Account.init(row:))
            // SQLite's lower() folds ASCII letters only; PostgreSQL's, every letter. The prefix is
            // folded the same way as the index it seeks.
            let prefix =
                db.dialect == .sqlite
                ? String(text.map { $0.isASCII ? Character($0.lowercased()) : $0 }) : text.lowercased()
            let name = db.dialect == .sqlite ? "lower(name)" : #"(lower(name) COLLATE "C")"#
            found += try db.fetchAll(
                "SELECT * FROM accounts WHERE \(name) >= ? AND \(name) < ? ORDER BY \(name), id LIMIT ?",
                [prefix, prefix + "\u{10FFFF}", limit]
            ).map(Account.init(row:))
            var seen = Set<String>()
            return Array(found.filter { seen.insert($0.id).inserted }.prefix(limit))
        }
    }

    /// The balance as it counted at `at`, computed from the history.
    ///
    /// The last entry at or before `at` gives the written balance. Lots that were already expired at
    /// `at` but whose `expire` entries were written later still must not count: those entries are the
    /// leading run of `expire` entries after `at` (expiry is written before any other write), or, when
    /// nothing was written since, the expired lots' unheld remainder now.
    public func balance(accountID: String, at: Instant) async throws -> Balance? {
        try await read { db in
            guard try Self.loadAccount(db, id: accountID) != nil else { return nil }
            var balance =
                try db.fetchOne(
                    """
                    SELECT total_after, held_after FROM entries
                    WHERE account_id = ? AND created_at <= ? ORDER BY sequence DESC LIMIT 1
                    """, [accountID, at]
                ).map { Balance(total: $0["total_after"], held: $0["held_after"]) } ?? .zero
            let later = try db.fetchAll(
                """
                SELECT e.kind, e.amount, l.expires_at FROM entries e
                LEFT JOIN lots l ON l.id = e.cause_id AND e.kind = 'expire'
                WHERE e.account_id = ? AND e.created_at > ? ORDER BY e.sequence LIMIT ?
                """, [accountID, at, Limits.openLotsPerAccountMax])
            if later.isEmpty {
                // `availability > 0` lets lots_spend_order serve the range (as in the expiry chart).
                let unwritten =
                    try db.value(
                        Int64.self,
                        """
                        SELECT CAST(COALESCE(SUM(remaining - held), 0) AS BIGINT) FROM lots
                        WHERE account_id = ? AND availability > 0 AND availability = 2 AND expires_at IS NOT NULL AND expires_at <= ?
                        """, [accountID, at]) ?? 0
                balance.total -= unwritten
            } else {
                for row in later {
                    guard row["kind"] as String == EntryKind.expire.rawValue else { break }
                    if let expiresAt = row["expires_at"] as Instant?, expiresAt <= at {
                        balance.total += row["amount"] as Int64
                    }
                }
            }
            return balance
        }
    }

    /// The account's lots, newest first, at most `limit` after `cursor`.
    public func lots(accountID: String, limit: Int, after cursor: String?) async throws -> Page<Lot> {
        try await read { db in
            let rows = try db.fetchAll(
                """
                SELECT * FROM lots WHERE account_id = ? AND (CAST(?2 AS TEXT) IS NULL OR id < ?2)
                ORDER BY id DESC LIMIT ?
                """, [accountID, cursor, limit + 1])
            let lots = try rows.prefix(limit).map(Lot.init(row:))
            return Page(items: lots, nextCursor: rows.count > limit ? lots.last?.id : nil)
        }
    }

    /// The account's entries matching `query`, newest first.
    public func entries(accountID: String, query: EntryQuery) async throws -> Page<Entry> {
        let before = try query.cursor.map(Self.decodeEntryCursor)
        // Only the filters given become conditions, so that SQLite seeks the (account_id, sequence) index
        // to the cursor instead of scanning every newer entry again for each page.
        var conditions = ["account_id = ?"]
        var arguments: SQLArguments = [accountID]
        if let kind = query.kind {
            conditions.append("kind = ?")
            arguments += [kind.rawValue]
        }
        if let since = query.since {
            conditions.append("created_at >= ?")
            arguments += [since]
        }
        if let until = query.until {
            conditions.append("created_at < ?")
            arguments += [until]
        }
        if let before {
            conditions.append("sequence < ?")
            arguments += [before]
        }
        if let sequences = query.sequences {
            conditions.append("sequence BETWEEN ? AND ?")
            arguments += [sequences.lowerBound, sequences.upperBound]
        }
        if query.scanWindow != nil { conditions.append("sequence >= ?") }
        let sql = "SELECT * FROM entries WHERE \(conditions.joined(separator: " AND ")) ORDER BY sequence DESC LIMIT ?"
        return try await read { [arguments] db in
            var arguments = arguments
            var lowest: Int64?
            if let window = query.scanWindow {
                let top =
                    try before
                    ?? (db.value(Int64.self, "SELECT last_sequence FROM accounts WHERE id = ?", [accountID]) ?? 0) + 1
                lowest = max(1, top - window)
                arguments += [lowest]
            }
            arguments += [query.limit + 1]
            let rows = try db.fetchAll(sql, arguments)
            let entries = try rows.prefix(query.limit).map(Entry.init(row:))
            if rows.count > query.limit {
                return Page(items: entries, nextCursor: entries.last.map { "s\($0.sequence)" })
            }
            // The window was read to its end without filling the page: older entries may still match.
            guard let lowest, lowest > 1 else { return Page(items: entries, nextCursor: nil) }
            if query.kind == nil, query.since != nil || query.until != nil {
                // Whether the period has any older entry is one seek of the time index (its rows past
                // the window are few), which spares a quiet period a link to nothing.
                let older = try db.fetchOne(
                    """
                    SELECT 1 FROM entries WHERE account_id = ? AND created_at >= ? AND created_at < ? AND sequence < ?
                    LIMIT 1
                    """,
                    [
                        accountID, query.since ?? Instant(millisecondsSinceEpoch: 0),
                        query.until ?? Instant(millisecondsSinceEpoch: Int64.max), lowest,
                    ])
                if older == nil { return Page(items: entries, nextCursor: nil) }
            }
            return Page(items: entries, nextCursor: "s\(lowest)")
        }
    }

    static func decodeEntryCursor(_ cursor: String) throws -> Int64 {
        guard cursor.first == "s", let sequence = Int64(cursor.dropFirst()), sequence > 0 else {
            throw ConnectsError.invalidField("cursor", "is not a cursor this list gave out")
        }
        return sequence
    }

    /// One entry by id.
    public func entry(id: String) async throws -> Entry? {
        try await read { db in try Self.entry(db, id: id) }
    }

    /// The API key whose secret hashes to `secretHash`.
    public func apiKey(secretHash: String) async throws -> APIKey? {
        try await read { db in
            try db.fetchOne("SELECT * FROM api_keys WHERE secret_hash = ? AND revoked_at IS NULL", [secretHash])
                .map(APIKey.init(row:))
        }
    }

    /// The API keys, oldest first, at most `limit` after the key `cursor`.
    public func apiKeys(limit: Int, after cursor: String?) async throws -> Page<APIKey> {
        try await read { db in
            let rows = try db.fetchAll(
                "SELECT * FROM api_keys WHERE (CAST(?1 AS TEXT) IS NULL OR id > ?1) ORDER BY id LIMIT ?2",
                [cursor, limit + 1])
            let keys = try rows.prefix(limit).map(APIKey.init(row:))
            return Page(items: keys, nextCursor: rows.count > limit ? keys.last?.id : nil)
        }
    }

    /// Revokes the key `id` (a second revocation keeps the first time); the key as it now is, or `nil`
    /// when there is no such key.
    public func revokeAPIKey(id: String, now: Instant) async throws -> APIKey? {
        try await write { db in
            try db.execute("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [now, id])
            return try db.fetchOne("SELECT * FROM api_keys WHERE id = ?", [id]).map(APIKey.init(row:))
        }
    }
}
