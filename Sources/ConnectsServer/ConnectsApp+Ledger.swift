import ConnectsCore
import ConnectsStore
import HTTPTypes
import Hummingbird

extension ConnectsApp {
    /// The history (JSON pages or CSV), single entries, support adjustments and reversals.
    func addLedgerRoutes(to table: inout RouteTable) {
        table.on(.get, "/v1/accounts/{id}/entries") { request, context in
            let snapshot = try await readableAccount(context)
            var query = try Self.entryQuery(request)
            if request.headers[.accept]?.contains("text/csv") == true {
                return csvResponse(accountID: snapshot.account.id, query: &query)
            }
            let page = try await store.entries(accountID: snapshot.account.id, query: query)
            return Self.json(Representation.page(page, Representation.entry))
        }

        table.on(.get, "/v1/entries/{id}") { _, context in
            let caller = try context.requireCaller()
            let id = try context.parameters.require("id")
            guard let entry = try await store.entry(id: id) else { throw ConnectsError(.notFound, "no entry \(id)") }
            do {
                try caller.requireRead(of: entry.accountID)
            } catch {
                throw ConnectsError(.notFound, "no entry \(id)")
            }
            return Self.json(Representation.entry(entry))
        }

        table.on(.post, "/v1/accounts/{id}/adjustments") { request, context in
            let caller = try context.requireCaller()
            try caller.require(Caller.staff)
            let accountID = try context.parameters.require("id")
            let (body, bytes) = try await Self.readObject(request)
            let amount = try body.int("amount")!
            let reason = try body.string("reason", maxLength: Limits.reasonLengthMax)!
            let ticket = try body.string("ticket", required: false)
            guard amount != 0 else { throw ConnectsError.invalidField("amount", "must not be 0") }
            let limit = supportLimit(for: caller)
            guard abs(amount) <= limit else {
                throw ConnectsError(.limitExceeded, "amount: this caller may adjust at most \(limit) connects at once")
            }
            let cause = Cause(type: "support", id: ticket ?? caller.keyID)
            let command: LedgerCommand
            if amount > 0 {
                command = .credit(
                    .init(
                        kind: .adjustment, source: .adjustment, amount: amount, cause: cause, actor: caller.actor,
                        reason: reason, ticket: ticket
                    ))
            } else {
                command = .debit(
                    .init(
                        kind: .adjustment, amount: -amount, cause: cause, actor: caller.actor, reason: reason,
                        ticket: ticket
                    ))
            }
            return try await perform(
                .ledger(accountID: accountID, command: command),
                request: request,
                context: context,
                body: bytes,
                requiresKey: true,
                status: 201
            ) { Representation.entry($0.entry!) }
        }

        table.on(.post, "/v1/entries/{id}/reverse") { request, context in
            let caller = try context.requireCaller()
            try caller.require(Caller.staff)
            let (body, bytes) = try await Self.readObject(request)
            let reason = try body.string("reason", maxLength: Limits.reasonLengthMax)!
            return try await perform(
                .reverse(
                    entryID: try context.parameters.require("id"),
                    reason: reason,
                    actor: caller.actor,
                    limit: supportLimit(for: caller)
                ),
                request: request,
                context: context,
                body: bytes,
                requiresKey: true,
                status: 201
            ) { Representation.entry($0.entry!) }
        }
    }

    /// How many connects one support action of `caller` may move: the policy's per-action limit for
    /// support agents, the movement limit for operators.
    func supportLimit(for caller: Caller) -> Int64 {
        caller.role == .support ? policy.supportActionMax : Limits.movementMax
    }

    /// The history filters of a request: `kind`, `since`, `until`, `limit`, `cursor`.
    static func entryQuery(_ request: Request) throws(ConnectsError) -> EntryQuery {
        let parameters = request.uri.queryParameters
        let (limit, cursor) = try pageParameters(request)
        var query = EntryQuery(limit: limit, cursor: cursor)
        if let raw = parameters["kind"] {
            guard let kind = EntryKind(rawValue: String(raw)) else {
                throw ConnectsError.invalidField("kind", "is not an entry kind")
            }
            query.kind = kind
        }
        for field in ["since", "until"] {
            guard let raw = parameters[Substring(field)] else { continue }
            guard let instant = RFC3339.parse(String(raw)) else {
                throw ConnectsError.invalidField(field, "must be an RFC 3339 time")
            }
            if field == "since" { query.since = instant } else { query.until = instant }
        }
        return query
    }

    /// Every matching entry as CSV, streamed page by page so memory stays flat however long the history.
    func csvResponse(accountID: String, query: inout EntryQuery) -> Response {
        var first = query
        first.limit = Limits.exportPageSize
        first.cursor = nil
        let start = first
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"\(accountID).csv\"",
            ],
            body: ResponseBody { [store] writer in
                try await writer.write(ByteBuffer(string: Representation.csvHeader))
                var page = try await store.entries(accountID: accountID, query: start)
                while true {
                    // The next page is read while this one is formatted and sent: the two overlap.
                    var query = start
                    query.cursor = page.nextCursor
                    async let following = query.cursor == nil ? nil : store.entries(accountID: accountID, query: query)
                    var text = ""
                    text.reserveCapacity(page.items.count * 160)
                    for entry in page.items { Representation.appendCSVRow(entry, to: &text) }
                    try await writer.write(ByteBuffer(string: text))
                    guard let next = try await following else { break }
                    page = next
                }
                try await writer.finish(nil)
            }
        )
    }
}
