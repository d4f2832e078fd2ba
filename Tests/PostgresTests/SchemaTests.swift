import Foundation
import Postgres
import PostgresTestSupport
import TestSupport
import Testing

/// Migrations and the invariants the first schema enforces by itself.
@Suite struct SchemaTests {
    @Test func migratesFromEmptyAndReRunAppliesNothing() throws {
        let db = try TestDatabase.fresh("migrate")
        let migrator = Migrator(folder: TestDatabase.sqlFolder)
        let files = try migrator.migrations()
        #expect(files.first?.name == "001_schema")
        #expect(try migrator.migrate(db) == files.map(\.name))
        #expect(try migrator.migrate(db) == [])
        #expect(try db.query("SELECT count(*) FROM schema_migrations").first?.decode(Int.self, at: 0) == files.count)
        let tables = Set(try db.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'").map { $0[0] ?? "" })
        for table in ["cities", "projects", "rooms", "slots", "employers", "applicants", "rounds", "offers", "tenancies", "audit_log"] {
            #expect(tables.contains(table), "missing table \(table)")
        }
    }

    /// 015: rounds run before it were run by the old tie rule and must say so; drafts say nothing yet.
    @Test func optimalTiesMarksRoundsRunBeforeIt() throws {
        let db = try TestDatabase.fresh("ties015")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("anju-015-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let all = try Migrator(folder: TestDatabase.sqlFolder).migrations()
        for m in all where m.version < 15 {
            try FileManager.default.copyItem(
                at: TestDatabase.sqlFolder.appendingPathComponent(m.name + ".sql"), to: folder.appendingPathComponent(m.name + ".sql"))
        }
        try Migrator(folder: folder).migrate(db)
        try db.query("INSERT INTO cities (city, name) VALUES ('sh', 'sh')")
        try db.query("INSERT INTO rounds (city, round_id, status, policy, seed, input_digest) VALUES ('sh', 'old', 'closed', '{}', 's', 'd')")
        try db.query("INSERT INTO rounds (city, round_id, policy, seed) VALUES ('sh', 'draft', '{}', 's')")
        #expect(try Migrator(folder: TestDatabase.sqlFolder).migrate(db).contains("015_optimal_ties"))
        let ties = try db.query("SELECT round_id, optimal_ties FROM rounds ORDER BY round_id").map { [$0[0], $0[1]] }
        #expect(ties == [["draft", nil], ["old", "as_found"]])
        #expect(throws: PostgresError.self) {
            try db.query("INSERT INTO rounds (city, round_id, status, policy, seed, input_digest) VALUES ('sh', 'new', 'run', '{}', 's', 'd')")
        }
        #expect(throws: PostgresError.self) { try db.query("UPDATE rounds SET optimal_ties = 'first' WHERE round_id = 'old'") }
    }

    /// Two branches may number migrations apart (008 written while 007 was being written
    /// elsewhere): a gap is applied past, and a lower file arriving later is still applied.
    @Test func numbersMaySkipAndALaterLowerFileIsStillApplied() throws {
        let db = try TestDatabase.fresh("gap")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("anju-gap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func write(_ name: String, _ sql: String) throws {
            try Data(sql.utf8).write(to: folder.appendingPathComponent(name))
        }
        try write("001_a.sql", "CREATE TABLE a (x int);")
        try write("003_c.sql", "ALTER TABLE a ADD COLUMN z int;")
        let migrator = Migrator(folder: folder)
        #expect(try migrator.migrate(db) == ["001_a", "003_c"])
        try write("002_b.sql", "ALTER TABLE a ADD COLUMN y int;")
        #expect(try migrator.migrate(db) == ["002_b"])
        #expect(try migrator.migrate(db) == [])
        let columns = try db.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'a' ORDER BY 1")
        #expect(columns.map { $0[0] ?? "" } == ["x", "y", "z"])
    }

    @Test func concurrentMigratorsApplyEachFileOnce() throws {
        let first = try TestDatabase.fresh("race")
        let name = try #require(try first.query("SELECT current_database()").first?[0])
        let second = try TestDatabase.cluster.get().connect(database: name)
        let connections = [first, second]
        let migrator = Migrator(folder: TestDatabase.sqlFolder)
        let results = Locked<[Result<[String], any Error>]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let result = Result { try migrator.migrate(connections[index]) }
            results.withLock { $0.append(result) }
        }
        let applied = try results.value.map { try $0.get() }
        #expect(applied.flatMap { $0 }.sorted() == (try migrator.migrations().map(\.name)))
    }

