import ConnectsCore
import Foundation

/// An event of the outbox: written in the same transaction as the movement it reports.
public struct Event: Sendable, Hashable {
    public var sequence: Int64
    public var id: String
    public var type: String
    public var accountID: String
    /// The event's data, as a JSON object.
    public var data: String
    public var createdAt: Instant
}

/// A webhook endpoint and the event types it receives.
public struct Webhook: Sendable, Hashable {
    public var id: String
    public var url: String
    public var events: [String]
    /// `whsec_` and the base64 of the signing key (Standard Webhooks).
    public var secret: String
    public var createdAt: Instant
    /// The secret before the last rotation, which also signs deliveries until `previousSecretUntil`, so
    /// that a receiver can switch to the new one without refusing a delivery.
    public var previousSecret: String?
    public var previousSecretUntil: Instant?

    public init(
        id: String, url: String, events: [String], secret: String, createdAt: Instant, previousSecret: String? = nil,
        previousSecretUntil: Instant? = nil
    ) {
        self.id = id
        self.url = url
        self.events = events
        self.secret = secret
        self.createdAt = createdAt
        self.previousSecret = previousSecret
        self.previousSecretUntil = previousSecretUntil
    }

    /// The secrets that sign a delivery at `now`: the current one, and the previous one in its overlap.
    public func signingSecrets(at now: Instant) -> [String] {
        guard let previousSecret, let until = previousSecretUntil, now < until else { return [secret] }
        return [secret, previousSecret]
    }
}

/// One event's delivery to one webhook, as listed: its state, attempts and last error.
public struct DeliveryRecord: Sendable, Hashable {
    public var eventID: String
    public var eventType: String
    public var accountID: String
    public var state: String
    public var attempts: Int64
    public var nextAttemptAt: Instant
    public var lastError: String?
    public var deliveredAt: Instant?
    public var eventSequence: Int64
}

/// One due delivery of one event to one webhook.
public struct Delivery: Sendable, Hashable {
    public var webhook: Webhook
    public var event: Event
    public var attempts: Int64
}

extension Event {
    /// Every event type of API.md.
    public static let types: Set<String> = [
        "connects.granted", "connects.purchased", "connects.rewarded", "connects.returned", "connects.expiring",
        "connects.expired", "connects.forfeited", "connects.adjusted", "proposal.submitted", "proposal.boost_outbid",
        "proposal.boost_captured", "proposal.fee_kept", "job.closed", "account.plan_changed",
    ]

    /// The event a ledger entry of `kind` reports, if any.
    static func type(reporting kind: EntryKind) -> String? {
        switch kind {
        case .grant: return "connects.granted"
        case .purchase: return "connects.purchased"
        case .reward: return "connects.rewarded"
        case .return: return "connects.returned"
        case .expire: return "connects.expired"
        case .forfeit: return "connects.forfeited"
        case .adjustment, .reversal: return "connects.adjusted"
        case .courtesy: return "connects.adjusted"
        case .spend, .hold, .capture, .release: return nil
        }
    }

    /// The event an entry reports, if its kind reports one.
    static func reporting(_ entry: Entry) -> (type: String, data: [String: JSONValue])? {
        guard let type = type(reporting: entry.kind) else { return nil }
        var data: [String: JSONValue] = [
            "entryId": .string(entry.id), "kind": .string(entry.kind.rawValue), "amount": .int(entry.amount),
            "balance": .object([
                "total": .int(entry.balanceAfter.total), "held": .int(entry.balanceAfter.held),
                "available": .int(entry.balanceAfter.available),
            ]),
            "cause": .object(["type": .string(entry.cause.type), "id": .string(entry.cause.id)]),
        ]
        if let rule = entry.rule { data["rule"] = .string(rule) }
        if let reason = entry.reason { data["reason"] = .string(reason) }
        return (type, data)
    }
}

extension Delivery {
    /// The most delivery attempts before a delivery is given up as failed.
    public static let attemptsMax: Int64 = 12

