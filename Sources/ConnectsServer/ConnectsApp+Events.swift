import ConnectsCore
import ConnectsStore
import HTTPTypes
import Hummingbird
import Logging

extension ConnectsApp {
    /// Notifications and webhooks.
    func addEventRoutes(to table: inout RouteTable) {
        table.on(.get, "/v1/accounts/{id}/notifications") { request, context in
            let snapshot = try await readableAccount(context)
            let (limit, cursor) = try Self.pageParameters(request)
            var before: Int64?
            if let cursor {
                guard cursor.first == "e", let sequence = Int64(cursor.dropFirst()) else {
                    throw ConnectsError.invalidField("cursor", "is not a cursor this list gave out")
                }
                before = sequence
            }
            let page = try await store.events(accountID: snapshot.account.id, limit: limit, before: before)
            return Self.json(
                Representation.page(page) { event in
                    .object([
                        "id": .string(event.id), "type": .string(event.type), "createdAt": .time(event.createdAt),
                        "data": (try? JSONCoding.decode(Array(event.data.utf8))) ?? .null, "readAt": .null,
                    ])
                })
        }

        table.on(.post, "/v1/webhooks") { request, context in
            try context.requireCaller().require(Caller.operators)
            let (body, _) = try await Self.readObject(request)
            let url = try body.string("url", maxLength: 2_000)!
            guard url.hasPrefix("http://") || url.hasPrefix("https://"), url.count >= 10 else {
                throw ConnectsError.invalidField("url", "must be an http or https URL")
            }
            guard case .array(let values)? = body.members["events"], !values.isEmpty, values.count <= 50 else {
                throw ConnectsError.invalidField("events", "must list 1 to 50 event types")
            }
            var events: [String] = []
            for value in values {
                guard case .string(let type) = value, Event.types.contains(type) || type == "*" else {
                    throw ConnectsError.invalidField("events", "names an unknown event type")
                }
                events.append(type)
            }
            let webhook = Webhook(
                id: Identifier.make("whk_", at: now()), url: url, events: events, secret: WebhookSigner.makeSecret(),
                createdAt: now()
            )
            try await store.createWebhook(webhook)
            return Self.json(Self.render(webhook, showingSecret: true), status: 201)
        }

        table.on(.get, "/v1/webhooks") { _, context in
            try context.requireCaller().require(Caller.operators)
            let webhooks = try await store.webhooks()
            return Self.json(
                .object(["data": .array(webhooks.map { Self.render($0, showingSecret: false) }), "nextCursor": .null]))
        }

        table.on(.delete, "/v1/webhooks/{id}") { _, context in
            try context.requireCaller().require(Caller.operators)
            let id = try context.parameters.require("id")
            guard try await store.deleteWebhook(id: id, now: now()) else {
                throw ConnectsError(.notFound, "no webhook \(id)")
            }
            return Response(status: .noContent)
        }
    }

    static func render(_ webhook: Webhook, showingSecret: Bool) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(webhook.id), "url": .string(webhook.url),
            "events": .array(webhook.events.map(JSONValue.string)),
            "createdAt": .time(webhook.createdAt),
        ]
        if showingSecret { object["secret"] = .string(webhook.secret) }
        return .object(object)
    }

    /// The service that delivers the outbox to webhooks.
    func webhookDelivery(interval: Duration, logger: Logger) -> WebhookDeliveryService {
        WebhookDeliveryService(store: store, now: configuration.clock.now, interval: interval, logger: logger)
    }
}
