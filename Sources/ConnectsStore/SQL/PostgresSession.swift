import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// A transaction on PostgreSQL through one leased `PostgresConnection`.
///
/// The rules are synchronous transaction scripts shared with SQLite, so this session runs on a thread of
/// the store's own pool (never an event loop) and waits for each statement's future. Placeholders `?`
/// and `?N` become `$N`. Statements with parameters run prepared: PostgreSQL parses and plans each once
/// per connection, not on every run (bench figure 3).
///
/// Sending statements whose answers are not needed without waiting for them (fewer thread hand-offs)
/// was tried and measured no faster: the bound is CPU, not the hand-offs. Running them together as one
/// statement (``executeLater(_:_:isSequenced:)``) saves the statements themselves, on both sides.
final class PostgresSession: SQLSession {
    let connection: PostgresConnection
    let logger: Logger
    let locksRows: Bool
    let statements: PreparedStatements
    private var savepointDepth = 0
    /// Writes waiting to run together (``executeLater(_:_:isSequenced:)``), how many values they bind,
    /// and whether one of them is sequenced.
    private var later: [(sql: String, arguments: SQLArguments)] = []
    private var laterValues = 0
    private var isLaterSequenced = false

    /// The most writes, and values, that run together: a proposal's writes fit; a billing day's batch
    /// of hundreds of rows a statement gains nothing from sharing one, and would make statement texts
    /// too many to prepare.
    static let laterCountMax = 12
    static let laterValuesMax = 600

    init(connection: PostgresConnection, logger: Logger, locksRows: Bool, statements: PreparedStatements) {
        self.connection = connection
        self.logger = logger
        self.locksRows = locksRows
        self.statements = statements
    }

    var dialect: SQLDialect { .postgres }

    func execute(_ sql: String, _ arguments: SQLArguments) throws {
        _ = try fetchAll(sql, arguments)
    }

    func executeLater(_ sql: String, _ arguments: SQLArguments, isSequenced: Bool) throws {
        try joinLater(sql, arguments, isSequenced: isSequenced)
    }

    func fetchAllWithLater(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow] {
        try joinLater(sql, arguments, isSequenced: false)
        return try runLater()
    }

    /// Adds a write to those waiting to run, first running them if it would not fit among them.
    private func joinLater(_ sql: String, _ arguments: SQLArguments, isSequenced: Bool) throws {
        // Run together, the writes' placeholders are numbered in one sequence: only bare `?`s add up.
        assert(!sql.contains(/\?[0-9]/), "a write run later has numbered placeholders: \(sql)")
        if later.count == Self.laterCountMax || laterValues + arguments.values.count > Self.laterValuesMax
            || (isSequenced && isLaterSequenced)
        {
            try runLater()
        }
        later.append((sql, arguments))
        laterValues += arguments.values.count
        isLaterSequenced = isLaterSequenced || isSequenced
    }

    func countingChanges(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        try runLater()
        return try connection.answer(to: connection.query(query(sql, arguments), logger: logger)).metadata.rows ?? 0
    }

    func fetchAll(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow] {
        try runLater()
        return try run(sql, arguments)
    }

    /// Runs the writes waiting to run: one alone, several as one statement, all but the last in a
    /// `WITH` (PostgreSQL runs each of those to completion, whether or not anything reads it). Returns
    /// the last one's rows.
    @discardableResult
    func runLater() throws -> [SQLRow] {
        guard !later.isEmpty else { return [] }
        let writes = later
        discardLater()
        guard writes.count > 1 else { return try run(writes[0].sql, writes[0].arguments) }
        let parts = writes.dropLast().enumerated().map { "w\($0.offset) AS (\($0.element.sql))" }
        return try run(
            "WITH " + parts.joined(separator: ", ") + " " + writes[writes.count - 1].sql,
            SQLArguments(writes.flatMap(\.arguments.values)))
    }

    /// Forgets the writes waiting to run: what they would have written is being rolled back.
    func discardLater() {
        later = []
        laterValues = 0
        isLaterSequenced = false
    }

    private func run(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow] {
        if !arguments.values.isEmpty,
            let prepared = try statements.known(sql, on: connection) ?? statements.prepare(sql, on: connection)
        {
            return try rows(of: try connection.answer(to: prepared.execute(Self.binds(arguments))))
        }
        return try rows(of: try connection.answer(to: connection.query(query(sql, arguments), logger: logger)).rows)
    }

    /// The arguments as a prepared statement's values, each a slice of one buffer they are all written
    /// to. `PostgresData`'s own initializers allocate a buffer per value (about 40 an account in a
    /// billing day's batch), and freeing them kept `malloc` consolidating its free lists, a large share of
    /// the process's CPU on a billing day (bench figure 4 on PostgreSQL; commit 8be7d05 has the profile).
    private static func binds(_ arguments: SQLArguments) -> [PostgresData] {
        let values = arguments.values
        var buffer = ByteBufferAllocator().buffer(capacity: values.reduce(0) { $0 + $1.bindLength })
        var written: [(type: PostgresDataType, start: Int, length: Int)?] = []
        written.reserveCapacity(values.count)
        for value in values {
            let start = buffer.writerIndex
            let type: PostgresDataType
            switch value {
            case .null:
                written.append(nil)
                continue
            case .integer(let value):
                buffer.writeInteger(value)
                type = .int8
            case .text(let value):
                buffer.writeString(value)
                type = .text
            case .blob(let value):
                buffer.writeBytes(value)
                type = .bytea
            }
            written.append((type, start, buffer.writerIndex - start))
        }
        // Sliced once everything is written: a slice shares the buffer, which a later write would copy.
        return written.map { value in
            guard let value else { return .null }
            return PostgresData(type: value.type, value: buffer.getSlice(at: value.start, length: value.length))
        }
    }