    /// Queues the last `count` events this transaction inserted for every webhook that wants them, on
    /// SQLite.
    ///
    /// On PostgreSQL a trigger does it (`events_fan_out`, PostgresSchema v2): a statement here would cost
    /// a round trip per insert. On SQLite a trigger's sub-program costs more per event than a statement,
    /// and so does `RETURNING seq`: the events just inserted are the last rows
    /// of the table, whose `seq`s end at the last inserted rowid, read once by the uncorrelated subquery
    /// before any delivery is inserted.
    static func queueForLastEvents(_ count: Int, db: any SQLSession) throws {
        try db.execute(
            """
            INSERT INTO deliveries (webhook_id, event_seq, account_id, state, next_attempt_at)
            SELECT w.id, e.seq, e.account_id, 'pending', e.created_at FROM events e, webhooks w
            WHERE e.seq > (SELECT last_insert_rowid()) - ? AND w.deleted_at IS NULL
              AND (',' || w.events || ',' LIKE '%,' || e.type || ',%' OR w.events = '*')
            """, [count])
    }
}

extension LedgerStore {
    /// Writes an event to the outbox and queues it for every webhook that wants it. A `dedupeKey` makes
    /// the event happen once (expiry notices).
    static func emit(
        _ type: String,
        accountID: String,
        data: [String: JSONValue],
        db: any SQLSession,
        now: Instant,
        dedupeKey: String? = nil
    ) throws {
        precondition(Event.types.contains(type), "unknown event type \(type)")
        let json = JSONValue.object(data).serializedText
        let insert = """
            INSERT INTO events (id, type, account_id, data, created_at, dedupe_key) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (dedupe_key) DO NOTHING
            """
        let arguments: SQLArguments = [
            Identifier.make("evt_", at: now, order: db.dialect.identifierOrder), type, accountID, json, now, dedupeKey,
        ]
        guard db.dialect == .sqlite else { return try db.executeLater(insert, arguments, isSequenced: true) }
        guard try db.countingChanges(insert, arguments) == 1 else { return }
        try Delivery.queueForLastEvents(1, db: db)
    }

    /// Notices for lots whose unheld connects expire within `noticeDays`, once per lot: the lot is
    /// marked noticed (and leaves the index the lots to notify are found in), and the event's dedupe key
    /// is the database's own guarantee.
    static func emitExpiryNotices(db: any SQLSession, now: Instant, noticeDays: Int64, limit: Int) throws -> Int {
        let rows = try db.fetchAll(
            """
            SELECT id, account_id, remaining - held AS amount, expires_at FROM lots
            WHERE availability = 2 AND expiry_noticed = 0 AND expires_at > ?1 AND expires_at <= ?2
            LIMIT ?3
            """, [now, now.adding(days: noticeDays), limit])
        _ = try db.fetchAll("UPDATE lots SET expiry_noticed = 1 WHERE id IN ({list})", in: rows.map { $0["id"] })
        for row in rows {
            let lotID: String = row["id"]
            try emit(
                "connects.expiring",
                accountID: row["account_id"],
                data: [
                    "lotId": .string(lotID), "amount": .int(row["amount"]),
                    "expiresAt": .string(RFC3339.format(row["expires_at"])),
                ],
                db: db,
                now: now,
                dedupeKey: "expiring:\(lotID)"
            )
        }
        return rows.count
    }

    // MARK: Reads and webhooks

    /// Registers a webhook; events from now on are delivered to it.
    public func createWebhook(_ webhook: Webhook) async throws {
        try await write { db in try Self.insert(webhook, db: db) }
    }

    static func insert(_ webhook: Webhook, db: any SQLSession) throws {
        try db.execute(
            "INSERT INTO webhooks (id, url, events, secret, created_at) VALUES (?, ?, ?, ?, ?)",
            [webhook.id, webhook.url, webhook.events.joined(separator: ","), webhook.secret, webhook.createdAt])
    }

    /// The registered webhooks.
    public func webhooks(limit: Int, after cursor: String?) async throws -> Page<Webhook> {
        try await read { db in
            let rows = try db.fetchAll(
                "SELECT * FROM webhooks WHERE deleted_at IS NULL AND (CAST(?1 AS TEXT) IS NULL OR id > ?1) ORDER BY id LIMIT ?2",
                [cursor, limit + 1])
            let webhooks = rows.prefix(limit).map(Webhook.init(row:))
            return Page(items: Array(webhooks), nextCursor: rows.count > limit ? webhooks.last?.id : nil)
        }
    }

