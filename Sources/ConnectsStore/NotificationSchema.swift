import ConnectsCore

/// What an account has read of its notifications, written once for both databases, beside the events
/// rather than in them (an event is written once, with its movement, and never again).
///
/// Reading everything up to a notification moves one cursor row (`notification_cursors`), whatever the
/// number of notifications; a notification marked read by its id gets a row of its own
/// (`notification_reads`). The unread count seeks the events after the cursor, never scans the history.
enum NotificationSchema {
    static func statements(for dialect: SQLDialect) -> [String] {
        let integer = dialect == .sqlite ? "INTEGER" : "BIGINT"
        let identifier = dialect == .sqlite ? "TEXT" : #"TEXT COLLATE "C""#
        let strict = dialect == .sqlite ? " STRICT" : ""
        let withoutRowID = dialect == .sqlite ? " WITHOUT ROWID, STRICT" : ""
        return [
            """
            CREATE TABLE notification_cursors (
              account_id \(identifier) PRIMARY KEY NOT NULL REFERENCES accounts(id),
              read_through_seq \(integer) NOT NULL CHECK (read_through_seq >= 0),
              read_at \(integer) NOT NULL
            )\(strict)
            """,
            """
            CREATE TABLE notification_reads (
              account_id \(identifier) NOT NULL REFERENCES accounts(id),
              event_seq \(integer) NOT NULL,
              read_at \(integer) NOT NULL,
              PRIMARY KEY (account_id, event_seq)
            )\(withoutRowID)
            """,
        ]
    }
}
