import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// A transaction on PostgreSQL through one leased `PostgresConnection`.
///
/// The rules are synchronous transaction scripts shared with SQLite, so this session runs on a thread of
/// the store's own pool (never an event loop) and waits for each statement's future. Placeholders `?`
/// and `?N` become `$N`.
final class PostgresSession: SQLSession {
    let connection: PostgresConnection
    let logger: Logger
    let locksRows: Bool
    private var savepointDepth = 0

    init(connection: PostgresConnection, logger: Logger, locksRows: Bool) {
        self.connection = connection
        self.logger = logger
        self.locksRows = locksRows
    }

    var dialect: SQLDialect { .postgres }

    func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        try run(sql, arguments).metadata.rows ?? 0
    }

    func fetchAll(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow] {
        let result = try run(sql, arguments)
        var columns: SQLColumns?
        return try result.rows.map { row in
            let cells = Array(row)
            let names = columns ?? SQLColumns(cells.map(\.columnName))
            columns = names
            return SQLRow(columns: names, values: try cells.map(Self.value(of:)))
        }
    }

    func inSavepoint<T>(_ body: () throws -> T) throws -> T {
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        let name = "s\(savepointDepth)"
        try execute("SAVEPOINT \(name)")
        do {
            let value = try body()
            try execute("RELEASE SAVEPOINT \(name)")
            return value
        } catch {
            try execute("ROLLBACK TO SAVEPOINT \(name)")
            try execute("RELEASE SAVEPOINT \(name)")
            throw error
        }
    }

    private func run(_ sql: String, _ arguments: SQLArguments) throws -> PostgresQueryResult {
        var binds = PostgresBindings(capacity: arguments.values.count)
        for value in arguments.values {
            switch value {
            case .null: binds.appendNull()
            case .integer(let value): binds.append(value)
            case .text(let value): binds.append(value)
            case .blob(let value): binds.append(ByteBuffer(bytes: value))
            }
        }
        let query = PostgresQuery(unsafeSQL: Self.numberingPlaceholders(sql), binds: binds)
        return try connection.query(query, logger: logger).wait()
    }

    static func value(of cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .bytea: return .blob(try cell.decode(ByteBuffer.self).readableBytesView.map { $0 })
        case .numeric:
            // Only SUM() yields numeric; the schema's amounts are far inside Int64.
            let text = try cell.decode(String.self)
            guard let value = Int64(text) else { throw StoreError.corrupt("numeric \(text) is not an integer") }
            return .integer(value)
        default: return .text(try cell.decode(String.self))
        }
    }

    /// Statement texts with `$N` placeholders, by their `?` text; statements are few and constant
    /// except for the lengths of `IN (...)` lists, so the cache is small, and bounded.
    private static let translated = Mutex<[String: String]>([:])

    /// Rewrites `?` and `?N` outside quotes to `$N`, numbering a bare `?` one past the highest number
    /// so far, as SQLite does.
    static func numberingPlaceholders(_ sql: String) -> String {
        if let cached = translated.withLock({ $0[sql] }) { return cached }
        var output = ""
        output.reserveCapacity(sql.utf8.count + 16)
        var highest = 0
        var inQuote = false
        var characters = sql.makeIterator()
        var pending: Character? = characters.next()
        while let character = pending {
            pending = characters.next()
            if character == "'" { inQuote.toggle() }
            guard character == "?", !inQuote else {
                output.append(character)
                continue
            }
            var digits = ""
            while let next = pending, next.isASCII, next.isNumber {
                digits.append(next)
                pending = characters.next()
            }
            let number = Int(digits) ?? (highest + 1)
            highest = max(highest, number)
            output += "$\(number)"
        }
        translated.withLock { cache in
            if cache.count >= 2_000 { cache.removeAll() }
            cache[sql] = output
        }
        return output
    }
}
