import ConnectsCore
import ConnectsStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

extension ConnectsApp {
    /// Policy, plans, purchases, rewards, promo codes and the test clock.
    func addEconomyRoutes(to table: inout RouteTable) {
        table.on(.get, "/v1/policy", .readPolicy) { _, context in
            let policy = try service.policyInForce(by: context.requireCaller())
            return Self.json(.object(["version": .int(policy.version), "policy": Self.encode(policy.economy)]))
        }

        table.on(.put, "/v1/policy", .writePolicy) { request, context in
            let (body, bytes) = try await Self.readObject(request)
            guard let document = body.members["policy"] else {
                throw ConnectsError.invalidField("policy", "is required")
            }
            let policy = try Self.decodePolicy(document)
            let write = try Self.write(request, context, body: bytes, status: 200) { result in
                guard case .policy(let version, let saved) = result else { return .null }
                return .object(["version": .int(version), "policy": Self.encode(saved)])
            }
            return Self.respond(try await service.replacePolicy(with: policy, write))
        }

        table.on(.get, "/v1/bundles", .readCatalog) { _, context in
            let pricing = try service.catalog(by: context.requireCaller()).pricing
            return Self.json(
                .object([
                    "pricePerConnect": Self.money(pricing.pricePerConnect),
                    "bundles": .array(pricing.bundles.map(JSONValue.int)),
                    "custom": .object(["min": .int(pricing.custom.min), "max": .int(pricing.custom.max)]),
                ]))
        }

        table.on(.post, "/v1/accounts/{id}/purchases", .recordPurchase) { request, context in
            let (body, bytes) = try await Self.readObject(request)
            let quantity = try body.int("quantity")!
            let reference = try body.string("paymentReference")!
            let paid = try Self.money(body, "amountPaid")
            let write = try Self.write(
                request, context, body: bytes, status: 201, statusOf: { $0.writtenKinds.isEmpty ? 200 : 201 }
            ) { result in
                guard case .purchase(let purchase, _, _) = result else { return .null }
                return .object([
                    "id": .string(purchase.id), "accountId": .string(purchase.accountID),
                    "quantity": .int(purchase.quantity),
                    "amountPaid": Self.money(purchase.amountPaid),
                    "paymentReference": .string(purchase.paymentReference),
                    "entryId": .string(purchase.entryID),
                ])
            }
            return Self.respond(
                try await service.purchase(
                    quantity, for: try context.parameters.require("id"), paymentReference: reference, amountPaid: paid,
                    write))
        }

        table.on(.get, "/v1/rewards", .readCatalog) { _, context in
            let rewards = try service.catalog(by: context.requireCaller()).rewards
            return Self.json(
                .array(
                    rewards.map { reward in
                        .object([
                            "key": .string(reward.key), "amount": .int(reward.amount), "once": .bool(reward.once),
                            "description": .string(reward.description), "capPer7Days": .int(reward.capPer7Days),
                        ])
                    }))
        }

        table.on(.post, "/v1/accounts/{id}/rewards", .grantReward) { request, context in
            let (body, bytes) = try await Self.readObject(request)
            let key = try body.string("reward", maxLength: 50)!
            let scope = try body.string("scope", required: false)
            let write = try Self.rewardWrite(request, context, body: bytes)
            return Self.respond(
                try await service.grantReward(key, scope: scope, to: try context.parameters.require("id"), write))
        }

        table.on(.post, "/v1/accounts/{id}/promo-codes/{code}/redeem", .redeemPromoCode) { request, context in
            let (_, bytes) = try await Self.readObject(request)
            let accountID = try context.parameters.require("id")
            let code = try context.parameters.require("code")
            let write = try Self.rewardWrite(request, context, body: bytes)
            return Self.respond(try await service.redeem(code, for: accountID, write))
        }

        table.on(.get, "/v1/test-clock", .moveTestClock) { _, context in
            Self.json(.object(["now": .time(try service.testClockTime(by: context.requireCaller()))]))
        }

        table.on(.post, "/v1/test-clock", .moveTestClock) { request, context in
            let caller = try context.requireCaller()
            let current = try service.testClockTime(by: caller)
            let (body, _) = try await Self.readObject(request)
            let target: Instant
            // Each is checked whether or not the other is given; one of the two moves the clock.
            let advance = try body.int("advanceSeconds", required: false)
            let to = try body.string("to", required: false)
            if advance != nil, to != nil {
                throw ConnectsError.invalidField("to", "send advanceSeconds or to, not both")
            }
            // A move runs every scheduled pass due on its way: at most ten years, either way it is asked.
            let tenYears: Int64 = 10 * 366 * 86_400
            if let seconds = advance {
                guard (0...tenYears).contains(seconds) else {
                    throw ConnectsError.invalidField("advanceSeconds", "must be 0 to ten years, forward only")
                }
                target = current.adding(milliseconds: seconds * 1_000)
            } else if let raw = to {
                guard let to = RFC3339.parse(raw), to <= current.adding(milliseconds: tenYears * 1_000) else {
                    throw ConnectsError.invalidField("to", "must be an RFC 3339 time from now to ten years ahead")
                }
                target = to
            } else {
                throw ConnectsError.invalidField("advanceSeconds", "or 'to' is required")
            }
            try await service.advanceTestClock(to: target, by: caller)
            return Self.json(.object(["now": .time(now())]))
        }
    }

