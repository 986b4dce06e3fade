/// One row of a result, read by column name.
///
/// A column that is missing or holds another type than asked is a programming error (the schema and
/// the statement disagree), and traps with the column's name, as GRDB's rows do.
public struct SQLRow: Sendable {
    /// Column positions by name, shared by all rows of one result.
    let columns: SQLColumns
    let values: [SQLValue]

    init(columns: SQLColumns, values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    /// The raw value of `column`.
    public func value(_ column: String) -> SQLValue {
        guard let index = columns.index(of: column) else {
            preconditionFailure("no column \(column) in the row (\(columns.names.joined(separator: ", ")))")
        }
        return values[index]
    }

    public subscript<Value: SQLValueConvertible>(_ column: String) -> Value {
        let raw = value(column)
        guard let value = Value.decode(raw) else {
            preconditionFailure("column \(column) holds \(raw), not \(Value.self)")
        }
        return value
    }

    /// The value of a column holding one of `T`'s raw values. A value this code does not know means the
    /// database was written by something else: ``StoreError/corrupt(_:)``, naming the row by its `id`.
    public func value<T: RawRepresentable>(_ column: String, as type: T.Type) throws -> T where T.RawValue == String {
        let raw: String = self[column]
        guard let value = T(rawValue: raw) else {
            let id = columns.index(of: "id").flatMap { String.decode(values[$0]) } ?? "?"
            throw StoreError.corrupt("\(T.self) '\(raw)' in column \(column) of row \(id) is unknown")
        }
        return value
    }

    /// The first column's value.
    func first<Value: SQLValueConvertible>(as type: Value.Type) -> Value? {
        guard let raw = values.first else { return nil }
        guard let value = Value.decode(raw) else { preconditionFailure("first column holds \(raw), not \(Value.self)") }
        return value
    }
}

/// The column names of a result, lower-cased as both databases report them.
final class SQLColumns: Sendable {
    let names: [String]

    init(_ names: [String]) {
        self.names = names
    }

    /// The first column named `name`. A scan, not a dictionary: rows have a few dozen columns at most,
    /// and comparing lengths, then the few names of the same length, costs less than hashing (row
    /// decoding is on every write's path).
    func index(of name: String) -> Int? {
        let length = name.utf8.count
        return names.firstIndex { $0.utf8.count == length && $0 == name }
    }
}
