import ConnectsCore
import Foundation

/// RFC 3339 times in UTC (`2026-11-27T19:50:36.123Z`), the only time format of the API.
enum RFC3339 {
    /// Formats `instant` in UTC with millisecond precision.
    static func format(_ instant: Instant) -> String {
        let (date, msOfDay) = BillingCalendar.civil(instant)
        var bytes = Array("0000-00-00T00:00:00.000Z".utf8)
        /// Writes `value`'s last `width` decimal digits ending before `end`.
        func put(_ value: Int64, width: Int, endingAt end: Int) {
            var rest = value
            for index in stride(from: end - 1, through: end - width, by: -1) {
                bytes[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
        }
        guard (0...9999).contains(date.year) else { return formatFarYear(date.year, date.month, date.day, msOfDay) }
        put(date.year, width: 4, endingAt: 4)
        put(date.month, width: 2, endingAt: 7)
        put(date.day, width: 2, endingAt: 10)
        put(msOfDay / 3_600_000, width: 2, endingAt: 13)
        put(msOfDay / 60_000 % 60, width: 2, endingAt: 16)
        put(msOfDay / 1000 % 60, width: 2, endingAt: 19)
        put(msOfDay % 1000, width: 3, endingAt: 23)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A year beyond four digits (only a test clock reaches one), zero-padded field by field.
    private static func formatFarYear(_ year: Int64, _ month: Int64, _ day: Int64, _ msOfDay: Int64) -> String {
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let time =
            "\(pad(msOfDay / 3_600_000, 2)):\(pad(msOfDay / 60_000 % 60, 2)):\(pad(msOfDay / 1000 % 60, 2)).\(pad(msOfDay % 1000, 3))"
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(time)Z"
    }

    /// Parses an RFC 3339 time with an offset (`Z` or `+hh:mm`), with or without fractional seconds.
    static func parse(_ text: String) -> Instant? {
        guard text.count <= 40 else { return nil }
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        guard let date = withFraction.date(from: text) ?? plain.date(from: text) else { return nil }
        return Instant(millisecondsSinceEpoch: Int64((date.timeIntervalSince1970 * 1000).rounded()))
    }
}