    /// The write of a reward or promo code: 201 with the entry when granted now, 200 with the earlier
    /// entry (or with `granted: false` and the rule of a cap) when nothing moved.
    static func rewardWrite(
        _ request: Request, _ context: ConnectsRequestContext, body: [UInt8]
    ) throws(ConnectsError) -> WriteRequest {
        try write(request, context, body: body, status: 201, statusOf: { $0.writtenKinds.isEmpty ? 200 : 201 }) {
            result in
            guard case .reward(_, let entry, let granted, let rule) = result else { return .null }
            return .object([
                "granted": .bool(granted), "rule": .string(rule), "entry": entry.map(Representation.entry) ?? .null,
            ])
        }
    }

    // MARK: Policy and money as JSON

    /// A policy as JSON, every member written, an absent optional as `null`: what `GET /v1/policy`
    /// answers can be sent back to `PUT /v1/policy` unchanged, and says which options exist.
    static func encode(_ policy: Policy) -> JSONValue {
        let encoder = JSONEncoder()
        guard let data = try? encoder.encode(policy), let value = try? JSONValue(parsing: Array(data)) else {
            return .null
        }
        return withNulls(value, from: policy)
    }

    /// `json` (the synthesized encoding of `value`, which leaves out `nil` members) with each `nil`
    /// optional of `value` written as `null`, at every depth. The members' names are the properties'
    /// (the policy's types use synthesized coding keys).
    private static func withNulls(_ json: JSONValue, from value: Any) -> JSONValue {
        switch json {
        case .object(var members):
            for child in Mirror(reflecting: value).children {
                guard let label = child.label else { continue }
                let inner = Mirror(reflecting: child.value)
                if inner.displayStyle == .optional {
                    guard let wrapped = inner.children.first?.value else {
                        members[label] = .null
                        continue
                    }
                    if let member = members[label] { members[label] = withNulls(member, from: wrapped) }
                } else if let member = members[label] {
                    members[label] = withNulls(member, from: child.value)
                }
            }
            return .object(members)
        case .array(let items):
            let elements = Mirror(reflecting: value).children.map(\.value)
            guard elements.count == items.count else { return json }
            return .array(zip(items, elements).map { withNulls($0, from: $1) })
        default:
            return json
        }
    }

    /// Decodes a policy document, naming the field of the first problem.
    static func decodePolicy(_ document: JSONValue) throws(ConnectsError) -> Policy {
        do {
            return try JSONDecoder().decode(Policy.self, from: Data(document.serialized))
        } catch let error as DecodingError {
            throw ConnectsError.invalidField(Self.path(of: error), Self.problem(of: error))
        } catch {
            throw ConnectsError.invalidField("policy", "is not a policy document")
        }
    }

    static func path(of error: DecodingError) -> String {
        var path: [any CodingKey] = []
        switch error {
        case .keyNotFound(let key, let context): path = context.codingPath + [key]
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            path = context.codingPath
        @unknown default: break
        }
        return (["policy"] + path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }).joined()
            .replacingOccurrences(of: ".[", with: "[")
    }

    static func problem(of error: DecodingError) -> String {
        switch error {
        case .keyNotFound: return "is required"
        case .typeMismatch(let type, _):
            return "must be \(type == String.self ? "a string" : type == Bool.self ? "a boolean" : "a number")"
        case .valueNotFound: return "must not be null"
        default: return "is not valid"
        }
    }

    static func money(_ money: Policy.Money) -> JSONValue {
        .object(["currency": .string(money.currency), "minor": .int(money.minor)])
    }

    static func money(_ body: JSONObject, _ field: String) throws(ConnectsError) -> Policy.Money {
        guard case .object(let members)? = body.members[field] else {
            throw ConnectsError.invalidField(field, "must be an object with currency and minor")
        }
        let inner = JSONObject(members: members)
        let currency = try inner.string("currency", maxLength: 3)!
        let minor = try inner.int("minor")!
        guard minor >= 0 else { throw ConnectsError.invalidField("\(field).minor", "must not be negative") }
        return Policy.Money(currency: currency, minor: minor)
    }
}
