import Foundation
import Postgres
import PostgresTestSupport
import Testing

/// `anju city` through the real binary: the time zone shown, set, and refused.
@Suite(.timeLimit(.minutes(3)))
struct CityCommandTests {
    @Test func showsSetsAndRefusesTimeZones() async throws {
        let (connection, url) = try TestDatabase.migratedWithURL("city_cli")
        func anju(_ arguments: [String]) async throws -> ProcessRun {
            try await Anju.run(["city"] + arguments + ["--city", "shanghai", "--actor", "cli:test"], environment: ["DATABASE_URL": url])
        }
        let shown = try await anju(["show"])
        #expect(shown.status == 0, "\(shown)")
        #expect(shown.stdout == "city: shanghai\ntime_zone: Asia/Shanghai\n")
        let set = try await anju(["set", "--time-zone", "Asia/Urumqi"])
        #expect(set.status == 0, "\(set)")
        #expect(set.stdout == "city shanghai: time_zone Asia/Urumqi\n")
        let refused = try await anju(["set", "--time-zone", "CST"])
        #expect(refused.status == 65, "\(refused)")
        #expect(refused.stderr.contains("time_zone") && refused.stderr.contains("IANA"), "\(refused.stderr)")
        #expect(try await anju(["set"]).status == 64)
        let zone = try connection.query("SELECT time_zone FROM cities WHERE city = 'shanghai'").first?[0]
        #expect(zone == "Asia/Urumqi")
        #expect(try await anju(["show"]).stdout.contains("time_zone: Asia/Urumqi"))
    }
}
