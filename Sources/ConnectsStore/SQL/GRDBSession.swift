import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// A transaction on SQLite through GRDB; statements are prepared once per connection and cached.
struct GRDBSession: SQLSession {
    let db: Database
    /// What undoes this session's write (``GroupCommitter``).
    var writeScope: WriteScope = .savepoint

    enum WriteScope: Sendable, Equatable {
        /// Nothing: a write that must be undone after it changed rows fails its whole batch, which
        /// runs again with savepoints. `changesBefore` is the connection's change count when the
        /// write began.
        case unguarded(changesBefore: Int)
        /// A savepoint of its own.
        case savepoint
    }

    /// Whether this (unguarded) write has changed rows, or SQLite has rolled its transaction back.
    var hasChanged: Bool {
        guard case .unguarded(let changesBefore) = writeScope else { return true }
        return !db.isInsideTransaction || db.totalChangesCount != changesBefore
    }

    var dialect: SQLDialect { .sqlite }
    var locksRows: Bool { false }

    func execute(_ sql: String, _ arguments: SQLArguments) throws {
        try run(sql, arguments) { _ in }
    }

    /// SQLite runs a statement in the process, with no round trip to save: now.
    func executeLater(_ sql: String, _ arguments: SQLArguments, isSequenced: Bool) throws {
        try execute(sql, arguments)
    }

    func fetchAllWithLater(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow] {
        try fetchAll(sql, arguments)
    }

    func countingChanges(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        try execute(sql, arguments)
        return db.changesCount
    }

    func fetchAll(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow] {
        var rows: [SQLRow] = []
        var columns: SQLColumns?
        try run(sql, arguments) { handle in
            let known = columns ?? Self.columns(of: handle, sql: sql)
            columns = known
            var values: [SQLValue] = []
            values.reserveCapacity(known.names.count)
            for index in 0..<CInt(known.names.count) {
                switch sqlite3_column_type(handle, index) {
                case SQLITE_NULL: values.append(.null)
                case SQLITE_INTEGER: values.append(.integer(sqlite3_column_int64(handle, index)))
                case SQLITE_FLOAT: values.append(.integer(Int64(sqlite3_column_double(handle, index))))
                case SQLITE_TEXT:
                    let count = Int(sqlite3_column_bytes(handle, index))
                    let text = UnsafeBufferPointer(start: sqlite3_column_text(handle, index), count: count)
                    values.append(.text(String(decoding: text, as: UTF8.self)))
                default:
                    let count = Int(sqlite3_column_bytes(handle, index))
                    let bytes = UnsafeRawBufferPointer(start: sqlite3_column_blob(handle, index), count: count)
                    values.append(.blob(Array(bytes)))
                }
            }
            rows.append(SQLRow(columns: known, values: values))
        }
        return rows
    }

    /// Runs one statement (prepared once per connection by GRDB's cache) straight on the SQLite C
    /// API, calling `onRow` for each row.
    ///
    /// GRDB's general row and argument machinery (existential values, `Row` objects, argument
    /// validation) cost more than SQLite itself on the ledger's short statements; our statements
    /// never begin or end transactions and nothing observes them, so GRDB's bookkeeping around a
    /// step has nothing to do here.
    private func run(_ sql: String, _ arguments: SQLArguments, onRow: (OpaquePointer) throws -> Void) throws {
        // An error that made SQLite roll back the whole transaction (a full disk, an I/O error) must
        // not let later statements run outside it, one by one in autocommit: refuse them. GRDB's own
        // statements check the same.
        guard let connection = db.sqliteConnection, sqlite3_get_autocommit(connection) == 0 else {
            throw DatabaseError(
                resultCode: .SQLITE_ABORT, message: "the transaction was rolled back by an earlier error", sql: sql)
        }
        let handle = try db.cachedStatement(sql: sql).sqliteStatement
        sqlite3_reset(handle)
        defer { sqlite3_reset(handle) }
        precondition(
            Int(sqlite3_bind_parameter_count(handle)) == arguments.values.count,
            "\(arguments.values.count) arguments for \(sqlite3_bind_parameter_count(handle)) parameters: \(sql)")
        for (offset, value) in arguments.values.enumerated() {
            let index = CInt(offset + 1)
            let code: CInt
            switch value {
            case .null: code = sqlite3_bind_null(handle, index)
            case .integer(let value): code = sqlite3_bind_int64(handle, index, value)
            case .text(var value):
                // Bound by length, so that a string holding U+0000 is stored whole, not cut at it.
                // (A `nil` pointer would bind NULL, so an empty text points at an empty literal.)
                code = value.withUTF8 { text in
                    let start = UnsafeRawPointer(text.baseAddress ?? ("" as StaticString).utf8Start)
                    return sqlite3_bind_text(
                        handle, index, start.assumingMemoryBound(to: CChar.self), CInt(text.count), Self.transient)
                }
            case .blob(let value):
                code = value.withUnsafeBytes { bytes in
                    guard let base = bytes.baseAddress else { return sqlite3_bind_zeroblob(handle, index, 0) }
                    return sqlite3_bind_blob(handle, index, base, CInt(bytes.count), Self.transient)
                }
            }
            guard code == SQLITE_OK else { throw error(code, sql: sql) }
        }
        while true {
            switch sqlite3_step(handle) {
            case SQLITE_ROW: try onRow(handle)
            case SQLITE_DONE: return
            case let code: throw error(code, sql: sql)
            }
        }
    }

