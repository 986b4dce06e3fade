/// Billing cycles: a cycle starts on the account's billing day of each month, at the time of day the
/// account signed up (or last upgraded); in a month without that day, on the month's last day.
public enum BillingCalendar {
    /// A calendar date in the proleptic Gregorian calendar, UTC.
    public struct CivilDate: Hashable, Sendable {
        public var year: Int64
        public var month: Int64
        public var day: Int64
    }

    /// The date of `instant` in UTC, and the milliseconds since that day's midnight.
    public static func civil(_ instant: Instant) -> (CivilDate, Int64) {
        let days = floorDivide(instant.millisecondsSinceEpoch, Instant.millisecondsPerDay)
        let milliseconds = instant.millisecondsSinceEpoch - days * Instant.millisecondsPerDay
        return (civil(fromDays: days), milliseconds)
    }

    /// The instant of `date` at `millisecondsOfDay` after midnight UTC.
    public static func instant(_ date: CivilDate, millisecondsOfDay: Int64) -> Instant {
        Instant(millisecondsSinceEpoch: days(from: date) * Instant.millisecondsPerDay + millisecondsOfDay)
    }

    /// The start of the cycle after the one that started at `start`, for an account billed on `billingDay`.
    public static func nextCycleStart(after start: Instant, billingDay: Int64) -> Instant {
        precondition((1...31).contains(billingDay), "a billing day is 1...31")
        let (date, time) = civil(start)
        var year = date.year
        var month = date.month + 1
        if month == 13 {
            month = 1
            year += 1
        }
        let day = min(billingDay, daysIn(year: year, month: month))
        return instant(CivilDate(year: year, month: month, day: day), millisecondsOfDay: time)
    }

    /// The number of days in `month` of `year`.
    public static func daysIn(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2:
            let isLeap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return isLeap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Year, month, day of the day `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    public static func civil(fromDays days: Int64) -> CivilDate {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return CivilDate(year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }

    /// Days from 1970-01-01 to `date` (Howard Hinnant's `days_from_civil`).
    public static func days(from date: CivilDate) -> Int64 {
        let year = date.month <= 2 ? date.year - 1 : date.year
        let era = floorDivide(year, 400)
        let yearOfEra = year - era * 400
        let monthIndex = date.month > 2 ? date.month - 3 : date.month + 9
        let dayOfYear = (153 * monthIndex + 2) / 5 + date.day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
