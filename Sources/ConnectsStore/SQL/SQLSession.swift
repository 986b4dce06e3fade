import ConnectsCore
import Foundation
import Synchronization

/// The two databases a store can run on; statements differ only where their dialects do.
public enum SQLDialect: Sendable {
    case sqlite
    case postgres

    /// SQLite has one writer, whose increasing identifiers are appended to the indexes, which a billing
    /// day (bench figure 4) writes faster than identifiers scattered over them. PostgreSQL's writers run
    /// side by side, and increasing identifiers would send all their rows to each index's last page,
    /// where they wait for one another: there random ones are faster (commits 52413c4 and 395cbd6 have
    /// the measurements).
    var identifierOrder: Identifier.Order { self == .sqlite ? .increasing : .random }
}

/// One open transaction on either database: the only way the store's rules reach SQL.
///
/// The rules (``LedgerStore``) are written once against this protocol, with `?` and `?N`
/// placeholders and SQL both databases understand; each session adapts them to its driver. Calls are
/// synchronous: a rule runs as one transaction script on a thread of its own, between `BEGIN` and `COMMIT`.
public protocol SQLSession {
    var dialect: SQLDialect { get }

    /// Whether loads inside this transaction lock the rows they read (`SELECT ... FOR UPDATE`), which
    /// serializes writers of one account across server nodes. SQLite has one writer and needs none.
    var locksRows: Bool { get }

    /// Runs a statement.
    func execute(_ sql: String, _ arguments: SQLArguments) throws

    /// Runs a write whose result nobody reads, possibly later: always before the session's next other
    /// statement, and before its transaction commits.
    ///
    /// On PostgreSQL, writes queued one after another run together as one statement (all but the last
    /// in a `WITH`), so a proposal's seven writes cost one round trip instead of seven. They must then
    /// not depend on each other: each writes rows none of the others writes (a `WITH`'s statements all
    /// see the same snapshot, and run in no set order). A write whose rows are numbered as they are
    /// inserted (events) is `isSequenced`: no two such writes run together, so the numbers keep the
    /// order of the calls.
    func executeLater(_ sql: String, _ arguments: SQLArguments, isSequenced: Bool) throws

    /// Runs a statement and returns how many rows it changed.
    func countingChanges(_ sql: String, _ arguments: SQLArguments) throws -> Int

    /// Runs a write that returns rows (`RETURNING`) together with the writes waiting to run
    /// (``executeLater(_:_:isSequenced:)``), and returns its rows. It must not depend on them, as they
    /// must not on each other: on PostgreSQL they all travel as one statement, so a request's last
    /// write costs no round trip of its own.
    func fetchAllWithLater(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow]

    /// Runs a query and returns every row.
    func fetchAll(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow]

    /// Runs `body` in a savepoint: if it throws, only its own changes are rolled back.
    func inSavepoint<T>(_ body: () throws -> T) throws -> T

    /// Undoes every change the current write has made so far and leaves the transaction open for what
    /// the write does next: a refusal is recorded without the partial work that came before it.
    ///
    /// Cheaper than wrapping every operation in a savepoint of its own (one statement, and only when
    /// an operation is refused, instead of two on every operation), which is why refusals use it.
    func discardChanges() throws
}

extension SQLSession {
    func execute(_ sql: String) throws { try execute(sql, []) }

    func fetchAll(_ sql: String) throws -> [SQLRow] { try fetchAll(sql, []) }

    /// The first row, or `nil`.
    func fetchOne(_ sql: String, _ arguments: SQLArguments = []) throws -> SQLRow? {
        try fetchAll(sql, arguments).first
    }

    /// The first column of the first row, or `nil` when there is no row or it is NULL.
    func value<Value: SQLValueConvertible>(
        _ type: Value.Type, _ sql: String, _ arguments: SQLArguments = []
    )
        throws -> Value?
    {
        try fetchOne(sql, arguments)?.first(as: Value?.self) ?? nil
    }

    /// The first column of every row.
    func values<Value: SQLValueConvertible>(
        _ type: Value.Type, _ sql: String, _ arguments: SQLArguments = []
    )
        throws -> [Value]
    {
        try fetchAll(sql, arguments).compactMap { $0.first(as: Value.self) }
    }

    /// The rows of `sql` for all of `values`, where `sql` writes the list as `IN ({list})` and may take
    /// `trailing` arguments after it (bare `?`s).
    ///
    /// One statement per ``listLengthMax`` values, instead of one per value. Each list is padded to a
    /// power of two by repeating its last value (a repeat in `IN` changes nothing), so a few statement
    /// texts serve every count: PostgreSQL prepares each text once per connection, and GRDB caches it.
    /// Rows come in chunk order; sort the values to have each chunk read (and lock) them in order.
    func fetchAll(_ sql: String, in values: [String], _ trailing: SQLArguments = []) throws -> [SQLRow] {
        var rows: [SQLRow] = []
        for start in stride(from: 0, to: values.count, by: listLengthMax) {
            var chunk = Array(values[start..<min(start + listLengthMax, values.count)])
            var length = 1
            while length < chunk.count { length *= 2 }
            chunk += repeatElement(chunk[chunk.count - 1], count: length - chunk.count)
            var arguments = SQLArguments(chunk.map(\.sqlValue))
            arguments += trailing
            rows += try fetchAll(ListStatements.text(of: sql, length: length, rows: nil), arguments)
        }
        return rows
    }