    /// Stops deliveries to a webhook and forgets its secrets (nothing is signed for it again); the
    /// webhook, or `nil` when there is none (or it was deleted).
    static func deleteWebhook(id: String, db: any SQLSession, now: Instant) throws -> Webhook? {
        guard let webhook = try liveWebhook(id, db: db) else { return nil }
        try db.execute(
            """
            UPDATE webhooks SET deleted_at = ?, secret = '', previous_secret = NULL, previous_secret_until = NULL
            WHERE id = ?
            """, [now, id])
        try db.execute(
            "UPDATE deliveries SET state = 'failed', last_error = 'webhook deleted' WHERE webhook_id = ? AND state = 'pending'",
            [id])
        return webhook
    }

    /// Claims the deliveries due by `now`: for each webhook and account only the oldest pending one, so
    /// that events arrive in order per account, each leased to this node for a minute so that several
    /// nodes do not send it at once.
    public func dueDeliveries(now: Instant, limit: Int) async throws -> [Delivery] {
        try await write { db in
            let due = try db.fetchAll(
                """
                SELECT d.attempts, w.id AS w_id, w.url, w.events AS w_events, w.secret, w.created_at AS w_created_at,
                  w.previous_secret, w.previous_secret_until, e.seq, e.id AS e_id, e.type, e.account_id, e.data, e.created_at
                FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN events e ON e.seq = d.event_seq
                WHERE d.state = 'pending' AND d.next_attempt_at <= ?1 AND w.deleted_at IS NULL
                  AND NOT EXISTS (
                    SELECT 1 FROM deliveries p WHERE p.webhook_id = d.webhook_id AND p.account_id = d.account_id
                      AND p.state = 'pending' AND p.event_seq < d.event_seq)
                ORDER BY d.event_seq LIMIT ?2
                """ + (db.locksRows ? " FOR UPDATE OF d SKIP LOCKED" : ""), [now, limit]
            ).map { row in
                Delivery(
                    webhook: Webhook(
                        id: row["w_id"], url: row["url"],
                        events: (row["w_events"] as String).split(separator: ",").map(String.init),
                        secret: row["secret"], createdAt: row["w_created_at"], previousSecret: row["previous_secret"],
                        previousSecretUntil: row["previous_secret_until"]
                    ),
                    event: Event(
                        sequence: row["seq"], id: row["e_id"], type: row["type"], accountID: row["account_id"],
                        data: row["data"], createdAt: row["created_at"]
                    ),
                    attempts: row["attempts"]
                )
            }
            // A lease: no other node sends these until the attempt is recorded, or the lease runs out
            // because this node died (then another sends it: at least once).
            for delivery in due {
                try db.execute(
                    "UPDATE deliveries SET next_attempt_at = ? WHERE webhook_id = ? AND event_seq = ?",
                    [
                        now.adding(milliseconds: Self.deliveryLeaseMilliseconds),
                        delivery.webhook.id, delivery.event.sequence,
                    ])
            }
            return due
        }
    }

    /// A webhook's deliveries, newest event first, at most `limit` before the event sequence `cursor`.
    public func deliveries(webhookID: String, limit: Int, before cursor: Int64?) async throws -> Page<DeliveryRecord> {
        try await read { db in
            let rows = try db.fetchAll(
                """
                SELECT d.*, e.id AS e_id, e.type FROM deliveries d JOIN events e ON e.seq = d.event_seq
                WHERE d.webhook_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR d.event_seq < ?2)
                ORDER BY d.event_seq DESC LIMIT ?3
                """, [webhookID, cursor, limit + 1])
            let records = rows.prefix(limit).map { row in
                DeliveryRecord(
                    eventID: row["e_id"], eventType: row["type"], accountID: row["account_id"], state: row["state"],
                    attempts: row["attempts"], nextAttemptAt: row["next_attempt_at"], lastError: row["last_error"],
                    deliveredAt: row["delivered_at"], eventSequence: row["event_seq"])
            }
            return Page(
                items: records, nextCursor: rows.count > limit ? records.last.map { "d\($0.eventSequence)" } : nil)
        }
    }

