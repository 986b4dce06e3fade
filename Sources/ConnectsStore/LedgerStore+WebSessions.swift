import ConnectsCore

/// A single-use link that signs a freelancer or client into their own pages, as stored: only a digest
/// of its token is kept.
public struct PortalLink: Sendable, Hashable {
    public var tokenHash: String
    public var accountID: String
    /// Where the pages' "back to the marketplace" link leads.
    public var returnURL: String?
    public var createdAt: Instant
    public var expiresAt: Instant

    public init(tokenHash: String, accountID: String, returnURL: String?, createdAt: Instant, expiresAt: Instant) {
        self.tokenHash = tokenHash
        self.accountID = accountID
        self.returnURL = returnURL
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// A signed-in browser, as stored: only a digest of the cookie's secret is kept. It belongs to an
/// account (entered through a portal link) or to a staff member (signed in with a password).
public struct WebSession: Sendable, Hashable {
    public var idHash: String
    public var accountID: String?
    public var staffName: String?
    /// The token every form of the session carries back (a request from another site cannot know it).
    public var csrfToken: String
    public var returnURL: String?
    public var createdAt: Instant
    public var expiresAt: Instant

    public init(
        idHash: String, accountID: String?, staffName: String? = nil, csrfToken: String, returnURL: String?,
        createdAt: Instant, expiresAt: Instant
    ) {
        precondition((accountID == nil) != (staffName == nil), "a session is an account's or a staff member's")
        self.idHash = idHash
        self.accountID = accountID
        self.staffName = staffName
        self.csrfToken = csrfToken
        self.returnURL = returnURL
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

extension LedgerStore {
    /// Stores a new portal link.
    public func createPortalLink(_ link: PortalLink) async throws {
        try await write { db in
            try db.execute(
                """
                INSERT INTO portal_links (token_hash, account_id, return_url, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?)
                """, [link.tokenHash, link.accountID, link.returnURL, link.createdAt, link.expiresAt])
        }
    }

    /// Uses the link whose token hashes to `tokenHash` and opens `session` for its account, in one
    /// transaction; `nil` when there is no such link, or it was used or has expired (nothing opens).
    ///
    /// The link is marked used by a conditional update, so two browsers racing with one link (on any
    /// node) open one session between them.
    public func exchangePortalLink(
        tokenHash: String, for session: @escaping @Sendable (PortalLink) -> WebSession, now: Instant
    ) async throws -> WebSession? {
        try await write { db in
            guard
                let row = try db.fetchOne(
                    "SELECT * FROM portal_links WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
                    [tokenHash, now])
            else { return nil }
            guard
                try db.countingChanges(
                    "UPDATE portal_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL", [now, tokenHash])
                    == 1
            else { return nil }
            let link = PortalLink(
                tokenHash: tokenHash, accountID: row["account_id"], returnURL: row["return_url"],
                createdAt: row["created_at"], expiresAt: row["expires_at"])
            let opened = session(link)
            try Self.insert(opened, db: db)
            return opened
        }
    }

    static func insert(_ session: WebSession, db: any SQLSession) throws {
        try db.execute(
            """
            INSERT INTO web_sessions (id_hash, account_id, staff_name, csrf_token, return_url, created_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [
                session.idHash, session.accountID, session.staffName, session.csrfToken, session.returnURL,
                session.createdAt, session.expiresAt,
            ])
    }

    /// The session whose secret hashes to `idHash`, if it has neither ended nor expired at `now`.
    public func webSession(idHash: String, now: Instant) async throws -> WebSession? {
        try await read { db in
            try db.fetchOne(
                "SELECT * FROM web_sessions WHERE id_hash = ? AND ended_at IS NULL AND expires_at > ?", [idHash, now]
            ).map { row in
                WebSession(
                    idHash: row["id_hash"], accountID: row["account_id"], staffName: row["staff_name"],
                    csrfToken: row["csrf_token"], returnURL: row["return_url"], createdAt: row["created_at"],
                    expiresAt: row["expires_at"])
            }
        }
    }

    /// Ends a session on every node.
    public func endWebSession(idHash: String, now: Instant) async throws {
        try await write { db in
            try db.execute(
                "UPDATE web_sessions SET ended_at = ? WHERE id_hash = ? AND ended_at IS NULL", [now, idHash])
        }
    }

    /// Removes links and sessions that expired before `cutoff`; returns how many.
    func pruneWebSessions(expiredBefore cutoff: Instant) async throws -> Int {
        try await write { db in
            try db.countingChanges("DELETE FROM portal_links WHERE expires_at < ?", [cutoff])
                + db.countingChanges("DELETE FROM web_sessions WHERE expires_at < ?", [cutoff])
        }
    }
}
