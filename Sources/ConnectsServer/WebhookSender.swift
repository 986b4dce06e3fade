import AsyncHTTPClient
import ConnectsCore
import ConnectsStore
import Foundation
import HTTPTypes
import Logging
import NIOCore

/// Delivers the outbox to webhooks: at least once, in order per account, retried with backoff.
///
/// Each pass takes, for every webhook and account, only the oldest pending event, so a later event is
/// never delivered before an earlier one of the same account.
struct WebhookSender: Sendable {
    /// The most deliveries one pass attempts.
    static let deliveriesPerPassMax = 200
    /// How long one delivery may take.
    static let timeout: TimeAmount = .seconds(10)

    /// The client of every delivery: it follows no redirect (a target could send it anywhere).
    static let client = HTTPClient(
        eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))

    let store: any LedgerStore
    let now: @Sendable () -> Instant
    let logger: Logger
    /// Whether deliveries may go to private and reserved addresses (checked again before each one).
    var allowsPrivateTargets = false

    /// Delivers everything due now, pass after pass (each pass moves every account one event further),
    /// until nothing is due; returns how many attempts were made.
    func deliverDue(passesMax: Int = 1_000) async throws -> Int {
        var attempts = 0
        for _ in 0..<passesMax {
            let due = try await store.dueDeliveries(now: now(), limit: Self.deliveriesPerPassMax)
            if due.isEmpty { break }
            await withTaskGroup(of: Void.self) { group in
                for delivery in due {
                    group.addTask { await deliver(delivery) }
                }
            }
            attempts += due.count
        }
        return attempts
    }

    func deliver(_ delivery: Delivery) async {
        let event = delivery.event
        let body = Array(
            #"{"type":"\#(event.type)","timestamp":"\#(RFC3339.format(event.createdAt))","accountId":"\#(event.accountID)","data":\#(event.data)}"#
                .utf8
        )
        let timestamp = now().millisecondsSinceEpoch / 1000
        var request = HTTPClientRequest(url: delivery.webhook.url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "webhook-id", value: event.id)
        request.headers.add(name: "webhook-timestamp", value: String(timestamp))
        // Standard Webhooks lets a header carry several signatures: in a rotation's overlap, one from
        // each secret, so the receiver accepts the delivery with either.
        request.headers.add(
            name: "webhook-signature",
            value: delivery.webhook.signingSecrets(at: now()).map {
                WebhookSigner.signature(secret: $0, id: event.id, timestamp: timestamp, body: body)
            }.joined(separator: " ")
        )
        request.body = .bytes(ByteBuffer(bytes: body))
        var failure: String?
        do {
            // What the name resolves to may have changed since the webhook was registered.
            if !allowsPrivateTargets { try await WebhookTarget.check(delivery.webhook.url) }
            let response = try await Self.client.execute(request, timeout: Self.timeout)
            if !(200..<300).contains(Int(response.status.code)) { failure = "status \(response.status.code)" }
            _ = try? await response.body.collect(upTo: 64 * 1024)
        } catch {
            failure = "\(error)"
        }
        if let failure {
            logger.info(
                "webhook delivery failed",
                metadata: ["webhook.id": "\(delivery.webhook.id)", "event.id": "\(event.id)", "error": "\(failure)"]
            )
        }
        do {
            try await store.recordDelivery(delivery, error: failure, now: now())
        } catch {
            logger.error("recording a webhook delivery failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
