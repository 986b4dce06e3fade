import ConnectsCore

/// The tables of the web pages' sign-in, written once for both databases: single-use portal links that
/// a marketplace's backend hands a freelancer or client, and the browser sessions they open.
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
}