    private func error(_ code: CInt, sql: String) -> DatabaseError {
        let message = db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
    }

    /// Tells SQLite to copy a bound text or blob (Swift's buffers do not outlive the call).
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    /// Runs `body` in a savepoint, rolled back alone if `body` throws. The savepoint statements are
    /// cached like any other (GRDB's own savepoints parse their SQL every time); SQLite nests savepoints
    /// of one name, releasing or rolling back the innermost.
    func inSavepoint<T>(_ body: () throws -> T) throws -> T {
        try inSavepoint(.nested, body)
    }

    /// Runs `body` as one write of a shared transaction (``GroupCommitter``), in its ``writeScope``.
    func inWrite<T>(_ body: () throws -> T) throws -> T {
        switch writeScope {
        case .savepoint: try inSavepoint(.write, body)
        case .unguarded: try body()
        }
    }

    /// Rolls back to the start of the current write (``inWrite(_:)``). An unguarded write that has
    /// changed rows cannot be: this throws, and its batch runs again with the write in a savepoint.
    /// Outside a write SQLite refuses, with "no such savepoint".
    func discardChanges() throws {
        switch writeScope {
        case .savepoint: try execute(Savepoint.write.rollback, [])
        case .unguarded: if hasChanged { throw UndoNeeded() }
        }
    }

    /// Thrown by an unguarded write that must be undone.
    struct UndoNeeded: Error {}

    private func inSavepoint<T>(_ savepoint: Savepoint, _ body: () throws -> T) throws -> T {
        try execute(savepoint.begin, [])
        do {
            let value = try body()
            try execute(savepoint.release, [])
            return value
        } catch {
            try execute(savepoint.rollback, [])
            try execute(savepoint.release, [])
            throw error
        }
    }

    /// A savepoint's three statements, constant so that each is prepared once.
    private struct Savepoint {
        let begin: String
        let release: String
        let rollback: String

        static let nested = Savepoint(
            begin: "SAVEPOINT connects", release: "RELEASE SAVEPOINT connects",
            rollback: "ROLLBACK TO SAVEPOINT connects")
        static let write = Savepoint(
            begin: "SAVEPOINT connects_write", release: "RELEASE SAVEPOINT connects_write",
            rollback: "ROLLBACK TO SAVEPOINT connects_write")
    }

    /// Column positions by statement text, built once per statement (the schema's names are lower case).
    private static let columnsBySQL = Mutex<[String: SQLColumns]>([:])

    private static func columns(of handle: OpaquePointer, sql: String) -> SQLColumns {
        if let known = columnsBySQL.withLock({ $0[sql] }) { return known }
        let names = (0..<sqlite3_column_count(handle)).map { String(cString: sqlite3_column_name(handle, $0)) }
        let columns = SQLColumns(names)
        columnsBySQL.withLock { cache in
            if cache.count >= 2_000 { cache.removeAll() }
            cache[sql] = columns
        }
        return columns
    }
}
