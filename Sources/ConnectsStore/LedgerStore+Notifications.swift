import ConnectsCore

/// A notification as its account sees it: the event, and when it was read.
public struct Notification: Sendable, Hashable {
    public var event: Event
    public var readAt: Instant?

    public init(event: Event, readAt: Instant?) {
        self.event = event
        self.readAt = readAt
    }
}

extension LedgerStore {
    /// An account's notifications, newest first, with when each was read.
    public func notifications(accountID: String, limit: Int, before cursor: Int64?) async throws -> Page<Notification> {
        try await read { db in
            let rows = try db.fetchAll(
                "SELECT * FROM events WHERE account_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR seq < ?2) ORDER BY seq DESC LIMIT ?3",
                [accountID, cursor, limit + 1])
            let events = rows.prefix(limit).map(Event.init(row:))
            let readThrough = try Self.readCursor(db, accountID: accountID)
            var marked: [Int64: Instant] = [:]
            if let newest = events.first?.sequence, let oldest = events.last?.sequence {
                for row in try db.fetchAll(
                    "SELECT event_seq, read_at FROM notification_reads WHERE account_id = ? AND event_seq BETWEEN ? AND ?",
                    [accountID, oldest, newest])
                {
                    marked[row["event_seq"]] = row["read_at"]
                }
            }
            let notifications = events.map { event in
                Notification(
                    event: event,
                    readAt: marked[event.sequence]
                        ?? readThrough.flatMap { event.sequence <= $0.sequence ? $0.at : nil })
            }
            return Page(
                items: notifications,
                nextCursor: rows.count > limit ? events.last.map { "e\($0.sequence)" } : nil)
        }
    }

    /// How many of the account's notifications are unread, counted up to `Limits.unreadCountMax`: the events
    /// after the read cursor (an index range), less those marked read one by one.
    public func unreadNotificationCount(accountID: String) async throws -> Int {
        try await read { db in try Self.unreadCount(db, accountID: accountID) }
    }

    /// Marks read everything up to the notification `upTo` (moving the account's cursor, never back),
    /// and the notifications `ids`; returns the unread count after. Marking one read twice keeps the
    /// first time.
    ///
    /// - Throws: `validation_failed` naming a notification that is not the account's.
    public func markNotificationsRead(
        accountID: String, upTo: String?, ids: [String], now: Instant
    ) async throws -> Int {
        try await write { db in
            let named = ([upTo].compactMap { $0 } + ids)
            var sequences: [String: Int64] = [:]
            if !named.isEmpty {
                for row in try db.fetchAll(
                    "SELECT id, seq FROM events WHERE id IN ({list}) AND account_id = ?", in: named, [accountID])
                {
                    sequences[row["id"]] = row["seq"]
                }
            }
            if let missing = named.first(where: { sequences[$0] == nil }) {
                throw ConnectsError.invalidField("ids", "\(missing) is not a notification of this account")
            }
            if let upTo, let sequence = sequences[upTo] {
                try db.execute(
                    """
                    INSERT INTO notification_cursors (account_id, read_through_seq, read_at) VALUES (?1, ?2, ?3)
                    ON CONFLICT (account_id) DO UPDATE SET read_through_seq = ?2, read_at = ?3
                    WHERE notification_cursors.read_through_seq < ?2
                    """, [accountID, sequence, now])
            }
            // One already read through the cursor keeps that time.
            let readThrough = try Self.readCursor(db, accountID: accountID)?.sequence ?? 0
            for id in Set(ids) where sequences[id]! > readThrough {
                try db.execute(
                    """
                    INSERT INTO notification_reads (account_id, event_seq, read_at) VALUES (?, ?, ?)
                    ON CONFLICT (account_id, event_seq) DO NOTHING
                    """, [accountID, sequences[id], now])
            }
            return try Self.unreadCount(db, accountID: accountID)
        }
    }

    static func readCursor(_ db: any SQLSession, accountID: String) throws -> (sequence: Int64, at: Instant)? {
        try db.fetchOne(
            "SELECT read_through_seq, read_at FROM notification_cursors WHERE account_id = ?", [accountID]
        ).map { ($0["read_through_seq"], $0["read_at"]) }
    }

    static func unreadCount(_ db: any SQLSession, accountID: String) throws -> Int {
        let after = try readCursor(db, accountID: accountID)?.sequence ?? 0
        let count = try db.value(
            Int64.self,
            """
            SELECT count(*) FROM (
              SELECT seq FROM events WHERE account_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3
            ) AS unread
            WHERE NOT EXISTS (
              SELECT 1 FROM notification_reads r WHERE r.account_id = ?1 AND r.event_seq = unread.seq
            )
            """, [accountID, after, Limits.unreadCountMax])
        return Int(count ?? 0)
    }
}
