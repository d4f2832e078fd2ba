import AllocationFiles
import CityGenerator
import Foundation
import Postgres
import PostgresTestSupport
@testable import Store
import Testing
import TestSupport

/// applicants.csv has two paths: straight into `applicants` by COPY when none of the file's
/// ids is stored in the city yet, else staged and merged. Both must store exactly the same
/// thing, and the choice must follow the ids, including an id stored by someone else while
/// the import runs.
@Suite("Import: applicants straight in or merged")
struct ImportDirectPathTests {
    /// Every column an import sets or defaults, by id, for one city; `version` and
    /// `updated_at` are left out (a merge that updates a row bumps them).
    private static func stored(_ db: ImportDB, city: String) throws -> [[String?]] {
        try db.rows(
            """
            SELECT applicant_id, category, household_size::text, gender, birth_date::text, monthly_income::text,
                   work_lat::text, work_lon::text, work_district, max_commute_min::text, max_rent::text,
                   needs_accessible::text, priority_points::text, employer_id, applied_at::text, status, refusals::text,
                   source, changed_by, workplace_site, review_reason, review_note, reviewed_at::text, reviewed_by
            FROM applicants WHERE city = $1 ORDER BY applicant_id COLLATE "C"
            """, [city])
    }

    private static func store(_ db: ImportDB, city: String) throws -> Store {
        try Store(connection: db.connection, city: city, actor: "test:import")
    }

