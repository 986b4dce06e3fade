import ConnectsCore
import ConnectsStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

extension ConnectsApp {
    /// Policy, plans, purchases, rewards, promo codes and the test clock.
    func addEconomyRoutes(to table: inout RouteTable) {
        table.on(.get, "/v1/policy") { _, context in
            try context.requireCaller().require(Caller.staff)
            let policy = self.policy
            return Self.json(.object(["version": .int(policy.version), "policy": Self.encode(policy.economy)]))
        }

        table.on(.put, "/v1/policy") { request, context in
            try context.requireCaller().require([.admin])
            let (body, _) = try await Self.readObject(request)
            guard let document = body.members["policy"] else {
                throw ConnectsError.invalidField("policy", "is required")
            }
            let policy = try Self.decodePolicy(document)
            try policy.validate()
            let version = try await store.savePolicy(policy, now: now())
            policyBox.replace(with: policy.ledgerPolicy(version: version))
            return Self.json(.object(["version": .int(version), "policy": Self.encode(policy)]))
        }

        table.on(.get, "/v1/bundles") { _, context in
            _ = try context.requireCaller()
            let pricing = policy.economy.pricing
            return Self.json(
                .object([
                    "pricePerConnect": Self.money(pricing.pricePerConnect),
                    "bundles": .array(pricing.bundles.map(JSONValue.int)),
                    "custom": .object(["min": .int(pricing.custom.min), "max": .int(pricing.custom.max)]),
                ]))
        }

        table.on(.post, "/v1/accounts/{id}/purchases") { request, context in
            try context.requireCaller().require(Caller.operators)
            let (body, bytes) = try await Self.readObject(request)
            let quantity = try body.int("quantity")!
            let reference = try body.string("paymentReference")!
            let paid = try Self.money(body, "amountPaid")
            let pricing = policy.economy.pricing
            guard pricing.bundles.contains(quantity) || pricing.custom.contains(quantity) else {
                throw ConnectsError.invalidField(
                    "quantity",
                    "must be a bundle (\(pricing.bundles)) or \(pricing.custom.min) to \(pricing.custom.max)"
                )
            }
            let price = pricing.pricePerConnect
            guard paid.currency == price.currency, paid.minor == quantity * price.minor else {
                throw ConnectsError.invalidField(
                    "amountPaid",
                    "must be \(quantity * price.minor) \(price.currency) minor units for \(quantity) connects"
                )
            }
            let purchase = Purchase(
                id: Identifier.make("pur_", at: now()),
                accountID: try context.parameters.require("id"),
                quantity: quantity,
                amountPaid: paid,
                paymentReference: reference
            )
            return try await perform(
                .purchase(purchase), request: request, context: context, body: bytes, requiresKey: true, status: 201,
                statusOf: { $0.writtenKinds.isEmpty ? 200 : 201 }
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
        }

        table.on(.get, "/v1/rewards") { _, context in
            _ = try context.requireCaller()
            return Self.json(
                .array(
                    policy.economy.rewards.map { reward in
                        .object([
                            "key": .string(reward.key), "amount": .int(reward.amount), "once": .bool(reward.once),
                            "description": .string(reward.description), "capPer7Days": .int(reward.capPer7Days),
                        ])
                    }))
        }

        table.on(.post, "/v1/accounts/{id}/rewards") { request, context in
            try context.requireCaller().require(Caller.operators)
            let (body, bytes) = try await Self.readObject(request)
            let operation = StoreOperation.reward(
                key: try body.string("reward", maxLength: 50)!,
                scope: try body.string("scope", required: false),
                accountID: try context.parameters.require("id")
            )
            return try await performReward(operation, request: request, context: context, body: bytes)
        }

        table.on(.post, "/v1/accounts/{id}/promo-codes/{code}/redeem") { request, context in
            let caller = try context.requireCaller()
            let accountID = try context.parameters.require("id")
            if caller.role.isAccountBound {
                try caller.requireRead(of: accountID)
            } else {
                try caller.require(Caller.operators)
            }
            let (_, bytes) = try await Self.readObject(request)
            let code = try context.parameters.require("code")
            guard code.count <= 50 else { throw ConnectsError(.notFound, "no promo code '\(code)'") }
            return try await performReward(
                .redeemPromoCode(code, accountID: accountID), request: request, context: context, body: bytes
            )
        }

        table.on(.put, "/v1/accounts/{id}/plan") { request, context in
            try context.requireCaller().require(Caller.operators)
            let (body, bytes) = try await Self.readObject(request)
            let plan = try body.string("plan", maxLength: 50)!
            let reason = try body.string("reason", required: false, maxLength: 50)
            guard reason == nil || reason == "payment_failed" else {
                throw ConnectsError.invalidField("reason", "must be 'payment_failed' or absent")
            }
            let command = LedgerCommand.changePlan(plan, isImmediate: reason == "payment_failed")
            return try await perform(
                .ledger(accountID: try context.parameters.require("id"), command: command),
                request: request, context: context, body: bytes, requiresKey: false, status: 200
            ) { Representation.account($0.snapshot!) }
        }

        table.on(.get, "/v1/test-clock") { _, context in
            try requireTestClock(context)
            return Self.json(.object(["now": .time(now())]))
        }

        table.on(.post, "/v1/test-clock") { request, context in
            try requireTestClock(context)
            let (body, _) = try await Self.readObject(request)
            let current = now()
            let target: Instant
            if let seconds = try body.int("advanceSeconds", required: false) {
                guard (0...(10 * 366 * 86_400)).contains(seconds) else {
                    throw ConnectsError.invalidField("advanceSeconds", "must be 0 to ten years, forward only")
                }
                target = current.adding(milliseconds: seconds * 1_000)
            } else if let raw = try body.string("to", required: false) {
                guard let to = RFC3339.parse(raw), to >= current else {
                    throw ConnectsError.invalidField("to", "must be an RFC 3339 time no earlier than now")
                }
                target = to
            } else {
                throw ConnectsError.invalidField("advanceSeconds", "or 'to' is required")
            }
            try await advanceTestClock(to: target)
            return Self.json(.object(["now": .time(now())]))
        }
    }

    /// Grants a reward or promo code: 201 with the entry when granted now, 200 with the earlier entry
    /// (or with `granted: false` and the rule of a cap) when nothing moved.
    func performReward(
        _ operation: StoreOperation,
        request: Request,
        context: ConnectsRequestContext,
        body: [UInt8]
    ) async throws -> Response {
        try await perform(
            operation, request: request, context: context, body: body, requiresKey: true, status: 201,
            statusOf: { $0.writtenKinds.isEmpty ? 200 : 201 }
        ) { result in
            guard case .reward(_, let entry, let granted, let rule) = result else { return .null }
            return .object([
                "granted": .bool(granted), "rule": .string(rule), "entry": entry.map(Representation.entry) ?? .null,
            ])
        }
    }

    /// Moves the test clock to `target`, stopping at every instant where work falls due on the way and
    /// running it there, so that each cycle start and expiry happens at its own time.
    func advanceTestClock(to target: Instant) async throws {
        var previous: Instant?
        for _ in 0..<100_000 {
            // Work that stays due after a pass (refused, and logged) must not hold the clock back.
            guard let due = try await store.nextDueTime(policy: policy), due <= target, due != previous else { break }
            previous = due
            try await moveTestClock(to: due)
            // This node runs the work due there, unless another node's scheduler got to it first.
            _ = try await store.runAllDueWork(now: { due }, policy: policy)
        }
        try await moveTestClock(to: target)
        _ = try await store.runAllDueWork(now: { target }, policy: policy)
        _ = try await webhookDelivery(interval: .seconds(1), logger: Logger(label: "connects.test-clock")).deliverDue()
    }

    func requireTestClock(_ context: ConnectsRequestContext) throws {
        try context.requireCaller().require([.admin, .service])
        guard configuration.clock.isTestClock else {
            throw ConnectsError(.notFound, "the test clock is off; start the server with --test-clock")
        }
    }

    // MARK: Policy and money as JSON

    static func encode(_ policy: Policy) -> JSONValue {
        let encoder = JSONEncoder()
        guard let data = try? encoder.encode(policy), let value = try? JSONCoding.decode(Array(data)) else {
            return .null
        }
        return value
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
