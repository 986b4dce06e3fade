import ConnectsCore
import Foundation

/// RFC 3339 times in UTC (`2026-11-27T19:50:36.123Z`), the only time format of the API.
enum RFC3339 {
    /// Formats `instant` in UTC with millisecond precision.
    static func format(_ instant: Instant) -> String {
        let (date, msOfDay) = BillingCalendar.civil(instant)
        let (year, month, day) = (date.year, date.month, date.day)
        let hour = msOfDay / 3_600_000
        let minute = msOfDay / 60_000 % 60
        let second = msOfDay / 1000 % 60
        let millisecond = msOfDay % 1000
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return
            "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(millisecond, 3))Z"
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