    private func rows(of result: [PostgresRow]) throws -> [SQLRow] {
        var columns: SQLColumns?
        return try result.map { row in
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
            try runLater()
            try execute("RELEASE SAVEPOINT \(name)")
            return value
        } catch {
            discardLater()
            try execute("ROLLBACK TO SAVEPOINT \(name)")
            try execute("RELEASE SAVEPOINT \(name)")
            throw error
        }
    }

    /// Each write is a transaction of its own, so starting a new one discards the write's changes.
    func discardChanges() throws {
        precondition(savepointDepth == 0, "changes are discarded only outside savepoints")
        discardLater()
        try execute("ROLLBACK")
        try execute("BEGIN")
    }

    private func query(_ sql: String, _ arguments: SQLArguments) -> PostgresQuery {
        var binds = PostgresBindings(capacity: arguments.values.count)
        for value in arguments.values {
            switch value {
            case .null: binds.appendNull()
            case .integer(let value): binds.append(value)
            case .text(let value): binds.append(value)
            case .blob(let value): binds.append(ByteBuffer(bytes: value))
            }
        }
        return PostgresQuery(unsafeSQL: Self.numberingPlaceholders(sql), binds: binds)
    }

    static func value(of cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        // Prepared statements' cells claim the text format of their description but hold binary values.
        if cell.format == .text, var bytes = cell.bytes {
            switch cell.dataType {
            case .int8: return .integer(bytes.readInteger(as: Int64.self) ?? 0)
            case .int4: return .integer(Int64(bytes.readInteger(as: Int32.self) ?? 0))
            case .int2: return .integer(Int64(bytes.readInteger(as: Int16.self) ?? 0))
            case .bool: return .integer(Int64(bytes.readInteger(as: UInt8.self) ?? 0))
            case .bytea: return .blob(Array(bytes.readableBytesView))
            case .numeric: throw StoreError.corrupt("a numeric column; cast it to BIGINT")
            default: return .text(String(buffer: bytes))
            }
        }
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

    /// Statement texts with `$N` placeholders, by their `?` text; statements are few and constant (`IN`
    /// lists come in a few lengths, ``SQLSession/fetchAll(_:in:_:)``), so the cache is small, and bounded.
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

/// Each connection's prepared statements, by statement text; statements are few and constant, so this
/// stays small, and it is bounded (past the bound a statement runs unprepared).
final class PreparedStatements: Sendable {
    static let perConnectionMax = 500
    static let connectionsMax = 256
    private let byConnection = Mutex<[PostgresConnection.ID: [String: PreparedQuery]]>([:])

    /// The statement already prepared on `connection`, if any.
    func known(_ sql: String, on connection: PostgresConnection) -> PreparedQuery? {
        byConnection.withLock { $0[connection.id]?[sql] }
    }

    /// Prepares the statement on `connection`; `nil` past the bounds (it then runs unprepared).
    func prepare(_ sql: String, on connection: PostgresConnection) throws -> PreparedQuery? {
        let id = connection.id
        let isFull = byConnection.withLock { ($0[id]?.count ?? 0) >= Self.perConnectionMax }
        if isFull { return nil }
        let statement = try connection.answer(to: connection.prepare(query: PostgresSession.numberingPlaceholders(sql)))
        byConnection.withLock { cache in
            if cache[id] == nil, cache.count >= Self.connectionsMax { cache.removeAll() }
            cache[id, default: [:]][sql] = statement
        }
        return statement
    }
}

extension SQLValue {
    /// The bytes a value takes as a prepared statement's argument (``PostgresSession/binds(_:)``).
    fileprivate var bindLength: Int {
        switch self {
        case .null: 0
        case .integer: 8
        case .text(let text): text.utf8.count
        case .blob(let bytes): bytes.count
        }
    }
}

extension PostgresConnection {
    /// Waits for `future`, the answer to a statement just sent on this connection, or fails if the
    /// connection had closed by the time the statement was written.
    ///
    /// postgres-nio hands a statement to its channel without a promise for the write itself: a
    /// statement written after the connection closed is never answered, and a plain `wait()` never
    /// returns. Found by the crash campaign: after the database server was killed, transactions waited
    /// for good on threads of the store's pool (`gdb`: `PostgresSession.run` in `EventLoopFuture.wait`),
    /// and their idempotency keys answered `request_in_progress` until the node was restarted.
    ///
    /// The check runs on the connection's event loop after the write (a loop runs its tasks in order):
    /// a write made while the connection was open is failed by postgres-nio itself if it closes later.
    func answer<Value: Sendable>(to future: EventLoopFuture<Value>) throws -> Value {
        let answer = future.eventLoop.makePromise(of: Value.self)
        future.whenComplete { answer.completeWith($0) }
        future.eventLoop.execute {
            // Completing a promise a second time does nothing: an answer that came first stands.
            if self.isClosed { answer.fail(StoreError.unavailable("the database connection closed")) }
        }
        return try answer.futureResult.wait()
    }
}