    @Test func oneLiveOfferPerSlotAndPerApplicant() throws {
        let db = try TestDatabase.migrated("offers")
        try seed(db)
        func offer(_ slot: String, _ applicant: String) throws {
            try db.query("""
                INSERT INTO offers (city, round_id, slot_id, applicant_id, deadline)
                VALUES ('sh', 'r1', $1, $2, now() + interval '7 days')
                """, [slot, applicant])
        }
        try offer("s1", "a1")
        let sameSlot = try #require(throws: PostgresError.self) { try offer("s1", "a2") }
        #expect(sameSlot.sqlState == .uniqueViolation)
        #expect(sameSlot.message.contains("offers_one_live_per_slot"))
        let sameApplicant = try #require(throws: PostgresError.self) { try offer("s2", "a1") }
        #expect(sameApplicant.sqlState == .uniqueViolation)
        #expect(sameApplicant.message.contains("offers_one_live_per_applicant"))
        // Once a1 declines, s1 can be offered to someone else, and a1 can get another offer.
        try db.query("UPDATE offers SET status = 'declined', answered_at = now() WHERE slot_id = $1 AND applicant_id = $2", ["s1", "a1"])
        try offer("s1", "a2")
        try offer("s2", "a1")
        #expect(try db.query("SELECT count(*) FROM offers WHERE status = 'offered'").first?.decode(Int.self, at: 0) == 2)
        // Status values outside the list are refused.
        let badStatus = try #require(throws: PostgresError.self) {
            try db.query("UPDATE offers SET status = 'maybe' WHERE slot_id = 's1'")
        }
        #expect(badStatus.sqlState == .checkViolation)
    }

    @Test func oneActiveTenancyPerSlot() throws {
        let db = try TestDatabase.migrated("tenancy")
        try seed(db)
        let ids = try db.query("""
            INSERT INTO offers (city, round_id, slot_id, applicant_id, status, deadline, answered_at)
            VALUES ('sh', 'r1', 's1', 'a1', 'accepted', now(), now()),
                   ('sh', 'r1', 's1', 'a2', 'accepted', now(), now())
            RETURNING offer_id
            """).map { try $0.decode(String.self, at: 0) }
        let tenancy = "INSERT INTO tenancies (city, slot_id, applicant_id, offer_id) VALUES ('sh', 's1', $1, $2)"
        try db.query(tenancy, ["a1", ids[0]])
        let second = try #require(throws: PostgresError.self) { try db.query(tenancy, ["a2", ids[1]]) }
        #expect(second.sqlState == .uniqueViolation)
        try db.query("UPDATE tenancies SET status = 'ended', ended_at = now() WHERE applicant_id = 'a1'")
        try db.query(tenancy, ["a2", ids[1]])
    }

    @Test func auditLogIsAppendOnly() throws {
        let db = try TestDatabase.migrated("audit")
        try db.query("INSERT INTO cities (city, name) VALUES ('sh', 'Shanghai')")
        try db.query("""
            INSERT INTO audit_log (city, actor, action, entity, entity_id, details)
            VALUES ('sh', $1, 'offer.accepted', 'offer', '1', $2::jsonb)
            """, ["applicant:a1", #"{"note": "接受"}"#])
        let update = try #require(throws: PostgresError.self) { try db.query("UPDATE audit_log SET actor = 'someone else'") }
        #expect(update.sqlState == .insufficientPrivilege)
        let delete = try #require(throws: PostgresError.self) { try db.query("DELETE FROM audit_log") }
        #expect(delete.sqlState == .insufficientPrivilege)
        let truncate = try #require(throws: PostgresError.self) { try db.query("TRUNCATE audit_log") }
        #expect(truncate.sqlState == .insufficientPrivilege)
        #expect(try db.query("SELECT actor FROM audit_log").map { $0[0] } == ["applicant:a1"])
    }

    /// A city with one project, two slots, two applicants and a drafted round.
    /// References written in bulk are checked per statement (004): a bad one anywhere in a
    /// many-row statement fails the whole statement, and referenced rows are permanent.
    @Test func statementLevelReferencesRefuseDanglingRowsAndKeepTargetsPermanent() throws {
        let db = try TestDatabase.migrated("refs")
        try seed(db)
        func refused(_ sql: String, _ state: SQLState, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let error = try #require(throws: PostgresError.self, sourceLocation: sourceLocation) { try db.query(sql) }
            #expect(error.sqlState == state, "\(error)", sourceLocation: sourceLocation)
        }
        let applicant = """
            INSERT INTO applicants (city, applicant_id, category, household_size, gender, birth_date,
                                    monthly_income, work_lat, work_lon, work_district, employer_id)
            VALUES
            """
        // One dangling row among good ones: the whole statement fails, nothing is inserted.
        try refused(applicant + """
             ('sh', 'a3', 'general', 1, 'male', '1990-01-01', 1, 31, 121, 'X', NULL),
             ('nowhere', 'a4', 'general', 1, 'male', '1990-01-01', 1, 31, 121, 'X', NULL)
            """, .foreignKeyViolation)
        try refused(applicant + "('sh', 'a5', 'general', 1, 'male', '1990-01-01', 1, 31, 121, 'X', 'no-such-employer')", .foreignKeyViolation)
        #expect(try db.query("SELECT count(*) FROM applicants").first?[0] == "2")
        try refused("UPDATE applicants SET employer_id = 'ghost' WHERE applicant_id = 'a1'", .foreignKeyViolation)
        try refused("INSERT INTO slots (city, slot_id, project_id, kind, max_household, rent) VALUES ('sh', 's9', 'p9', 'bed', 1, 1)", .foreignKeyViolation)
        try refused("INSERT INTO slots (city, slot_id, project_id, kind, room_id, max_household, rent) VALUES ('sh', 's9', 'p1', 'bed', 'r9', 1, 1)", .foreignKeyViolation)
        try refused("UPDATE slots SET reserved_employer_id = 'ghost' WHERE slot_id = 's1'", .foreignKeyViolation)
        try refused("INSERT INTO round_results (city, round_id, applicant_id, outcome) VALUES ('sh', 'r9', 'a1', 'unmatched')", .foreignKeyViolation)
        for (slot, applicant, round) in [("s9", "a1", "r1"), ("s1", "a9", "r1"), ("s1", "a1", "r9")] {
            try refused("""
                INSERT INTO offers (city, round_id, slot_id, applicant_id, deadline)
                VALUES ('sh', '\(round)', '\(slot)', '\(applicant)', now())
                """, .foreignKeyViolation)
        }
        // Referenced rows can be neither deleted, truncated nor re-keyed.
        for sql in [
            "DELETE FROM cities", "DELETE FROM projects", "DELETE FROM slots WHERE slot_id = 's1'",
            "DELETE FROM applicants", "DELETE FROM rounds", "UPDATE slots SET slot_id = 's7' WHERE slot_id = 's1'",
            "UPDATE applicants SET applicant_id = 'a7' WHERE applicant_id = 'a1'", "UPDATE cities SET city = 'bj'",
            "TRUNCATE applicants CASCADE", "TRUNCATE slots CASCADE",
        ] {
            try refused(sql, .restrictViolation)
        }
        // Ordinary changes still work.
        try db.query("UPDATE slots SET status = 'maintenance' WHERE slot_id = 's1'")
        try db.query("UPDATE applicants SET status = 'withdrawn' WHERE applicant_id = 'a2'")
    }

    private func seed(_ db: PostgresConnection) throws {
        try db.transaction { db in
            try db.query("INSERT INTO cities (city, name) VALUES ('sh', 'Shanghai')")
            try db.query("""
                INSERT INTO projects (city, project_id, name, district, lat, lon, programme)
                VALUES ('sh', 'p1', '安居苑', 'Putuo', 31.25, 121.40, 'youth')
                """)
            try db.query("""
                INSERT INTO slots (city, slot_id, project_id, kind, max_household, rent)
                VALUES ('sh', 's1', 'p1', 'bed', 1, 800), ('sh', 's2', 'p1', 'bed', 1, 700)
                """)
            for id in ["a1", "a2"] {
                try db.query("""
                    INSERT INTO applicants (city, applicant_id, category, household_size, gender, birth_date,
                                            monthly_income, work_lat, work_lon, work_district)
                    VALUES ('sh', $1, 'frontline_worker', 1, 'female', '1995-03-01', 5000, 31.2, 121.4, 'Putuo')
                    """, [id])
            }
            try db.query("INSERT INTO rounds (city, round_id, policy, seed) VALUES ('sh', 'r1', '{}', 'seed')")
        }
    }
}
