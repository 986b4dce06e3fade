import ConnectsCore
import ConnectsStore
import HTTPTypes
import Hummingbird

extension ConnectsApp {
    /// Accounts: create, read, find by external id, close, balance, lots.
    func addAccountRoutes(to table: inout RouteTable) {
        table.on(.post, "/v1/accounts") { request, context in
            try context.requireCaller().require(Caller.operators)
            let (body, bytes) = try await Self.readObject(request)
            let kind = try body.oneOf("kind", Account.Kind.self)!
            let new = StoreOperation.NewAccount(
                externalID: try body.string("externalId")!,
                kind: kind,
                name: try body.string("name", required: false),
                plan: kind.holdsConnects ? try body.string("plan", required: false) : nil
            )
            if !kind.holdsConnects, body.members["plan"] != nil, body.members["plan"] != .null {
                throw ConnectsError.invalidField("plan", "clients have no plan")
            }
            return try await perform(
                .createAccount(new),
                request: request,
                context: context,
                body: bytes,
                requiresKey: false,
                status: 201
            ) { Representation.account($0.snapshot!) }
        }

        table.on(.get, "/v1/accounts") { request, context in
            let caller = try context.requireCaller()
            try caller.require(Caller.staff)
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
            let accounts = try await store.accounts(externalID: externalID, kind: kind, now: now())
            return Self.json(.object(["data": .array(accounts.map(Representation.account)), "nextCursor": .null]))
        }

        table.on(.get, "/v1/accounts/{id}") { _, context in
            let snapshot = try await readableAccount(context)
            return Self.json(Representation.account(snapshot))
        }

        table.on(.post, "/v1/accounts/{id}/close") { request, context in
            let caller = try context.requireCaller()
            try caller.require(Caller.operators)
            let (_, bytes) = try await Self.readObject(request)
            return try await perform(
                .ledger(accountID: try context.parameters.require("id"), command: .close(actor: caller.actor)),
                request: request,
                context: context,
                body: bytes,
                requiresKey: false,
                status: 200
            ) { Representation.account($0.snapshot!) }
        }

        table.on(.get, "/v1/accounts/{id}/balance") { request, context in
            let snapshot = try await readableAccount(context)
            let now = now()
            var at = now
            if let raw = request.uri.queryParameters["at"] {
                guard let parsed = RFC3339.parse(String(raw)) else {
                    throw ConnectsError.invalidField("at", "must be an RFC 3339 time")
                }
                at = parsed
            }
            let balance: Balance
            if at >= now {
                balance = snapshot.balance
            } else {
                balance = try await store.balance(accountID: snapshot.account.id, at: at) ?? .zero
            }
            return Self.json(
                .object([
                    "at": .time(at), "available": .int(balance.available), "held": .int(balance.held),
                    "total": .int(balance.total),
                ]))
        }

        table.on(.get, "/v1/accounts/{id}/lots") { request, context in
            let snapshot = try await readableAccount(context)
            let (limit, cursor) = try Self.pageParameters(request)
            let page = try await store.lots(accountID: snapshot.account.id, limit: limit, after: cursor)
            return Self.json(Representation.page(page, Representation.lot))
        }
    }

    /// The account named by the path, if the caller may read it.
    func readableAccount(_ context: ConnectsRequestContext) async throws -> AccountSnapshot {
        let caller = try context.requireCaller()
        let id = try context.parameters.require("id")
        try caller.requireRead(of: id)
        guard let snapshot = try await store.snapshot(accountID: id, now: now()) else {
            throw ConnectsError(.notFound, "no account \(id)")
        }
        return snapshot
    }

    /// `limit` (1...500, default 50) and `cursor` of a list request.
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
        if let cursor, cursor.isEmpty || cursor.utf8.count > 100 {
            throw ConnectsError.invalidField("cursor", "is not a cursor this list gave out")
        }
        return (limit, cursor)
    }
}
