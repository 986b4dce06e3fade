import ConnectsCore
import ConnectsStore
import ConnectsTestSupport
import Foundation
import Testing

/// What the hourly housekeeping keeps and drops (``Retention``), over a simulated year.
@Suite("Retention")
struct RetentionTests {
    @Test(
        """
        a year of daily movements keeps events and deliveries within the retention window, keeps every \
        event a webhook still has to be sent however old, and forgets a deleted webhook's secret at once
        """,
        arguments: StoreKind.allCases)
    func simulatedYear(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = database.store
            let account = try await store.makeAccount()
            for (id, secret) in [("wh_live", "live-secret"), ("wh_down", "down-secret")] {
                try await store.createWebhook(
                    Webhook(id: id, url: "http://127.0.0.1:1/\(id)", events: ["*"], secret: secret, createdAt: t0))
            }
            let retention = Retention(eventDays: 30, idempotencyDays: 8)
            var oldestKept: [Int: Instant] = [:]
            for day in 0..<365 {
                let now = t0.adding(days: Int64(day))
                try await store.grant(1, to: account, at: now)
                // wh_down answers nothing until day 200, then takes its whole backlog.
                try await deliverDue(store, now: now, accepting: day < 200 ? ["wh_live"] : ["wh_live", "wh_down"])
                if day == 300 {
                    _ = try await store.perform(
                        .deleteWebhook(id: "wh_down"), now: now, policy: policy, idempotency: nil)
                    let secrets = try await store.read { db in
                        try db.fetchAll("SELECT secret, previous_secret FROM webhooks WHERE id = 'wh_down'", [])
                    }
                    #expect(secrets.map { $0["secret"] as String } == [""], "a deleted webhook keeps no secret")
                    #expect(secrets.map { $0["previous_secret"] as String? } == [nil])
                }
                if day % 7 == 6 {  // weekly here; the server's housekeeping runs hourly
                    _ = try await store.prune(now: now, retention: retention)
                    oldestKept[day] = try await store.read { db in
                        try db.fetchAll("SELECT MIN(created_at) AS oldest FROM events", []).first?["oldest"]
                    }
                }
            }
            // While wh_down had not taken them, the events of the first days were kept past the window...
            #expect(oldestKept[195] == t0, "an undelivered event was dropped")
            // ...and once it had, they went with the rest.
            #expect(oldestKept[209].map { $0 >= t0.adding(days: 209 - 30) } == true)
            let (events, deliveries, webhooks) = try await store.read { db in
                (
                    try db.fetchAll("SELECT created_at FROM events", []).map { $0["created_at"] as Instant },
                    try db.fetchAll("SELECT state FROM deliveries", []).map { $0["state"] as String },
                    try db.fetchAll("SELECT id FROM webhooks", []).map { $0["id"] as String }
                )
            }
            // Bounded by the window (30 days, pruned weekly), not by the year: one grant a day.
            let cutoff = t0.adding(days: 363 - 30)
            #expect(events.allSatisfy { $0 >= cutoff } && events.count <= 30 + 7, "\(events.count) events kept")
            #expect(deliveries.count <= events.count && !deliveries.contains("pending"))
            #expect(webhooks == ["wh_live"], "the deleted webhook, with no delivery left, is gone")
            let notifications = try await store.notifications(accountID: account, limit: 500, before: nil)
            #expect(notifications.items.count == events.count)
            // The ledger itself is kept whole: 365 grants, their balance, and every invariant.
            let balance = try await store.read { db in
                try db.fetchAll("SELECT COUNT(*) AS n FROM entries WHERE account_id = ?", [account]).first?["n"] as Int?
            }
            #expect(balance == 365)
            #expect(try await database.verify().isClean)
        }
    }

    /// Sends what is due: records as delivered what webhooks in `accepting` get, and leaves the rest
    /// pending (claimed for a minute, due again the next day), as a receiver that does not answer.
    private func deliverDue(_ store: any LedgerStore, now: Instant, accepting: Set<String>) async throws {
        for _ in 0..<1_000 {
            let due = try await store.dueDeliveries(now: now, limit: 100).filter { accepting.contains($0.webhook.id) }
            if due.isEmpty { return }
            for delivery in due { try await store.recordDelivery(delivery, error: nil, now: now) }
        }
    }
}
