import ConnectsCore

/// How long Connects keeps what is not the ledger. Entries, lots, holds, jobs, proposals and
/// purchases are kept for good: they are the history a balance is explained by. What only served a
/// moment is dropped once it is older than its window:
///
/// - events (notifications and webhook payloads) and their finished deliveries: ``eventDays``, but never
///   an event a webhook has still to be sent (a pending delivery keeps its event however old);
/// - deleted webhooks: their secrets at once, their rows once their deliveries are gone;
/// - idempotency records: ``idempotencyDays`` (API.md promises at least 7);
/// - portal links and sign-ins: once they have expired.
public struct Retention: Sendable, Hashable {
    /// Days an event and its finished deliveries are kept.
    public var eventDays: Int64
    /// Days an idempotency record is kept: a day longer than API.md's promise.
    public var idempotencyDays: Int64

    /// The windows when the operator names none.
    public static let standard = Retention(eventDays: 90, idempotencyDays: Limits.idempotencyRetentionDays + 1)

    /// The longest window an operator may choose for events: ten years.
    public static let eventDaysRange: ClosedRange<Int64> = 1...3_650

    public init(eventDays: Int64, idempotencyDays: Int64) {
        self.eventDays = eventDays
        self.idempotencyDays = idempotencyDays
    }
}

/// What one ``LedgerStore/prune(now:retention:)`` removed.
public struct Pruned: Sendable, Hashable {
    public var events = 0
    public var deliveries = 0
    public var webhooks = 0
    public var idempotencyRecords = 0
    public var signIns = 0

    public init() {}

    public var total: Int { events + deliveries + webhooks + idempotencyRecords + signIns }
}

extension LedgerStore {
    /// Events read per transaction of ``prune(now:retention:)``: each batch is a short write.
    static var pruneBatchSize: Int { 500 }
    /// The most batches of events one ``prune(now:retention:)`` removes; the next pass goes on.
    static var pruneBatchesMax: Int { 1_000 }

    /// Removes what ``Retention`` no longer keeps at `now`. The server's housekeeping runs it hourly.
    public func prune(now: Instant, retention: Retention) async throws -> Pruned {
        var pruned = Pruned()
        pruned.idempotencyRecords = try await pruneIdempotencyRecords(
            olderThan: now.adding(days: -retention.idempotencyDays))
        pruned.signIns = try await pruneWebSessions(expiredBefore: now)
        let cutoff = now.adding(days: -retention.eventDays)
        var after: Int64 = 0
        for _ in 0..<Self.pruneBatchesMax {
            let from = after
            let batch = try await write { db in try Self.pruneEvents(after: from, createdBefore: cutoff, db: db) }
            pruned.events += batch.events
            pruned.deliveries += batch.deliveries
            guard let last = batch.lastSequence else { break }
            after = last
        }
        pruned.webhooks = try await write { db in try Self.pruneDeletedWebhooks(deletedBefore: cutoff, db: db) }
        return pruned
    }

    /// Removes the events after `after` (in their order) created before `cutoff`, at most a batch,
    /// with their deliveries and their read marks, keeping every event with a pending delivery.
    /// `lastSequence` is the last event looked at, `nil` when the batch reached a newer event or the end.
    static func pruneEvents(
        after: Int64, createdBefore cutoff: Instant, db: any SQLSession
    ) throws -> (events: Int, deliveries: Int, lastSequence: Int64?) {
        // Events are numbered as they are written, so the old ones come first: the batch ends at the
        // first newer one, and the next pass starts again from the oldest kept (few: those still to send).
        let rows = try db.fetchAll(
            "SELECT seq, created_at FROM events WHERE seq > ? ORDER BY seq LIMIT ?", [after, pruneBatchSize])
        let old = rows.prefix { (($0["created_at"] as Instant) < cutoff) }.map { $0["seq"] as Int64 }
        guard let first = old.first, let last = old.last else { return (0, 0, nil) }
        // Pending deliveries are found per webhook, by their primary key's range.
        let webhooks = try db.values(String.self, "SELECT id FROM webhooks")
        var pending = Set<Int64>()
        for webhook in webhooks {
            pending.formUnion(
                try db.values(
                    Int64.self,
                    "SELECT event_seq FROM deliveries WHERE webhook_id = ? AND event_seq BETWEEN ? AND ? AND state = 'pending'",
                    [webhook, first, last]))
        }
        var events = 0
        var deliveries = 0
        for range in runs(of: old, leavingOut: pending) {
            for webhook in webhooks {
                deliveries += try db.countingChanges(
                    "DELETE FROM deliveries WHERE webhook_id = ? AND event_seq BETWEEN ? AND ?",
                    [webhook, range.lowerBound, range.upperBound])
            }
            // Read marks are rows only for notifications marked read one by one (a cursor covers the
            // rest): a small table, kept small by this very pruning.
            try db.execute(
                "DELETE FROM notification_reads WHERE event_seq BETWEEN ? AND ?", [range.lowerBound, range.upperBound])
            events += try db.countingChanges(
                "DELETE FROM events WHERE seq BETWEEN ? AND ?", [range.lowerBound, range.upperBound])
        }
        return (events, deliveries, old.count == rows.count && rows.count == pruneBatchSize ? last : nil)
    }

    /// The runs of consecutive `sequences` (ascending) that contain none of `kept`, as closed ranges.
    static func runs(of sequences: [Int64], leavingOut kept: Set<Int64>) -> [ClosedRange<Int64>] {
        var runs: [ClosedRange<Int64>] = []
        var start: Int64?
        var end: Int64 = 0
        for sequence in sequences {
            if kept.contains(sequence) {
                if let lower = start { runs.append(lower...end) }
                start = nil
            } else {
                start = start ?? sequence
                end = sequence
            }
        }
        if let lower = start { runs.append(lower...end) }
        return runs
    }

    /// Finishes what deleting a webhook began for webhooks deleted before this version cleared secrets
    /// on deletion, or while a delivery was being sent (its failure made it pending again): clears their
    /// secrets and gives up their pending deliveries. Then removes those deleted before `cutoff` that
    /// have no delivery left.
    static func pruneDeletedWebhooks(deletedBefore cutoff: Instant, db: any SQLSession) throws -> Int {
        try db.execute(
            """
            UPDATE webhooks SET secret = '', previous_secret = NULL, previous_secret_until = NULL
            WHERE deleted_at IS NOT NULL AND (secret <> '' OR previous_secret IS NOT NULL)
            """)
        try db.execute(
            """
            UPDATE deliveries SET state = 'failed', last_error = 'webhook deleted'
            WHERE state = 'pending' AND webhook_id IN (SELECT id FROM webhooks WHERE deleted_at IS NOT NULL)
            """)
        return try db.countingChanges(
            """
            DELETE FROM webhooks WHERE deleted_at < ?
              AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.webhook_id = webhooks.id)
            """, [cutoff])
    }
}
