import ConnectsCore
import ConnectsStore

extension ConnectsService {
    /// Registers a webhook for `events` (`*` for every type); the result carries its signing secret,
    /// which is shown this once (and to a replay of the same request).
    func createWebhook(url: String, events: [String], _ write: WriteRequest) async throws -> WriteOutcome {
        try write.caller.authorize(.manageWebhooks)
        guard url.hasPrefix("http://") || url.hasPrefix("https://"), url.count >= 10 else {
            throw ConnectsError.invalidField("url", "must be an http or https URL")
        }
        if !allowsPrivateWebhookTargets { try await WebhookTarget.check(url) }
        guard (1...50).contains(events.count) else {
            throw ConnectsError.invalidField("events", "must list 1 to 50 event types")
        }
        guard events.allSatisfy({ Event.types.contains($0) || $0 == "*" }) else {
            throw ConnectsError.invalidField("events", "names an unknown event type")
        }
        let now = now()
        let webhook = Webhook(
            id: Identifier.make("whk_", at: now), url: url, events: events, secret: WebhookSigner.makeSecret(),
            createdAt: now)
        return try await perform(.createWebhook(webhook), write, movesConnects: false)
    }

    /// The registered webhooks.
    func webhooks(limit: Int, after cursor: String?, by caller: Caller) async throws -> Page<Webhook> {
        try caller.authorize(.manageWebhooks)
        return try await store.webhooks(limit: limit, after: cursor)
    }

    /// Stops deliveries to a webhook.
    func deleteWebhook(_ id: String, _ write: WriteRequest) async throws -> WriteOutcome {
        try write.caller.authorize(.manageWebhooks)
        return try await perform(.deleteWebhook(id: id), write, movesConnects: false)
    }

    /// A webhook's deliveries, newest event first: state, attempts, last error.
    func deliveries(
        of webhookID: String, limit: Int, before cursor: Int64?, by caller: Caller
    ) async throws -> Page<DeliveryRecord> {
        try caller.authorize(.manageWebhooks)
        guard try await store.webhook(id: webhookID) != nil else {
            throw ConnectsError(.notFound, "no webhook \(webhookID)")
        }
        return try await store.deliveries(webhookID: webhookID, limit: limit, before: cursor)
    }

    /// Sends an event to a webhook again, with a fresh run of retries.
    func resend(_ eventID: String, to webhookID: String, _ write: WriteRequest) async throws -> WriteOutcome {
        try write.caller.authorize(.manageWebhooks)
        return try await perform(.resendDelivery(webhookID: webhookID, eventID: eventID), write, movesConnects: false)
    }

    /// Gives a webhook a new secret (shown in the result this once); the old one also signs deliveries for
    /// `overlapSeconds`, so that a receiver can switch without refusing any.
    func rotateSecret(of webhookID: String, overlapSeconds: Int64, _ write: WriteRequest) async throws -> WriteOutcome {
        try write.caller.authorize(.manageWebhooks)
        guard (0...Limits.webhookSecretOverlapSecondsMax).contains(overlapSeconds) else {
            throw ConnectsError.invalidField(
                "overlapSeconds", "must be 0 to \(Limits.webhookSecretOverlapSecondsMax) (a week)")
        }
        let operation = StoreOperation.rotateWebhookSecret(
            webhookID: webhookID, secret: WebhookSigner.makeSecret(),
            overlapUntil: now().adding(milliseconds: overlapSeconds * 1_000))
        return try await perform(operation, write, movesConnects: false)
    }
}
