import Foundation

/// An instant as an applicant of the city reads it: in the city's own zone
/// (`cities.time_zone`), with the offset and the zone named, never in the server's zone
/// or bare UTC. The store reads instants as RFC 3339 UTC (`2026-12-08T10:00:00Z`); the
/// calendar arithmetic is done here, so no formatter's locale or the host's zone can
/// change what is shown.
struct CityTime: Sendable, Equatable {
    /// The local civil time and the zone's offset at that instant.
    let year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    let offsetSeconds: Int
    /// The zone's IANA name.
    let zone: String

    /// `utc` (`YYYY-MM-DDTHH:MM:SSZ`) in `zone`; nil when either cannot be read.
    init?(utc: String, zone name: String) {
        let u = Array(utc.utf8)
        guard u.count == 20, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"), u[10] == UInt8(ascii: "T"),
            u[13] == UInt8(ascii: ":"), u[16] == UInt8(ascii: ":"), u[19] == UInt8(ascii: "Z"),
            let zone = TimeZone(identifier: name)
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                guard u[i] >= 48, u[i] <= 57 else { return nil }
                value = value * 10 + Int(u[i] - 48)
            }
            return value
        }
        guard let y = number(0..<4), let mo = number(5..<7), let d = number(8..<10), let h = number(11..<13),
            let mi = number(14..<16), let s = number(17..<19)
        else { return nil }
        let epoch = Self.daysFromCivil(y, mo, d) * 86_400 + h * 3_600 + mi * 60 + s
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(epoch)))
        let local = epoch + offset
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondsOfDay = local - days * 86_400
        (year, month, day) = Self.civilFromDays(days)
        hour = secondsOfDay / 3_600
        minute = secondsOfDay % 3_600 / 60
        second = secondsOfDay % 60
        offsetSeconds = offset
        self.zone = name
    }

    /// Reads back `rfc3339` (`2026-12-08T18:00:00+08:00`, as written by `rfc3339`) of `zone`.
    init?(local text: String, zone: String) {
        let u = Array(text.utf8)
        guard u.count == 25, u[10] == UInt8(ascii: "T"), u[19] == UInt8(ascii: "+") || u[19] == UInt8(ascii: "-"),
            u[22] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: u[range], as: UTF8.self)) }
        guard let y = number(0..<4), let mo = number(5..<7), let d = number(8..<10), let h = number(11..<13),
            let mi = number(14..<16), let s = number(17..<19), let oh = number(20..<22), let om = number(23..<25)
        else { return nil }
        (year, month, day, hour, minute, second) = (y, mo, d, h, mi, s)
        offsetSeconds = (u[19] == UInt8(ascii: "-") ? -1 : 1) * (oh * 3_600 + om * 60)
        self.zone = zone
    }

    /// RFC 3339 with the city's offset: `2026-12-08T18:00:00+08:00`.
    var rfc3339: String {
        "\(Self.pad(year, 4))-\(Self.pad(month))-\(Self.pad(day))T\(Self.pad(hour)):\(Self.pad(minute)):\(Self.pad(second))"
            + "\(offsetSeconds < 0 ? "-" : "+")\(Self.pad(abs(offsetSeconds) / 3_600)):\(Self.pad(abs(offsetSeconds) % 3_600 / 60))"
    }

    /// What the status page shows: `2026-12-08 18:00 (Asia/Shanghai, UTC+8)` or
    /// `2026年12月8日 18:00（北京时间，UTC+8）`.
    func text(in language: Language) -> String {
        let clock = "\(Self.pad(hour)):\(Self.pad(minute))"
        switch language {
        case .en:
            return "\(Self.pad(year, 4))-\(Self.pad(month))-\(Self.pad(day)) \(clock) (\(zone), \(utcOffset))"
        case .zhCN:
            return "\(year)年\(month)月\(day)日 \(clock)（\(Self.chineseZoneName(zone))，\(utcOffset)）"
        }
    }

    /// `UTC+8`, `UTC+5:45`, `UTC-3`, `UTC`.
    var utcOffset: String {
        guard offsetSeconds != 0 else { return "UTC" }
        let minutes = abs(offsetSeconds) / 60
        return "UTC\(offsetSeconds < 0 ? "-" : "+")\(minutes / 60)" + (minutes % 60 == 0 ? "" : ":\(Self.pad(minutes % 60))")
    }

    /// The zones of China by the names people there use; any other zone by its IANA name.
    static func chineseZoneName(_ zone: String) -> String {
        switch zone {
        case "Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "PRC": "北京时间"
        case "Asia/Urumqi": "乌鲁木齐时间"
        case "Asia/Hong_Kong": "香港时间"
        case "Asia/Macau": "澳门时间"
        case "Asia/Taipei": "台北时间"
        case "UTC", "Etc/UTC": "协调世界时"
        default: zone
        }
    }

    private static func pad(_ value: Int, _ width: Int = 2) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(_ y: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y - 1 : y
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civilFromDays(_ z: Int) -> (Int, Int, Int) {
        let z = z + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
