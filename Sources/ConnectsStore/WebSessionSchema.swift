import ConnectsCore

/// The tables of the web pages' sign-in, written once for both databases: single-use portal links that
/// a marketplace's backend hands a freelancer or client, staff members (support agents and admins) who
/// sign in with a password, and the browser sessions both open.
///
/// Sessions live in the database, not in one server's memory, so that any node serves a signed-in
/// person and signing out ends the session on every node.
enum WebSessionSchema {
    static func statements(for dialect: SQLDialect) -> [String] {
        let integer = dialect == .sqlite ? "INTEGER" : "BIGINT"
        let identifier = dialect == .sqlite ? "TEXT" : #"TEXT COLLATE "C""#
        let strict = dialect == .sqlite ? " STRICT" : ""
        return [
            """
            CREATE TABLE portal_links (
              token_hash TEXT PRIMARY KEY NOT NULL,
              account_id \(identifier) NOT NULL REFERENCES accounts(id),
              return_url TEXT CHECK (length(return_url) BETWEEN 8 AND \(Limits.webhookURLLengthMax)),
              created_at \(integer) NOT NULL,
              expires_at \(integer) NOT NULL,
              used_at \(integer)
            )\(strict)
            """,
            "CREATE INDEX portal_links_expiring ON portal_links(expires_at)",
            """
            CREATE TABLE web_sessions (
              id_hash TEXT PRIMARY KEY NOT NULL,
              account_id \(identifier) NOT NULL REFERENCES accounts(id),
              csrf_token TEXT NOT NULL CHECK (length(csrf_token) >= 16),
              return_url TEXT CHECK (length(return_url) BETWEEN 8 AND \(Limits.webhookURLLengthMax)),
              created_at \(integer) NOT NULL,
              expires_at \(integer) NOT NULL,
              ended_at \(integer)
            )\(strict)
            """,
            "CREATE INDEX web_sessions_expiring ON web_sessions(expires_at)",
        ]
    }

    /// Staff members, and sessions that belong to an account or to a staff member (one of the two).
    /// The sessions' table is made again rather than altered (SQLite cannot loosen a `NOT NULL`): an
    /// upgrade signs browsers out, which is all a session is worth. Accounts get an index on their
    /// lower-cased name, which the support console's search seeks.
    static func staff(for dialect: SQLDialect) -> [String] {
        let integer = dialect == .sqlite ? "INTEGER" : "BIGINT"
        let identifier = dialect == .sqlite ? "TEXT" : #"TEXT COLLATE "C""#
        let strict = dialect == .sqlite ? " STRICT" : ""
        return [
            """
            CREATE TABLE staff (
              name \(identifier) PRIMARY KEY NOT NULL CHECK (length(name) BETWEEN 1 AND \(Limits.staffNameLengthMax)),
              role TEXT NOT NULL CHECK (role IN ('support', 'admin')),
              password_hash TEXT NOT NULL,
              created_at \(integer) NOT NULL,
              failed_sign_ins \(integer) NOT NULL DEFAULT 0 CHECK (failed_sign_ins >= 0),
              locked_until \(integer)
            )\(strict)
            """,
            "DROP TABLE web_sessions",
            """
            CREATE TABLE web_sessions (
              id_hash TEXT PRIMARY KEY NOT NULL,
              account_id \(identifier) REFERENCES accounts(id),
              staff_name \(identifier) REFERENCES staff(name),
              csrf_token TEXT NOT NULL CHECK (length(csrf_token) >= 16),
              return_url TEXT CHECK (length(return_url) BETWEEN 8 AND \(Limits.webhookURLLengthMax)),
              created_at \(integer) NOT NULL,
              expires_at \(integer) NOT NULL,
              ended_at \(integer),
              CHECK ((account_id IS NULL) <> (staff_name IS NULL))
            )\(strict)
            """,
            "CREATE INDEX web_sessions_expiring ON web_sessions(expires_at)",
            dialect == .sqlite
                ? "CREATE INDEX accounts_by_name ON accounts(lower(name))"
                : #"CREATE INDEX accounts_by_name ON accounts((lower(name) COLLATE "C"))"#,
        ]
    }
}
