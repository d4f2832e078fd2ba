import Foundation
import Postgres
import PostgresTestSupport
import Testing

/// `anju applications`, `anju duplicates` and `anju import sites|contacts` through the real
/// binary, against PostgreSQL.
@Suite(.timeLimit(.minutes(3)))
struct ApplicationsCommandTests {
    private struct Setup {
        let connection: PostgresConnection
        let url: String
        let scratch: ScratchFolder
        let keyFile: String

        init(_ label: String) throws {
            (connection, url) = try TestDatabase.migratedWithURL(label)
            scratch = try ScratchFolder()
            keyFile = scratch.path("identity.key")
            try Files.write(Array((String(repeating: "ab", count: 32) + "\n").utf8), to: keyFile)
        }

        func anju(_ arguments: [String]) async throws -> ProcessRun {
            try await Anju.run(
                arguments + ["--city", "c1", "--actor", "cli:test"],
                environment: ["DATABASE_URL": url, "ANJU_IDENTITY_KEY_FILE": keyFile])
        }

        func write(_ name: String, _ text: String) throws -> String {
            let path = scratch.path(name)
            try Files.write(Array(text.utf8), to: path)
            return path
        }

        func value(_ sql: String) throws -> String? { try connection.query(sql).first?[0] }

        /// Pending applications inserted as the API would leave them (contacts and all).
        func pending(_ ids: [String]) throws {
            try connection.query("INSERT INTO cities (city, name) VALUES ('c1', 'c1') ON CONFLICT DO NOTHING")
            for id in ids {
                try connection.query(
                    """
                    INSERT INTO applicants (city, applicant_id, category, household_size, gender, birth_date, monthly_income,
                        work_lat, work_lon, work_district, status, source, changed_by)
                    VALUES ('c1', $1, 'general', 1, 'female', '1990-01-01', 5000, 31.23, 121.47, 'Huangpu', 'pending_review',
                        'application', 'applicant')
                    """, [id])
            }
        }
    }

    @Test func reviewFileIsAllOrNothingWithLocatedProblems() async throws {
        let setup = try Setup("cli_review")
        try setup.pending(["ap-1", "ap-2", "ap-3"])
        let bad = try setup.write(
            "decisions.csv", "applicant_id,decision,reason,note\nap-1,approve,,\nap-2,reject,,\nap-3,maybe,,\n")
        let refused = try await setup.anju(["applications", "review", bad])
        #expect(refused.status == 65 && !refused.crashed, "\(refused)")
        #expect(refused.stderr.contains("decisions.csv:4: decision:"), "\(refused)")
        #expect(try setup.value("SELECT count(*) FROM applicants WHERE status = 'pending_review'") == "3")
        let noReason = try setup.write("decisions2.csv", "applicant_id,decision,reason,note\nap-1,approve,,\nap-2,reject,,\n")
        let refused2 = try await setup.anju(["applications", "review", noReason])
        #expect(refused2.status == 65, "\(refused2)")
        #expect(refused2.stderr.contains("decisions2.csv:3: reason: a rejection needs a reason"), "\(refused2)")
        #expect(try setup.value("SELECT count(*) FROM applicants WHERE status = 'pending_review'") == "3")
        let good = try setup.write(
            "decisions3.csv", "applicant_id,decision,reason,note\nap-1,approve,,\nap-2,reject,incomplete,请补充收入证明\n")
        let done = try await setup.anju(["applications", "review", good])
        #expect(done.status == 0, "\(done)")
        #expect(done.stdout.contains("decided 2: 1 approved, 1 rejected"), "\(done)")
        #expect(try setup.value("SELECT review_note FROM applicants WHERE applicant_id = 'ap-2'") == "请补充收入证明")
        let list = try await setup.anju(["applications", "list"])
        #expect(list.stdout.contains("ap-3") && !list.stdout.contains("ap-1"), "\(list)")
        let again = try await setup.anju(["applications", "approve", "ap-1"])
        #expect(again.status == 65 && again.stderr.contains("ap-1 is waiting, not pending_review"), "\(again)")
    }

