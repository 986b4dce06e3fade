import ConnectsCore
import Foundation

/// A value bound to, or read from, either database: the few storage classes the schema uses.
///
/// Booleans are stored as integers 0 and 1 in both databases, so that one statement text serves both.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])
}

/// A Swift value that binds to and decodes from an ``SQLValue``.
public protocol SQLValueConvertible {
    var sqlValue: SQLValue { get }
    /// The value, or `nil` when `sqlValue` holds another storage class.
    static func decode(_ sqlValue: SQLValue) -> Self?
}

extension Int64: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(self) }
    public static func decode(_ sqlValue: SQLValue) -> Int64? {
        if case .integer(let value) = sqlValue { return value }
        return nil
    }
}

extension Int: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
    public static func decode(_ sqlValue: SQLValue) -> Int? { Int64.decode(sqlValue).map(Int.init) }
}

extension Bool: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(self ? 1 : 0) }
    public static func decode(_ sqlValue: SQLValue) -> Bool? { Int64.decode(sqlValue).map { $0 != 0 } }
}

extension String: SQLValueConvertible {
    public var sqlValue: SQLValue { .text(self) }
    public static func decode(_ sqlValue: SQLValue) -> String? {
        if case .text(let value) = sqlValue { return value }
        return nil
    }
}

extension Data: SQLValueConvertible {
    public var sqlValue: SQLValue { .blob(Array(self)) }
    public static func decode(_ sqlValue: SQLValue) -> Data? {
        if case .blob(let value) = sqlValue { return Data(value) }
        return nil
    }
}

/// Instants are stored as milliseconds since the epoch, in both databases.
extension Instant: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(millisecondsSinceEpoch) }
    public static func decode(_ sqlValue: SQLValue) -> Instant? {
        Int64.decode(sqlValue).map(Instant.init(millisecondsSinceEpoch:))
    }
}

extension Optional: SQLValueConvertible where Wrapped: SQLValueConvertible {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
    public static func decode(_ sqlValue: SQLValue) -> Wrapped?? {
        if case .null = sqlValue { return .some(nil) }
        return Wrapped.decode(sqlValue).map { .some($0) }
    }
}

/// The values bound to one statement's placeholders, in order (`?` or `?N`).
public struct SQLArguments: Sendable, ExpressibleByArrayLiteral {
    public var values: [SQLValue]

    public init(_ values: [SQLValue] = []) {
        self.values = values
    }

    public init(arrayLiteral elements: (any SQLValueConvertible)?...) {
        values = elements.map { $0?.sqlValue ?? .null }
    }

    public static func += (arguments: inout SQLArguments, more: SQLArguments) {
        arguments.values += more.values
    }
}
