import ConnectsCore
import ConnectsStore
import HTTPTypes
import Hummingbird

extension ConnectsApp {
    /// The history (JSON pages or CSV), single entries, support adjustments and reversals.
    func addLedgerRoutes(to table: inout RouteTable) {
        table.on(.get, "/v1/accounts/{id}/entries", .readAccount) { request, context in
            let accountID = try context.parameters.require("id")
            let query = try Self.entryQuery(request)
            if Self.prefersCSV(accept: request.headers[.accept]) {
                _ = try await service.account(accountID, by: context.requireCaller())
                return csvResponse(accountID: accountID, query: query)
            }
            let page = try await service.entries(of: accountID, matching: query, by: context.requireCaller())
            return Self.json(Representation.page(page, Representation.entry))
        }

        table.on(.get, "/v1/entries/{id}", .readEntry) { _, context in
            let entry = try await service.entry(try context.parameters.require("id"), by: context.requireCaller())
            return Self.json(Representation.entry(entry))
        }

        table.on(.post, "/v1/accounts/{id}/adjustments", .adjustBalance) { request, context in
            let (body, bytes) = try await Self.readObject(request)
            let amount = try body.int("amount")!
            let reason = try body.string("reason", maxLength: Limits.reasonLengthMax)!
            let ticket = try body.string("ticket", required: false)
            let write = try Self.write(request, context, body: bytes, status: 201) { Representation.entry($0.entry!) }
            return Self.respond(
                try await service.adjust(
                    try context.parameters.require("id"), by: amount, reason: reason, ticket: ticket, write))
        }

        table.on(.post, "/v1/entries/{id}/reverse", .reverseEntry) { request, context in
            let (body, bytes) = try await Self.readObject(request)
            let reason = try body.string("reason", maxLength: Limits.reasonLengthMax)!
            let ticket = try body.string("ticket", required: false)
            let write = try Self.write(request, context, body: bytes, status: 201) { Representation.entry($0.entry!) }
            return Self.respond(
                try await service.reverse(try context.parameters.require("id"), reason: reason, ticket: ticket, write))
        }
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

    /// Every matching entry as CSV, streamed so that memory stays flat however long the history.
    ///
    /// The account's sequence numbers are cut into ranges of one export page, newest first. A few ranges
    /// are read at once, each in a read of its own, and written in order as they arrive, so that reading
    /// (most of the work) runs on several cores. Entries written after the export starts are left out:
    /// the ranges end at the newest entry there was then.
    func csvResponse(accountID: String, query: EntryQuery) -> Response {
        var filters = query
        filters.limit = Limits.exportPageSize
        filters.cursor = nil
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"\(accountID).csv\"",
            ],
            body: ResponseBody { [store, filters] writer in
                try await writer.write(ByteBuffer(string: Representation.csvHeader))
                let newest =
                    try await store.entries(accountID: accountID, query: EntryQuery(limit: 1)).items.first?.sequence
                    ?? 0
                let pageSize = Int64(Limits.exportPageSize)
                let rangeCount = Int((newest + pageSize - 1) / pageSize)
                try await withThrowingTaskGroup(of: (Int, [Entry]).self) { group in
                    var started = 0
                    func readNextRange() {
                        guard started < rangeCount else { return }
                        var page = filters
                        let upper = newest - Int64(started) * pageSize
                        page.sequences = max(1, upper - pageSize + 1)...upper
                        group.addTask { [started] in
                            (started, try await store.entries(accountID: accountID, query: page).items)
                        }
                        started += 1
                    }
                    for _ in 0..<Limits.exportReadsAtOnce { readNextRange() }
                    var arrived: [Int: [Entry]] = [:]
                    var written = 0
                    while let (index, entries) = try await group.next() {
                        arrived[index] = entries
                        while let entries = arrived.removeValue(forKey: written) {
                            readNextRange()
                            var text = ""
                            text.reserveCapacity(entries.count * 160)
                            for entry in entries { Representation.appendCSVRow(entry, to: &text) }
                            try await writer.write(ByteBuffer(string: text))
                            written += 1
                        }
                    }
                }
                try await writer.finish(nil)
            }
        )
    }

    /// Whether an `Accept` header asks for the history as CSV rather than JSON: only when `text/csv` is
    /// preferred by its quality. A generated client lists every type the document names at equal
    /// quality (`application/json, text/csv, ...`); that means JSON, the default.
    static func prefersCSV(accept: String?) -> Bool {
        guard let accept else { return false }
        var csv = 0.0
        var json = 0.0
        for range in accept.split(separator: ",").prefix(32) {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let type = parts.first else { continue }
            let quality =
                parts.dropFirst().lazy.compactMap { parameter in
                    parameter.hasPrefix("q=") ? Double(parameter.dropFirst(2)) : nil
                }.first ?? 1
            switch type {
            case "text/csv", "text/*": csv = max(csv, quality)
            case "application/json", "application/*": json = max(json, quality)
            case "*/*":
                csv = max(csv, quality)
                json = max(json, quality)
            default: break
            }
        }
        return csv > json
    }
}