    @Test func sitesAndContactsImportAndDuplicatesResolve() async throws {
        let setup = try Setup("cli_contacts")
        let sites = try setup.write(
            "workplace_sites.csv",
            "site_id,kind,name,employer_id,lat,lon,district\nS1,employment_centre,黄浦区就业服务中心,,31.23,121.48,Huangpu\nS2,depot,x,,1,1,D\n")
        let badSites = try await setup.anju(["import", "sites", sites])
        #expect(badSites.status == 65 && badSites.stderr.contains("workplace_sites.csv:3: kind:"), "\(badSites)")
        try Files.write(Array("site_id,kind,name,employer_id,lat,lon,district\nS1,employment_centre,黄浦区就业服务中心,,31.23,121.48,Huangpu\n".utf8), to: sites)
        let okSites = try await setup.anju(["import", "sites", sites])
        #expect(okSites.status == 0, "\(okSites)")
        #expect(try setup.value("SELECT name FROM workplace_sites WHERE site_id = 'S1'") == "黄浦区就业服务中心")

        try setup.pending(["ap-1", "ap-2"])
        try setup.connection.query("UPDATE applicants SET status = 'waiting', source = 'import', changed_by = 'import'")
        let contacts = try setup.write(
            "contacts.csv",
            "applicant_id,name,phone,email,identity_number,language\nap-1,王芳,13800000001,,ID123456,\nap-2,王芳,13800000002,,id-123456,en\n")
        let imported = try await setup.anju(["import", "contacts", contacts])
        #expect(imported.status == 0, "\(imported)")
        #expect(imported.stdout.contains("imported 2 contacts; 2 applicant(s) in 1 duplicate set(s)"), "\(imported)")
        #expect(try setup.value("SELECT count(*) FROM applicant_contacts c WHERE row_to_json(c)::text LIKE '%123456%'") == "0")

        // A round holds both back and says so.
        try setup.connection.query(
            "INSERT INTO projects (city, project_id, name, district, lat, lon, programme) VALUES ('c1', 'P1', 'P', 'Huangpu', 31.23, 121.47, 'general')")
        try setup.connection.query(
            "INSERT INTO slots (city, slot_id, project_id, kind, max_household, rent) VALUES ('c1', 'S1', 'P1', 'apartment', 2, 1000)")
        let policy = try setup.write("policy.json", #"{"round_date": "2026-12-01", "seed": "cli"}"#)
        #expect(try await setup.anju(["round", "create", "--id", "R1", "--policy", policy]).status == 0)
        let run = try await setup.anju(["round", "run", "R1"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("held back: 2 waiting applicant(s) in unresolved duplicate sets"), "\(run)")

        let set = try setup.value("SELECT set_id FROM duplicate_sets WHERE status = 'open'") ?? ""
        let listed = try await setup.anju(["duplicates", "list"])
        #expect(listed.stdout.contains("set \(set)  open") && listed.stdout.contains("matched on identity"), "\(listed)")
        let notMember = try await setup.anju(["duplicates", "resolve", set, "--keep", "ap-9"])
        #expect(notMember.status == 65, "\(notMember)")
        let resolved = try await setup.anju(["duplicates", "resolve", set, "--keep", "ap-2"])
        #expect(resolved.status == 0 && resolved.stdout.contains("resolved"), "\(resolved)")
        #expect(try setup.value("SELECT status || ':' || review_reason FROM applicants WHERE applicant_id = 'ap-1'") == "rejected:duplicate")
    }

    @Test func contactsNeedTheKey() async throws {
        let setup = try Setup("cli_contacts_nokey")
        try setup.pending(["ap-1"])
        let contacts = try setup.write("contacts.csv", "applicant_id,name,phone,email,identity_number,language\nap-1,王芳,13800000001,,,\n")
        let run = try await Anju.run(
            ["import", "contacts", contacts, "--city", "c1"], environment: ["DATABASE_URL": setup.url])
        #expect(run.status == 65 && run.stderr.contains("no identity key"), "\(run)")
    }
}
