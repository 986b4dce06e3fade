import Foundation
import GRDB
import Synchronization

/// A transaction on SQLite through GRDB; statements are prepared once per connection and cached.
struct GRDBSession: SQLSession {
    let db: Database

    var dialect: SQLDialect { .sqlite }
    var locksRows: Bool { false }

    func execute(_ sql: String, _ arguments: SQLArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: Self.statementArguments(arguments))
    }

    func countingChanges(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        try execute(sql, arguments)
        return db.changesCount
    }

    func fetchAll(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow] {
        let statement = try db.cachedStatement(sql: sql)
        let columns = Self.columns(of: statement, sql: sql)
        let count = columns.names.count
        var rows: [SQLRow] = []
        let cursor = try Row.fetchCursor(statement, arguments: Self.statementArguments(arguments))
        while let row = try cursor.next() {
            var values: [SQLValue] = []
            values.reserveCapacity(count)
            for index in 0..<count {
                switch (row[index] as DatabaseValue).storage {
                case .null: values.append(.null)
                case .int64(let value): values.append(.integer(value))
                case .double(let value): values.append(.integer(Int64(value)))
                case .string(let value): values.append(.text(value))
                case .blob(let value): values.append(.blob(Array(value)))
                }
            }
            rows.append(SQLRow(columns: columns, values: values))
        }
        return rows
    }

    func inSavepoint<T>(_ body: () throws -> T) throws -> T {
        var value: T?
        try db.inSavepoint {
            value = try body()
            return .commit
        }
        return value!
    }

    /// Column positions by statement text, built once per statement (the schema's names are lower case).
    private static let columnsBySQL = Mutex<[String: SQLColumns]>([:])

    private static func columns(of statement: Statement, sql: String) -> SQLColumns {
        if let known = columnsBySQL.withLock({ $0[sql] }) { return known }
        let columns = SQLColumns(statement.columnNames)
        columnsBySQL.withLock { cache in
            if cache.count >= 2_000 { cache.removeAll() }
            cache[sql] = columns
        }
        return columns
    }

    static func statementArguments(_ arguments: SQLArguments) -> StatementArguments {
        StatementArguments(
            arguments.values.map { value -> (any DatabaseValueConvertible)? in
                switch value {
                case .null: return nil
                case .integer(let value): return value
                case .text(let value): return value
                case .blob(let value): return Data(value)
                }
            })
    }
}