    /// The longest `IN` list ``fetchAll(_:in:_:)`` writes.
    var listLengthMax: Int { 256 }

    /// Runs `sql` for many rows with multi-row statements, where `sql` writes its `VALUES` as `{rows}`
    /// and each row as `row` (by default as many `?` as `width`); `afterEach` runs after each statement
    /// with the number of rows it took.
    ///
    /// At most 64 rows a statement, and a power of two (the rest split as 32 + 8 + 1 and so on), so a
    /// few statement texts serve every count, as with ``fetchAll(_:in:_:)``.
    func execute(
        _ sql: String, rows values: [SQLValue], width: Int, row: String? = nil,
        afterEach: (Int) throws -> Void = { _ in }
    ) throws {
        try forEachStatement(sql, rows: values, width: width, row: row) { text, arguments, length in
            try execute(text, arguments)
            try afterEach(length)
        }
    }

    /// ``executeLater(_:_:isSequenced:)`` for a write of rows that are not numbered as inserted.
    func executeLater(_ sql: String, _ arguments: SQLArguments) throws {
        try executeLater(sql, arguments, isSequenced: false)
    }

    /// ``execute(_:rows:width:row:afterEach:)`` as writes nobody reads the result of
    /// (``executeLater(_:_:isSequenced:)``).
    func executeLater(
        _ sql: String, rows values: [SQLValue], width: Int, row: String? = nil, isSequenced: Bool = false
    ) throws {
        try forEachStatement(sql, rows: values, width: width, row: row) { text, arguments, _ in
            try executeLater(text, arguments, isSequenced: isSequenced)
        }
    }

    private func forEachStatement(
        _ sql: String, rows values: [SQLValue], width: Int, row: String?,
        _ body: (String, SQLArguments, Int) throws -> Void
    ) throws {
        precondition(values.count % width == 0, "\(values.count) values do not make rows of \(width)")
        guard !values.isEmpty else { return }
        let rows = ListStatements.Rows(width: width, row: row)
        var start = 0
        while start < values.count {
            var length = 64
            while length * width > values.count - start { length /= 2 }
            let end = start + length * width
            try body(
                ListStatements.text(of: sql, length: length, rows: rows), SQLArguments(Array(values[start..<end])),
                length)
            start = end
        }
    }

    /// `" FOR UPDATE"` when this transaction locks what it loads, else nothing.
    var forUpdate: String { locksRows ? " FOR UPDATE" : "" }

    /// Holds a lock named `name` until the transaction ends, for a decision that reads rows no single row
    /// lock covers (a cap over many accounts). SQLite's single writer needs none.
    func lock(_ name: String) throws {
        guard locksRows else { return }
        try execute("SELECT pg_advisory_xact_lock(hashtext(?))", [name])
    }

    /// `" FOR UPDATE SKIP LOCKED"` when this transaction locks what it loads: a row another transaction
    /// holds is left to it.
    var skipLocked: String { locksRows ? " FOR UPDATE SKIP LOCKED" : "" }
}

/// Statement texts with their `{list}` or `{rows}` written out, by template, length and row: a ledger
/// load runs several per write, and writing a list out costs more than looking it up. Nothing is
/// written out before the lookup misses: building even one row's text for the key was 2% of the
/// writer's time in bench figure 2.
private enum ListStatements {
    struct Key: Hashable {
        let template: String
        let length: Int
        /// `nil` for a `{list}`.
        let rows: Rows?
    }

    /// The rows of a `{rows}`: `width` values each, written as `row`, or by default as `width` bare `?`s.
    struct Rows: Hashable {
        let width: Int
        let row: String?
    }

    static let texts = Mutex<[Key: String]>([:])

    /// `template` with `length` placeholders for `{list}`, or, given `rows`, `length` rows for `{rows}`.
    static func text(of template: String, length: Int, rows: Rows?) -> String {
        let key = Key(template: template, length: length, rows: rows)
        if let text = texts.withLock({ $0[key] }) { return text }
        let text =
            if let rows {
                template.replacingOccurrences(
                    of: "{rows}",
                    with: Array(
                        repeating: rows.row ?? "(" + Array(repeating: "?", count: rows.width).joined(separator: ",")
                            + ")",
                        count: length
                    ).joined(separator: ","))
            } else {
                template.replacingOccurrences(
                    of: "{list}", with: Array(repeating: "?", count: length).joined(separator: ","))
            }
        texts.withLock { texts in
            if texts.count >= 1_000 { texts.removeAll() }
            texts[key] = text
        }
        return text
    }
}
