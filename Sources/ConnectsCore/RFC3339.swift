import Foundation

/// RFC 3339 times in UTC (`2026-11-27T19:50:36.123Z`), the only time format of the API.
public enum RFC3339 {
    /// Formats `instant` in UTC with millisecond precision, digit by digit (this runs for every entry
    /// of a CSV export). The year is zero-padded to four digits and may have more.
    public static func format(_ instant: Instant) -> String {
        let (date, msOfDay) = BillingCalendar.civil(instant)
        var rest = Array("-00-00T00:00:00.000Z".utf8)
        /// Writes `value`'s last `width` decimal digits ending before `end`.
        func put(_ value: Int64, width: Int, endingAt end: Int) {
            var value = value
            for index in stride(from: end - 1, through: end - width, by: -1) {
                rest[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(date.month, width: 2, endingAt: 3)
        put(date.day, width: 2, endingAt: 6)
        put(msOfDay / 3_600_000, width: 2, endingAt: 9)
        put(msOfDay / 60_000 % 60, width: 2, endingAt: 12)
        put(msOfDay / 1000 % 60, width: 2, endingAt: 15)
        put(msOfDay % 1000, width: 3, endingAt: 19)
        let year = String(date.year)
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + String(decoding: rest, as: UTF8.self)
    }

    /// Parses an RFC 3339 time with an offset (`Z` or `+hh:mm`), with or without fractional seconds.
    public static func parse(_ text: String) -> Instant? {
        guard text.count <= 40 else { return nil }
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        guard let date = withFraction.date(from: text) ?? plain.date(from: text) else { return nil }
        return Instant(millisecondsSinceEpoch: Int64((date.timeIntervalSince1970 * 1000).rounded()))
    }
}
