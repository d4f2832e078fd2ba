/// Turns a contract timestamp (RFC 3339, or a plain date; already validated by the
/// contract parser) into text PostgreSQL's `timestamptz` input reads as the same instant.
///
/// Most values pass through unchanged: PostgreSQL reads RFC 3339 itself, offset included.
/// Three cases need help, and are rewritten as the same instant in UTC:
/// - a plain date names no instant: Anju reads it as midnight UTC, so the stored value does
///   not depend on the server's or the session's time zone;
/// - PostgreSQL refuses offsets beyond ±15:59, which RFC 3339 allows up to ±23:59;
/// - PostgreSQL reads a leap second `:60` as the next minute's first second, but refuses
///   one with a fraction (`23:59:60.5`): it becomes `00:00:00.5` of the next minute alike.
enum ImportTimestamp {
    /// True when PostgreSQL reads `utf8` (a valid contract timestamp) as the intended
    /// instant without help.
    static func readsAsIs(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard utf8.count > 10 else { return false }  // a plain date
        if utf8[17] == UInt8(ascii: "6"), utf8[19] == UInt8(ascii: ".") { return false }  // :60.x
        guard utf8.count >= 25, utf8[utf8.count - 3] == UInt8(ascii: ":") else { return true }  // Z or z
        let hours = Int(utf8[utf8.count - 5] - UInt8(ascii: "0")) * 10 + Int(utf8[utf8.count - 4] - UInt8(ascii: "0"))
        return hours <= 15
    }

    static func postgresText(_ value: String) -> String {
        var value = value
        if value.withUTF8(readsAsIs) { return value }
        let u = Array(value.utf8)
        if u.count == 10 { return value + "T00:00:00Z" }
        // Everything after the seconds: an optional fraction, then Z or ±HH:MM.
        let zoneStart = u.lastIndex { $0 == UInt8(ascii: "Z") || $0 == UInt8(ascii: "z") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }!
        var offsetMinutes = 0
        if u[zoneStart] == UInt8(ascii: "+") || u[zoneStart] == UInt8(ascii: "-") {
            offsetMinutes = (number(u, zoneStart + 1, 2) * 60 + number(u, zoneStart + 4, 2)) * (u[zoneStart] == UInt8(ascii: "+") ? 1 : -1)
        }
        let second = number(u, 17, 2)
        let local =
            daysFromCivil(year: number(u, 0, 4), month: number(u, 5, 2), day: number(u, 8, 2)) * 1440
            + number(u, 11, 2) * 60 + number(u, 14, 2)
        let utc = local - offsetMinutes + (second == 60 ? 1 : 0)
        let day = utc >= 0 ? utc / 1440 : (utc - 1439) / 1440
        let minuteOfDay = utc - day * 1440
        let (year, month, dayOfMonth) = civilFromDays(day)
        let fraction = String(decoding: u[19..<zoneStart], as: UTF8.self)  // "" or ".fff"
        // Year 0 and earlier are PostgreSQL's BC years (year 0 is 1 BC).
        let era = year <= 0 ? " BC" : ""
        return pad(year <= 0 ? 1 - year : year, 4) + "-" + pad(month, 2) + "-" + pad(dayOfMonth, 2) + "T"
            + pad(minuteOfDay / 60, 2) + ":" + pad(minuteOfDay % 60, 2) + ":" + pad(second == 60 ? 0 : second, 2)
            + fraction + "Z" + era
    }

    private static func number(_ u: [UInt8], _ start: Int, _ count: Int) -> Int {
        u[start..<(start + count)].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    /// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `daysFromCivil`.
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
