import ConnectsCore
import ConnectsStore
import HTTPTypes
import Hummingbird

extension ConnectsApp {
    /// Accounts: create, read, find by external id, close, plan, balance, lots, agency members.
    func addAccountRoutes(to table: inout RouteTable) {
        table.on(.post, "/v1/accounts", .createAccount) { request, context in
            let (body, bytes) = try await Self.readObject(request)
            let account = StoreOperation.NewAccount(
                externalID: try body.string("externalId")!,
                kind: try body.oneOf("kind", Account.Kind.self)!,
                name: try body.string("name", required: false),
                plan: try body.string("plan", required: false)
            )
            let write = try Self.write(request, context, body: bytes, status: 201) {
                Representation.account($0.snapshot!)
            }
            return Self.respond(try await service.createAccount(account, write))
        }

        table.on(.get, "/v1/accounts", .findAccounts) { request, context in
            let query = request.uri.queryParameters
            guard let externalID = query["externalId"].map(String.init), !externalID.isEmpty else {
                throw ConnectsError.invalidField("externalId", "is required")
            }
            var kind: Account.Kind?
            if let raw = query["kind"] {
                guard let parsed = Account.Kind(rawValue: String(raw)) else {
                    throw ConnectsError.invalidField("kind", "must be one of 'freelancer', 'client', 'agency'")
                }
                kind = parsed
            }
            let accounts = try await service.accounts(
                externalID: externalID, kind: kind, by: try context.requireCaller())
            return Self.json(.object(["data": .array(accounts.map(Representation.account)), "nextCursor": .null]))
        }

        table.on(.get, "/v1/accounts/{id}", .readAccount) { _, context in
            let snapshot = try await service.account(try context.parameters.require("id"), by: context.requireCaller())
            return Self.json(Representation.account(snapshot))
        }

        table.on(.post, "/v1/accounts/{id}/close", .closeAccount) { request, context in
            let (_, bytes) = try await Self.readObject(request)
            let write = try Self.write(request, context, body: bytes, status: 200) {
                Representation.account($0.snapshot!)
            }
            return Self.respond(try await service.closeAccount(try context.parameters.require("id"), write))
        }

        table.on(.put, "/v1/accounts/{id}/plan", .changePlan) { request, context in
            let (body, bytes) = try await Self.readObject(request)
            let plan = try body.string("plan", maxLength: 50)!
            let reason = try body.string("reason", required: false, maxLength: 50)
            guard reason == nil || reason == "payment_failed" else {
                throw ConnectsError.invalidField("reason", "must be 'payment_failed' or absent")
            }
            let write = try Self.write(request, context, body: bytes, status: 200) {
                Representation.account($0.snapshot!)
            }
            return Self.respond(
                try await service.changePlan(
                    of: try context.parameters.require("id"), to: plan, isPaymentFailure: reason != nil, write))
        }

        table.on(.get, "/v1/accounts/{id}/balance", .readAccount) { request, context in
            var at: Instant?
            if let raw = request.uri.queryParameters["at"] {
                guard let parsed = RFC3339.parse(String(raw)) else {
                    throw ConnectsError.invalidField("at", "must be an RFC 3339 time")
                }
                at = parsed
            }
            let (instant, balance) = try await service.balance(
                of: try context.parameters.require("id"), at: at, by: context.requireCaller())
            return Self.json(
                .object([
                    "at": .time(instant), "available": .int(balance.available), "held": .int(balance.held),
                    "total": .int(balance.total),
                ]))
        }

        table.on(.get, "/v1/accounts/{id}/lots", .readAccount) { request, context in
            let (limit, cursor) = try Self.pageParameters(request)
            let page = try await service.lots(
                of: try context.parameters.require("id"), limit: limit, after: cursor, by: context.requireCaller())
            return Self.json(Representation.page(page, Representation.lot))
        }

        table.on(.post, "/v1/accounts/{id}/members", .manageAgencyMembers) { request, context in
            let (body, bytes) = try await Self.readObject(request)
            let write = try Self.write(request, context, body: bytes, status: 201) {
                Representation.account($0.snapshot!)
            }
            return Self.respond(
                try await service.setMember(
                    try body.string("freelancerId")!, of: try context.parameters.require("id"), isMember: true, write))
        }

        table.on(.delete, "/v1/accounts/{id}/members/{freelancerId}", .manageAgencyMembers) { request, context in
            let write = try Self.write(request, context, body: [], status: 200) {
                Representation.account($0.snapshot!)
            }
            return Self.respond(
                try await service.setMember(
                    try context.parameters.require("freelancerId"), of: try context.parameters.require("id"),
                    isMember: false, write))
        }
    }

    /// `limit` (1...500, default 50) and `cursor` of a list request.
    /// `limit` and a cursor that is `prefix` and an event's sequence number (lists of events, newest
    /// first): the sequence to list before.
    static func sequencePage(_ request: Request, prefix: Character) throws(ConnectsError) -> (Int, Int64?) {
        let (limit, cursor) = try pageParameters(request)
        guard let cursor else { return (limit, nil) }
        guard cursor.first == prefix, let sequence = Int64(cursor.dropFirst()) else {
            throw ConnectsError.invalidField("cursor", "is not a cursor this list gave out")
        }
        return (limit, sequence)
    }

    static func pageParameters(_ request: Request) throws(ConnectsError) -> (Int, String?) {
        let query = request.uri.queryParameters
        var limit = Limits.pageSizeDefault
        if let raw = query["limit"] {
            guard let parsed = Int(String(raw)), (1...Limits.pageSizeMax).contains(parsed) else {
                throw ConnectsError.invalidField("limit", "must be a whole number from 1 to \(Limits.pageSizeMax)")
            }
            limit = parsed
        }
        let cursor = query["cursor"].map(String.init)
        if let cursor,
            cursor.isEmpty || cursor.utf8.count > 100 || !cursor.utf8.allSatisfy({ (0x21...0x7E).contains($0) })
        {
            throw ConnectsError.invalidField("cursor", "is not a cursor this list gave out")
        }
        return (limit, cursor)
    }
}
