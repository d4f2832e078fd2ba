import Foundation
import Postgres
import PostgresTestSupport
import Testing

/// `anju appeals` and `anju offers excuse` through the real binary, against PostgreSQL.
@Suite(.timeLimit(.minutes(3)))
struct AppealsCommandTests {
    /// Applicant A1 suspended by two declines in round R1, with one open appeal; returns
    /// the connection, the URL and the two offer ids.
    private func suspendedWithAppeal(_ label: String) throws -> (PostgresConnection, String, [String]) {
        let (c, url) = try TestDatabase.migratedWithURL(label)
        try c.query("INSERT INTO cities (city, name) VALUES ('c1', 'c1')")
        try c.query("INSERT INTO projects (city, project_id, name, district, lat, lon, programme) VALUES ('c1', 'P1', 'P1', 'Huangpu', 31.23, 121.47, 'general')")
        try c.query(
            """
            INSERT INTO rounds (city, round_id, status, policy, seed, input_digest, run_at, optimal_ties)
            VALUES ('c1', 'R1', 'closed', '{"offers": {"max_refusals": 2}}', 't', 'x', now(), 'canonical')
            """)
        try c.query(
            """
            INSERT INTO applicants (city, applicant_id, category, household_size, gender, birth_date, monthly_income,
                                    work_lat, work_lon, work_district, status, refusals)
            VALUES ('c1', 'A1', 'general', 1, 'female', '1996-05-01', 8000, 31.23, 121.47, 'Huangpu', 'suspended', 2)
            """)
        var offers: [String] = []
        for k in 1...2 {
            try c.query(
                "INSERT INTO slots (city, slot_id, project_id, kind, max_household, rent, status) VALUES ('c1', $1, 'P1', 'apartment', 3, 2000, 'available')",
                ["S\(k)"])
            let id = try c.query(
                """
                INSERT INTO offers (city, round_id, slot_id, applicant_id, status, deadline, answered_at, answered_by)
                VALUES ('c1', 'R1', $1, 'A1', 'declined', now(), now() - make_interval(mins => $2::int), 'applicant:A1') RETURNING offer_id
                """, ["S\(k)", String(10 - k)])[0][0]!
            try c.query(
                "INSERT INTO refusals (city, offer_id, applicant_id, round_id, kind, refused_at) SELECT city, offer_id, applicant_id, round_id, status, answered_at FROM offers WHERE offer_id = $1::bigint",
                [id])
            offers.append(id)
        }
        try c.query("INSERT INTO appeals (city, applicant_id, reason, refusals_at_filing) VALUES ('c1', 'A1', 'I was ill', 2)")
        return (c, url, offers)
    }

    private func anju(_ url: String, _ arguments: [String]) async throws -> ProcessRun {
        try await Anju.run(arguments + ["--city", "c1", "--actor", "cli:test"], environment: ["DATABASE_URL": url])
    }

    @Test func listUpholdReinstateAndExitStatuses() async throws {
        let (c, url, _) = try suspendedWithAppeal("cli_appeals")
        let id = try #require(try c.query("SELECT appeal_id FROM appeals").first?[0])
        let list = try await anju(url, ["appeals", "list"])
        #expect(list.status == 0 && list.stdout.contains("\(id)\topen\tA1 (suspended)"), "\(list)")
        let badStatus = try await anju(url, ["appeals", "list", "--status", "closed"])
        #expect(badStatus.status == 64, "\(badStatus)")
        let badCode = try await anju(url, ["appeals", "uphold", id, "--reason", "maybe"])
        #expect(badCode.status == 65 && badCode.stderr.contains("reason"), "\(badCode)")
        let reinstated = try await anju(url, ["appeals", "reinstate", id, "--note", "doctor's note seen"])
        #expect(reinstated.status == 0, "\(reinstated)")
        #expect(reinstated.stdout.contains("appeal \(id) reinstated: applicant A1 waiting (0 refusals still count)"), "\(reinstated)")
        let twice = try await anju(url, ["appeals", "uphold", id, "--reason", "other"])
        #expect(twice.status == 65 && twice.stderr.contains("appeal \(id) was reinstated"), "\(twice)")
        let unknown = try await anju(url, ["appeals", "reinstate", "99999"])
        #expect(unknown.status == 65, "\(unknown)")
        #expect(try c.query("SELECT status, refusals FROM applicants WHERE applicant_id = 'A1'").first.map { [$0[0], $0[1]] } == ["waiting", "0"])
        #expect(try c.query("SELECT count(*) FROM audit_log WHERE action IN ('appeal.reinstate', 'applicant.reinstate')").first?[0] == "2")
    }

    @Test func excuseReinstatesUnderTheLimit() async throws {
        let (c, url, offers) = try suspendedWithAppeal("cli_excuse")
        let missing = try await anju(url, ["offers", "excuse", offers[1]])
        #expect(missing.status == 64, "\(missing)")
        let excused = try await anju(url, ["offers", "excuse", offers[1], "--reason", "in hospital"])
        #expect(excused.status == 0, "\(excused)")
        #expect(excused.stdout.contains("offer \(offers[1]): refusal excused; applicant A1 has 1 refusal (was 2), waiting, reinstated"), "\(excused)")
        let again = try await anju(url, ["offers", "excuse", offers[1], "--reason", "again"])
        #expect(again.status == 65 && again.stderr.contains("excused already"), "\(again)")
        #expect(try c.query("SELECT status FROM appeals").first?[0] == "reinstated")
        #expect(try c.query("SELECT status, refusals FROM applicants WHERE applicant_id = 'A1'").first.map { [$0[0], $0[1]] } == ["waiting", "1"])
    }
}
