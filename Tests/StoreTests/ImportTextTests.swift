import Allocation
import Foundation
import PostgresTestSupport
import Testing

@testable import Store

/// The COPY text the importer builds by hand, and its timestamp rewriting, against
/// independent references: DecimalText, PostgreSQL's own parsing and calendar arithmetic.
@Suite("Import: COPY text and timestamps")
struct ImportTextTests {
    @Test("fields are tab-separated, escaped, NULL as \\N; numbers and dates as PostgreSQL reads them")
    func copyText() {
        var copy = ImportCopyText(capacity: 0)
        copy.int(-42)
        copy.text("a\\b\tc\nd\re,\"f\" 中文")
        copy.text(nil as String?)
        copy.bool(true)
        copy.bool(false)
        copy.date(CivilDate(year: 7, month: 3, day: 9)!)
        copy.int(Int.min)
        copy.endRow()
        copy.int(0)
        copy.timestamp(nil)
        copy.timestamp("2026-11-03")
        copy.timestamp("2026-11-03T09:30:00+08:00")
        copy.endRow()
        #expect(String(decoding: copy.bytes, as: UTF8.self) == """
            -42\ta\\\\b\\tc\\nd\\re,"f" 中文\t\\N\tt\tf\t0007-03-09\t-9223372036854775808
            0\t\\N\t2026-11-03T00:00:00Z\t2026-11-03T09:30:00+08:00

            """)
    }

    @Test("coordinates are exactly DecimalText's text, fast path or not")
    func decimals() {
        var values: [Double] = [0, -0.0, 5e-05, -1.25e-07, 121, -90, 180, 0.1, 1.5e-10, 31.2304, 1e16, 1.2345678901234568e20]
        var state: UInt64 = 2026
        for _ in 0..<20_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let scale = [1.0, 1e-3, 1e-6, 1e-9, 1e3][Int(state >> 61) % 5]
            values.append((Double(state >> 11) / Double(1 << 53) - 0.5) * 360 * scale)
        }
        for value in values {
            var copy = ImportCopyText(capacity: 0)
            copy.decimal(value)
            #expect(String(decoding: copy.bytes, as: UTF8.self) == DecimalText.format(value), "\(value)")
        }
    }

    @Test("timestamps PostgreSQL cannot read as given are rewritten to the same instant", arguments: [
        "2026-01-01T00:30:00+23:59", "2026-03-01T05:00:00-16:00", "2024-02-29T23:59:60.5-23:59",
        "9999-12-31T23:00:00-20:00", "0001-01-01T00:30:00+16:00", "2026-12-31T23:59:60.25Z",
        "2026-06-30t23:59:60.5z", "2026-12-31T23:59:60.999+08:00",
    ])
    func rewrittenInstants(value: String) throws {
        let connection = try TestDatabase.fresh("importinstants")
        let rewritten = ImportTimestamp.postgresText(value)
        // PostgreSQL's own calendar: the local minute, plus the seconds (a leap second
        // counts as 60), minus the offset, read as UTC.
        let zulu = value.hasSuffix("Z") || value.hasSuffix("z")
        let local = String(value.dropLast(zulu ? 1 : 6))
        let offset = zulu ? "+00:00" : String(value.suffix(6))
        let same = try connection.query(
            """
            SELECT (substr($1, 1, 16)::timestamp + substr($1, 18)::numeric * interval '1 second'
                    - (substr($2, 1, 1) || '1')::int * (substr($2, 2) || ':00')::interval) AT TIME ZONE 'UTC'
                   = $3::timestamptz
            """, [local, offset, rewritten]).first?[0]
        #expect(same == "t", "\(value) -> \(rewritten)")
    }

    @Test("what PostgreSQL reads itself passes through unchanged; a plain date is midnight UTC")
    func passThrough() {
        for value in [
            "2026-11-03T09:30:00+08:00", "2026-11-03T01:30:00Z", "2026-11-03t01:30:00.5z", "2026-11-03T09:30:00-15:59",
            "2026-12-31T23:59:60Z", "2026-11-03T09:30:00.123456+15:59",
        ] {
            #expect(ImportTimestamp.postgresText(value) == value)
        }
        #expect(ImportTimestamp.postgresText("2026-11-03") == "2026-11-03T00:00:00Z")
        for days in [-800_000, -719_468, -1, 0, 1, 20_000, 2_932_896] {
            let (y, m, d) = ImportTimestamp.civilFromDays(days)
            #expect(ImportTimestamp.daysFromCivil(year: y, month: m, day: d) == days)
        }
    }
}
