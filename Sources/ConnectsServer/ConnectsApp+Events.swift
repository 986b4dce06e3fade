import ConnectsCore
import ConnectsStore
import HTTPTypes
import Hummingbird
import Logging

extension ConnectsApp {
    /// Notifications and webhooks.
    func addEventRoutes(to table: inout RouteTable) {
        table.on(.get, "/v1/accounts/{id}/notifications", .readAccount) { request, context in
            let (limit, before) = try Self.sequencePage(request, prefix: "e")
            let (page, unread) = try await service.notifications(
                of: try context.parameters.require("id"), limit: limit, before: before, by: context.requireCaller())
            let data = page.items.map { notification -> JSONValue in
                let event = notification.event
                return .object([
                    "id": .string(event.id), "type": .string(event.type), "createdAt": .time(event.createdAt),
                    "data": (try? JSONValue(parsing: Array(event.data.utf8))) ?? .null,
                    "readAt": notification.readAt.map(JSONValue.time) ?? .null,
                ])
            }
            return Self.json(
                .object(["data": .array(data), "nextCursor": .string(page.nextCursor), "unread": .int(Int64(unread))]))
        }

        table.on(.post, "/v1/accounts/{id}/notifications/read", .markNotificationsRead) { request, context in
            let (body, _) = try await Self.readObject(request)
            let upTo = try body.string("upTo", required: false)
            var ids: [String] = []
            if let value = body.members["ids"], value != .null {
                guard case .array(let values) = value, !values.isEmpty else {
                    throw ConnectsError.invalidField("ids", "must be a list of notification ids")
                }
                ids = try values.map { value throws(ConnectsError) -> String in
                    guard case .string(let id) = value, (1...Limits.labelLengthMax).contains(id.count) else {
                        throw ConnectsError.invalidField("ids", "must be a list of notification ids")
                    }
                    return id
                }
            }
            let unread = try await service.markNotificationsRead(
                of: try context.parameters.require("id"), upTo: upTo, ids: ids, by: context.requireCaller())
            return Self.json(.object(["unread": .int(Int64(unread))]))
        }

        table.on(.post, "/v1/webhooks", .manageWebhooks) { request, context in
            let (body, bytes) = try await Self.readObject(request)
            let url = try body.string("url", maxLength: Limits.webhookURLLengthMax)!
            guard case .array(let values)? = body.members["events"] else {
                throw ConnectsError.invalidField("events", "must list 1 to 50 event types")
            }
            let events = try values.map { value throws(ConnectsError) -> String in
                guard case .string(let type) = value else {
                    throw ConnectsError.invalidField("events", "names an unknown event type")
                }
                return type
            }
            let write = try Self.write(request, context, body: bytes, status: 201) { result in
                guard case .webhook(let webhook) = result else { return .null }
                return Self.render(webhook, showingSecret: true)
            }
            return Self.respond(try await service.createWebhook(url: url, events: events, write))
        }

        table.on(.get, "/v1/webhooks", .manageWebhooks) { request, context in
            let (limit, cursor) = try Self.pageParameters(request)
            let page = try await service.webhooks(limit: limit, after: cursor, by: context.requireCaller())
            return Self.json(Representation.page(page) { Self.render($0, showingSecret: false) })
        }

        table.on(.get, "/v1/webhooks/{id}/deliveries", .manageWebhooks) { request, context in
            let (limit, before) = try Self.sequencePage(request, prefix: "d")
            let page = try await service.deliveries(
                of: try context.parameters.require("id"), limit: limit, before: before, by: context.requireCaller())
            return Self.json(
                Representation.page(page) { record in
                    .object([
                        "eventId": .string(record.eventID), "type": .string(record.eventType),
                        "accountId": .string(record.accountID), "state": .string(record.state),
                        "attempts": .int(record.attempts),
                        "nextAttemptAt": record.state == "pending" ? .time(record.nextAttemptAt) : .null,
                        "lastError": .string(record.lastError), "deliveredAt": .time(record.deliveredAt),
                    ])
                })
        }

        table.on(.post, "/v1/webhooks/{id}/deliveries/{eventId}/resend", .manageWebhooks) { request, context in
            let write = try Self.write(request, context, body: [], status: 202) { result in
                guard case .webhook(let webhook) = result else { return .null }
                return Self.render(webhook, showingSecret: false)
            }
            return Self.respond(
                try await service.resend(
                    try context.parameters.require("eventId"), to: try context.parameters.require("id"), write))
        }

        table.on(.post, "/v1/webhooks/{id}/rotate-secret", .manageWebhooks) { request, context in
            let (body, bytes) = try await Self.readObject(request)
            let overlap = try body.int("overlapSeconds", required: false) ?? 86_400
            let write = try Self.write(request, context, body: bytes, status: 200) { result in
                guard case .webhook(let webhook) = result else { return .null }
                return Self.render(webhook, showingSecret: true)
            }
            return Self.respond(
                try await service.rotateSecret(of: try context.parameters.require("id"), overlapSeconds: overlap, write)
            )
        }

        table.on(.delete, "/v1/webhooks/{id}", .manageWebhooks) { request, context in
            let write = try Self.write(request, context, body: [], status: 204) { _ in .null }
            return Self.respond(try await service.deleteWebhook(try context.parameters.require("id"), write))
        }
    }

    static func render(_ webhook: Webhook, showingSecret: Bool) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(webhook.id), "url": .string(webhook.url),
            "events": .array(webhook.events.map(JSONValue.string)),
            "createdAt": .time(webhook.createdAt),
            "previousSecretExpiresAt": .time(webhook.previousSecretUntil),
        ]
        if showingSecret { object["secret"] = .string(webhook.secret) }
        return .object(object)
    }
}