    @Test("on many random files, the COPY straight in stores what the merge stores, field for field", arguments: 1...6)
    func sameAsMerge(seed: Int) throws {
        var random = SplitMix64(seed: UInt64(seed))
        let db = try ImportDB.make("importdirectsame\(seed)", city: "direct")
        let size = Int.random(in: 20...900, using: &random)
        let file = CityGenerator(applicants: size, slots: 10, seed: "direct \(seed)").generate().applicantsCSV
        let parsed = ApplicantsFile.parse(file)
        try #require(parsed.isValid)

        // City "direct" is new: the whole file goes straight in.
        let direct = try db.store.importFile(.applicants, bytes: file)
        #expect(direct.copiedStraightIn)
        #expect((direct.inserted, direct.updated, direct.unchanged, direct.skipped) == (size, 0, 0, []))
        try db.expectStored(applicants: parsed.rows)

        // City "merged" first holds one of the file's ids, with other values: the merge path.
        let merged = try Self.store(db, city: "merged")
        let victim = parsed.rows[Int.random(in: 0..<size, using: &random)]
        let header = String(decoding: file.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        let first = try merged.importFile(
            .applicants,
            bytes: Array("\(header)\n\(victim.id),general,9,male,1950-01-01,1,1,1,Elsewhere,,,false,,,\n".utf8))
        #expect(first.copiedStraightIn)
        let report = try merged.importFile(.applicants, bytes: file)
        #expect(!report.copiedStraightIn)
        #expect((report.inserted, report.updated, report.unchanged, report.skipped) == (size - 1, 1, 0, []))
        #expect(try Self.stored(db, city: "merged") == (try Self.stored(db, city: "direct")))
        #expect(direct.employersCreated == Set(parsed.rows.compactMap(\.employerID)).count)
        #expect(try db.value("SELECT count(*) FROM employers WHERE city = 'direct'") == String(direct.employersCreated))
        #expect(direct.warnings == report.warnings)
    }

    @Test("a later file of only new ids goes straight in and leaves the stored rows untouched")
    func laterFileOfNewIDs() throws {
        let db = try ImportDB.make("importdirectlater")
        try db.importText(.applicants, ImportDB.applicantsCSV)
        let system = "SELECT xmin::text, xmax::text FROM applicants WHERE applicant_id LIKE 'A%' ORDER BY applicant_id"
        let before = try db.rows(system)
        let more = ImportDB.applicantsCSV.replacingOccurrences(of: "\nA", with: "\nB")
        let report = try db.importText(.applicants, more)
        #expect(report.copiedStraightIn)
        #expect((report.inserted, report.updated, report.unchanged, report.employersCreated) == (3, 0, 0, 0))
        #expect(try db.rows("SELECT applicant_id FROM applicants ORDER BY applicant_id").map { $0[0] ?? "" } == [
            "A1", "A2", "A3", "B1", "B2", "B3",
        ])
        // The A rows keep their xmin and xmax: neither updated nor locked.
        #expect(try db.rows(system) == before && before.count == 3)
    }

    @Test("a file whose ids partly exist is merged: new rows inserted, changed ones updated, equal ones untouched")
    func partlyExisting() throws {
        let db = try ImportDB.make("importdirectpartly")
        try db.importText(.applicants, ImportDB.applicantsCSV)
        let file = ImportDB.applicantsCSV.replacingOccurrences(of: "A2,general,2,male", with: "A2,general,3,male")
            + "B1,general,1,female,1999-09-09,100,31,121,Xuhui,,,false,,EMP-9,\n"
        let report = try db.importText(.applicants, file)
        #expect(!report.copiedStraightIn)
        #expect((report.inserted, report.updated, report.unchanged, report.employersCreated) == (1, 1, 2, 1))
        #expect(try db.rows("SELECT applicant_id, household_size::text, version::text FROM applicants ORDER BY applicant_id") == [
            ["A1", "1", "1"], ["A2", "3", "2"], ["A3", "1", "1"], ["B1", "1", "1"],
        ])
    }

    @Test("duplicate ids in the file, or a bad last line, fail the import with the line, and nothing is written")
    func badFilesWriteNothing() throws {
        for existing in [false, true] {
            let db = try ImportDB.make("importdirectbad\(existing)")
            if existing { try db.importText(.applicants, ImportDB.applicantsCSV) }
            let before = try db.snapshot()
            let lines = CityGenerator(applicants: 1_500, slots: 10, seed: "bad last").generate().applicantsCSV
                .split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
            let last = lines.count  // the physical line number of the last row (header is line 1)
            var duplicate = lines
            duplicate[last - 1] = duplicate[5].replacingOccurrences(of: ",general,", with: ",youth_talent,")
            var badLast = lines
            badLast[last - 1] = badLast[last - 1].replacingOccurrences(of: ",female,", with: ",other,")
                .replacingOccurrences(of: ",male,", with: ",other,")
            for file in [duplicate, badLast] {
                let bytes = Array((file.joined(separator: "\n") + "\n").utf8)
                let expected = ApplicantsFile.parse(bytes).diagnostics.map(\.description)
                #expect(expected.count == 1 && expected[0].hasPrefix("applicants.csv:\(last): "), "\(expected)")
                do {
                    _ = try db.store.importFile(.applicants, bytes: bytes)
                    Issue.record("a bad file was imported")
                } catch let error as StoreError {
                    #expect(error.problems.map(\.description) == expected)
                }
                #expect(try db.snapshot() == before)
            }
        }
    }

    @Test("a file of only its header, into a new city and into one with applicants: nothing but the audit row")
    func headerOnly() throws {
        let db = try ImportDB.make("importdirectheader")
        let header = String(ImportDB.applicantsCSV.prefix { $0 != "\n" }) + "\n"
        let empty = try db.importText(.applicants, header)
        #expect(empty.copiedStraightIn)
        #expect((empty.rows, empty.inserted, empty.employersCreated) == (0, 0, 0))
        try db.importText(.applicants, ImportDB.applicantsCSV)
        let before = try db.snapshot(tables: ["applicants", "employers"])
        let again = try db.importText(.applicants, header)
        #expect(again.copiedStraightIn && again.rows == 0)
        #expect(try db.snapshot(tables: ["applicants", "employers"]) == before)
        #expect(try db.value("SELECT count(*) FROM audit_log") == "3")
    }

    @Test("a dry run of a new city counts every row as an insert and writes nothing")
    func dryRun() throws {
        let db = try ImportDB.make("importdirectdry")
        let before = try db.snapshot()
        let report = try db.importText(.applicants, ImportDB.applicantsCSV, dryRun: true)
        #expect(report.copiedStraightIn && report.dryRun)
        #expect((report.inserted, report.updated, report.unchanged, report.employersCreated) == (3, 0, 0, 2))
        #expect(try db.snapshot() == before)
    }

    @Test("an id stored by another session while the COPY runs: the import falls back to the merge and holds that row")
    func idStoredMeanwhile() async throws {
        let db = try ImportDB.make("importdirectrace")
        try db.importText(.applicants, "B0,general,1,female,1999-09-09,100,31,121,Xuhui,,,false,,,\n".withHeader)
        // Another session inserts A2, as an application does, and keeps its transaction open:
        // the import's check cannot see it, and its COPY waits on A2's key.
        let other = try TestDatabase.connect(sameAs: db.connection)
        try other.query("BEGIN")
        try other.query(
            """
            INSERT INTO applicants (city, applicant_id, category, household_size, gender, birth_date, monthly_income,
                work_lat, work_lon, work_district, status, source, changed_by)
            VALUES ('c1', 'A2', 'general', 5, 'male', '1970-01-01', 1, 30, 120, 'Elsewhere', 'pending_review', 'application', 'applicant')
            """)
        let importer = try TestDatabase.connect(sameAs: db.connection)
        let importing = Task {
            try await onOwnThread {
                try Store(connection: importer, city: "c1", actor: "test:import")
                    .importFile(.applicants, bytes: Array(ImportDB.applicantsCSV.utf8))
            }
        }
        // Wait until the import's COPY waits on the other session's transaction, then commit it.
        let deadline = Date().addingTimeInterval(60)
        while try db.value("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'COPY applicants%'") == "0",
            Date() < deadline
        {
            usleep(5_000)
        }
        try other.query("COMMIT")
        let report = try await importing.value
        #expect(!report.copiedStraightIn)
        #expect(report.skipped.map(\.description) == [
            "applicants.csv:3: applicant_id: A2 is an application made over the API (applicants change it themselves); not changed"
        ])
        #expect((report.inserted, report.updated, report.unchanged) == (2, 0, 0))
        #expect(try db.rows("SELECT applicant_id, household_size::text, source FROM applicants ORDER BY applicant_id") == [
            ["A1", "1", "import"], ["A2", "5", "application"], ["A3", "1", "import"], ["B0", "1", "import"],
        ])
        // EMP-1 is named only by the skipped A2: not created.
        #expect(try db.rows("SELECT employer_id FROM employers ORDER BY employer_id") == [["EMP-2"]])
    }
}

extension String {
    /// This text with applicants.csv's header line before it.
    fileprivate var withHeader: String {
        String(ImportDB.applicantsCSV.prefix { $0 != "\n" }) + "\n" + self
    }
}
