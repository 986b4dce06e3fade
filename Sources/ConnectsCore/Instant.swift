/// A point in time, in whole milliseconds since 1970-01-01T00:00:00Z (UTC).
///
/// The core never reads a clock: every decision receives `now` as an `Instant`, so that tests and the
/// test clock can move time freely. Milliseconds in an `Int64` compare exactly, unlike `Double` dates.
public struct Instant: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Milliseconds since the Unix epoch.
    public var millisecondsSinceEpoch: Int64

    /// Creates an instant from milliseconds since the Unix epoch.
    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    public static let millisecondsPerDay: Int64 = 86_400_000
    public static let millisecondsPerHour: Int64 = 3_600_000

    /// The instant `days` whole days after this one.
    public func adding(days: Int64) -> Instant {
        Instant(millisecondsSinceEpoch: millisecondsSinceEpoch + days * Self.millisecondsPerDay)
    }

    /// The instant `milliseconds` after this one.
    public func adding(hours: Int64) -> Instant {
        adding(milliseconds: hours * Self.millisecondsPerHour)
    }

    public func adding(milliseconds: Int64) -> Instant {
        Instant(millisecondsSinceEpoch: millisecondsSinceEpoch + milliseconds)
    }

    public static func < (lhs: Instant, rhs: Instant) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    public var description: String { "Instant(\(millisecondsSinceEpoch))" }

    public init(from decoder: any Decoder) throws {
        millisecondsSinceEpoch = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(millisecondsSinceEpoch)
    }
}