    /// The webhook `id` unless it was deleted.
    public func webhook(id: String) async throws -> Webhook? {
        try await read { db in try Self.liveWebhook(id, db: db) }
    }

    static func liveWebhook(_ id: String, db: any SQLSession) throws -> Webhook? {
        try db.fetchOne("SELECT * FROM webhooks WHERE id = ? AND deleted_at IS NULL", [id]).map(Webhook.init(row:))
    }

    /// Sends an event to a webhook again: its delivery becomes pending now, with its attempts counted
    /// afresh (a failed delivery that was given up gets a new run of retries).
    static func resend(eventID: String, webhookID: String, db: any SQLSession, now: Instant) throws -> Webhook {
        guard let webhook = try liveWebhook(webhookID, db: db) else {
            throw ConnectsError(.notFound, "no webhook \(webhookID)")
        }
        guard
            try db.countingChanges(
                """
                UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = ?, last_error = NULL
                WHERE webhook_id = ? AND event_seq = (SELECT seq FROM events WHERE id = ?)
                """, [now, webhookID, eventID]) == 1
        else { throw ConnectsError(.notFound, "webhook \(webhookID) has no delivery of \(eventID)") }
        return webhook
    }

    /// Gives a webhook a new secret; the old one also signs until `overlapUntil`.
    static func rotateSecret(
        webhookID: String, to secret: String, overlapUntil: Instant, db: any SQLSession
    ) throws -> Webhook {
        guard
            try db.countingChanges(
                """
                UPDATE webhooks SET previous_secret = secret, previous_secret_until = ?, secret = ?
                WHERE id = ? AND deleted_at IS NULL
                """, [overlapUntil, secret, webhookID]) == 1,
            let webhook = try liveWebhook(webhookID, db: db)
        else { throw ConnectsError(.notFound, "no webhook \(webhookID)") }
        return webhook
    }

    /// How long a claimed delivery is left to the node that claimed it.
    static var deliveryLeaseMilliseconds: Int64 { 60_000 }

    /// Records the outcome of one delivery attempt: delivered, or retried with exponential backoff
    /// (1 s, 2 s, 4 s, ... at most an hour) until ``Delivery/attemptsMax`` attempts have failed.
    public func recordDelivery(_ delivery: Delivery, error: String?, now: Instant) async throws {
        try await write { db in
            if let error {
                let attempts = delivery.attempts + 1
                let backoffSeconds = min(Int64(1) << min(attempts - 1, 12), 3_600)
                try db.execute(
                    """
                    UPDATE deliveries SET attempts = ?, last_error = ?, next_attempt_at = ?, state = ?
                    WHERE webhook_id = ? AND event_seq = ?
                    """,
                    [
                        attempts, String(error.prefix(500)),
                        now.adding(milliseconds: backoffSeconds * 1_000),
                        attempts >= Delivery.attemptsMax ? "failed" : "pending", delivery.webhook.id,
                        delivery.event.sequence,
                    ])
            } else {
                try db.execute(
                    """
                    UPDATE deliveries SET attempts = attempts + 1, state = 'delivered', delivered_at = ?, last_error = NULL
                    WHERE webhook_id = ? AND event_seq = ?
                    """, [now, delivery.webhook.id, delivery.event.sequence])
            }
        }
    }
}

extension Event {
    init(row: SQLRow) {
        self.init(
            sequence: row["seq"], id: row["id"], type: row["type"], accountID: row["account_id"], data: row["data"],
            createdAt: row["created_at"]
        )
    }
}

extension Webhook {
    init(row: SQLRow) {
        self.init(
            id: row["id"], url: row["url"], events: (row["events"] as String).split(separator: ",").map(String.init),
            secret: row["secret"], createdAt: row["created_at"], previousSecret: row["previous_secret"],
            previousSecretUntil: row["previous_secret_until"]
        )
    }
}
