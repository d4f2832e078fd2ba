import Allocation
import AllocationFiles
import CityGenerator
import Foundation
import Postgres
import PostgresTestSupport
import Store
import Testing

@Suite("Import: round trip")
struct ImportRoundTripTests {
    @Test("a generated city reads back field by field as the contract parsers read it")
    func generatedCity() throws {
        let db = try ImportDB.make("importgenerated")
        let city = CityGenerator(applicants: 3_000, slots: 1_200, seed: "import round trip").generate()
        let projects = try db.store.importFile(.projects, bytes: city.projectsCSV)
        let slots = try db.store.importFile(.slots, bytes: city.slotsCSV)
        let applicants = try db.store.importFile(.applicants, bytes: city.applicantsCSV)
        #expect(projects.summary() == "projects.csv: \(city.projectCount) rows: \(city.projectCount) inserted, 0 updated, 0 unchanged, 0 skipped")
        #expect((slots.inserted, slots.updated, slots.unchanged, slots.skipped) == (1_200, 0, 0, []))
        #expect((applicants.inserted, applicants.updated, applicants.unchanged, applicants.skipped) == (3_000, 0, 0, []))

        try db.expectStored(projects: ProjectsFile.parse(city.projectsCSV).rows)
        try db.expectStored(slots: SlotsFile.parse(city.slotsCSV).rows)
        try db.expectStored(applicants: ApplicantsFile.parse(city.applicantsCSV).rows)

        // One audit row per batch, naming the actor and the file's digest.
        let audit = try db.rows("SELECT actor, action, entity, entity_id, details->>'inserted' FROM audit_log ORDER BY audit_id")
        #expect(audit == [
            ["test:import", "import", "projects", InputFolder.sha256Hex(city.projectsCSV), String(city.projectCount)],
            ["test:import", "import", "slots", InputFolder.sha256Hex(city.slotsCSV), "1200"],
            ["test:import", "import", "applicants", InputFolder.sha256Hex(city.applicantsCSV), "3000"],
        ])
        #expect(applicants.employersCreated > 0)
        #expect(slots.roomsWritten == Int(try db.value("SELECT count(*) FROM rooms")!)!)
    }

    @Test("tricky text and numbers survive: commas, quotes, newlines, tabs, backslashes, Chinese, tiny coordinates")
    func trickyValues() throws {
        let db = try ImportDB.make("importtricky")
        let projects = #"""
            project_id,name,district,lat,lon,programme
            P1,"淞南人才安居苑, 1号楼",Yangpu,0.00005,-0.000001,talent
            P2,"仙霞""青年之家""
            二期",Jing'an,31.230400,121.0,frontline
            P3,"a\b	tab",静安,-90,180,x.y-z_1
            P4,plain,District,0,-0.0,general

            """#
        let applicants = #"""
            applicant_id,category,household_size,gender,birth_date,monthly_income,work_lat,work_lon,work_district,max_commute_min,max_rent,needs_accessible,priority_points,employer_id,applied_at
            A1,youth_talent,1,female,1996-02-29,8800,0.00005,1.5e-7,"Pu, ""dong""",45,0,TRUE,,E-1,2026-11-03T09:30:00+08:00
            A2,general,4,male,1970-01-01,0,-31.5,121.4737,"多行
            地址",,,0,7,,2026-11-03
            A3,frontline_worker,1,male,2000-12-31,12000,31,121,Minhang,1,99999,false,0,E-1,2026-11-03t23:59:60.123456789z
            A4,general,2,female,1985-06-15,5000,31.2,121.5,Xuhui,,,1,,,2026-01-01T00:30:00+23:59
            A5,general,2,female,1985-06-15,5000,31.2,121.5,Xuhui,,,1,,,

            """#
        // 1.5e-7 is not contract syntax: fix it before the real check.
        let fixed = applicants.replacingOccurrences(of: ",1.5e-7,", with: ",0.00000015,")
        #expect(throws: StoreError.self) { try db.store.importFile(.applicants, bytes: Array(applicants.utf8)) }
        _ = try db.store.importFile(.projects, bytes: Array(projects.utf8))
        _ = try db.store.importFile(.applicants, bytes: Array(fixed.utf8))
        try db.expectStored(projects: ProjectsFile.parse(Array(projects.utf8)).rows)
        try db.expectStored(applicants: ApplicantsFile.parse(Array(fixed.utf8)).rows)
        #expect(try db.value("SELECT name FROM projects WHERE project_id = 'P2'") == "仙霞\"青年之家\"\n二期")
        #expect(try db.value("SELECT lat::text || ' ' || lon::text FROM projects WHERE project_id = 'P1'") == "0.00005 -0.000001")
        #expect(try db.value("SELECT lat::text || ' ' || lon::text FROM projects WHERE project_id = 'P4'") == "0 0")
        #expect(try db.value("SELECT work_lon::text FROM applicants WHERE applicant_id = 'A1'") == "0.00000015")
        // Optional columns left empty are NULL; priority_points defaults to 0.
        #expect(try db.rows("SELECT max_commute_min, max_rent, employer_id, applied_at, priority_points FROM applicants WHERE applicant_id = 'A5'") == [[nil, nil, nil, nil, "0"]])
        #expect(try db.value("SELECT max_rent::text FROM applicants WHERE applicant_id = 'A1'") == "0")
    }

    @Test("re-importing the same files changes nothing: every row unchanged, not even locked")
    func reimportUnchanged() throws {
        let db = try ImportDB.make("importagain")
        let city = CityGenerator(applicants: 800, slots: 400, seed: "again").generate()
        for (kind, bytes) in [(ImportKind.projects, city.projectsCSV), (.slots, city.slotsCSV), (.applicants, city.applicantsCSV)] {
            _ = try db.store.importFile(kind, bytes: bytes)
        }
        // The audit row locks the city row (its foreign key), so cities and audit_log are left out.
        let data = ["employers", "projects", "rooms", "slots", "applicants"]
        let before = try db.snapshot(systemColumns: true, tables: data)
        for (kind, bytes, rows) in [(ImportKind.projects, city.projectsCSV, city.projectCount), (.slots, city.slotsCSV, 400), (.applicants, city.applicantsCSV, 800)] {
            let report = try db.store.importFile(kind, bytes: bytes)
            #expect((report.rows, report.inserted, report.updated, report.unchanged, report.skipped) == (rows, 0, 0, rows, []))
        }
        #expect(try db.snapshot(systemColumns: true, tables: data) == before)  // same xmin and xmax: no update, no lock
        #expect(try db.value("SELECT count(*) FROM audit_log") == "6")
    }

    @Test("changed rows update only those rows, with a new updated_at and, for slots, a new version")
    func changedRows() throws {
        let db = try ImportDB.make("importchanged")
        try db.importText(.projects, ImportDB.projectsCSV)
        try db.importText(.slots, ImportDB.slotsCSV)
        try db.importText(.applicants, ImportDB.applicantsCSV)
        try db.connection.query("UPDATE slots SET updated_at = now() - interval '1 day'")
        try db.connection.query("UPDATE applicants SET updated_at = now() - interval '1 day'")

        let projects = try db.importText(.projects, ImportDB.projectsCSV.replacingOccurrences(of: "Huangpu Flats", with: "黄浦公寓"))
        #expect((projects.inserted, projects.updated, projects.unchanged) == (0, 1, 1))
        #expect(try db.value("SELECT name FROM projects WHERE project_id = 'P1'") == "黄浦公寓")

        let slots = try db.importText(
            .slots,
            ImportDB.slotsCSV.replacingOccurrences(of: "S2,P1,apartment,,3,2500", with: "S2,P1,apartment,,3,2600")
                + "S9,P2,bed,R2,1,700,male,false,maintenance,EMP-NEW\n")
        #expect((slots.inserted, slots.updated, slots.unchanged, slots.employersCreated) == (1, 1, 4, 1))
        #expect(try db.rows("SELECT slot_id, rent::text, version::text, updated_at > now() - interval '1 hour' FROM slots ORDER BY slot_id") == [
            ["S1", "2000", "1", "f"], ["S2", "2600", "2", "t"], ["S3", "800", "1", "f"], ["S4", "800", "1", "f"],
            ["S5", "600", "1", "f"], ["S9", "700", "1", "t"],
        ])
        #expect(try db.value("SELECT status FROM slots WHERE slot_id = 'S9'") == "maintenance")
        #expect(try db.value("SELECT name FROM employers WHERE employer_id = 'EMP-NEW'") == "EMP-NEW")

        let applicants = try db.importText(
            .applicants, ImportDB.applicantsCSV.replacingOccurrences(of: "A2,general,2,male", with: "A2,general,3,male"))
        #expect((applicants.inserted, applicants.updated, applicants.unchanged) == (0, 1, 2))
        #expect(try db.rows("SELECT applicant_id, household_size::text, status, updated_at > now() - interval '1 hour' FROM applicants ORDER BY applicant_id") == [
            ["A1", "1", "waiting", "f"], ["A2", "3", "waiting", "t"], ["A3", "1", "waiting", "f"],
        ])
        // The same instant written with another offset is the same value: unchanged.
        let sameInstant = ImportDB.applicantsCSV.replacingOccurrences(of: "2026-11-03T09:30:00+08:00", with: "2026-11-03T01:30:00Z")
        #expect(try db.importText(.applicants, sameInstant.replacingOccurrences(of: "A2,general,2,male", with: "A2,general,3,male")).unchanged == 3)
    }

    @Test("two imports of one city at once take turns: one inserts, the other finds every row unchanged")
    func concurrentImports() async throws {
        let (connection, url) = try TestDatabase.migratedWithURL("importconcurrent")
        let first = try Store(connection: connection, city: "c1", actor: "test:first")
        let second = try Store(connection: try PostgresConnection(url), city: "c1", actor: "test:second")
        let applicants = CityGenerator(applicants: 5_000, slots: 10, seed: "race").generate().applicantsCSV
        async let a = Task.detached { try first.importFile(.applicants, bytes: applicants) }.value
        async let b = Task.detached { try second.importFile(.applicants, bytes: applicants) }.value
        let reports = try await [a, b]
        #expect(reports.map(\.inserted).sorted() == [0, 5_000])
        #expect(reports.map(\.unchanged).sorted() == [0, 5_000])
        #expect(try connection.query("SELECT count(*) FROM applicants").first?[0] == "5000")
    }

    @Test("a dorm room takes its beds' gender, and may change it when every bed of it is in the file")
    func roomGender() throws {
        let db = try ImportDB.make("importrooms")
        try db.importText(.projects, ImportDB.projectsCSV)
        try db.importText(.slots, ImportDB.slotsCSV)
        #expect(try db.rows("SELECT project_id, room_id, gender FROM rooms ORDER BY room_id") == [["P2", "R1", "female"], ["P2", "R2", "male"]])
        let flipped = ImportDB.slotsCSV.replacingOccurrences(of: "R1,1,800,female", with: "R1,1,800,male")
        let report = try db.importText(.slots, flipped)
        #expect((report.updated, report.roomsWritten) == (2, 1))
        #expect(try db.value("SELECT gender FROM rooms WHERE room_id = 'R1'") == "male")
        // room_id on an apartment is ignored, as the contract says: stored as NULL.
        #expect(try db.value("SELECT coalesce(room_id, 'NULL') FROM slots WHERE slot_id = 'S1'") == "NULL")
    }
}

// MARK: - Helpers shared by the import suites

/// A fresh migrated database with a Store for city `c1` acting as `test:import`, small
/// hand-written files, and readers for what an import wrote.
struct ImportDB {
    let connection: PostgresConnection
    let store: Store

    static func make(_ label: String, city: String = "c1") throws -> ImportDB {
        let connection = try TestDatabase.migrated(label)
        return ImportDB(connection: connection, store: try Store(connection: connection, city: city, actor: "test:import"))
    }

    static let projectsCSV = """
        project_id,name,district,lat,lon,programme
        P1,Huangpu Flats,Huangpu,31.2304,121.4737,general
        P2,Dorm,Putuo,31.25,121.4,frontline

        """

    /// S1 an apartment with a room id (ignored); R1 two female beds, R2 one male bed.
    static let slotsCSV = """
        slot_id,project_id,kind,room_id,max_household,rent,gender,accessible,status,reserved_employer_id
        S1,P1,apartment,X1,2,2000,any,true,available,
        S2,P1,apartment,,3,2500,any,false,available,
        S3,P2,bed,R1,1,800,female,false,available,EMP-1
        S4,P2,bed,R1,1,800,female,false,offered,
        S5,P2,bed,R2,1,600,male,false,available,

        """

    static let applicantsCSV = """
        applicant_id,category,household_size,gender,birth_date,monthly_income,work_lat,work_lon,work_district,max_commute_min,max_rent,needs_accessible,priority_points,employer_id,applied_at
        A1,youth_talent,1,female,1995-05-05,9000,31.2,121.45,Huangpu,45,3000,false,2,,2026-11-03T09:30:00+08:00
        A2,general,2,male,1980-01-01,7000,31.3,121.5,Putuo,,,false,,EMP-1,
        A3,frontline_worker,1,male,1990-03-03,6000,31.1,121.3,Minhang,,900,true,0,EMP-2,2026-11-02

        """

    /// Imports `text` as `kind`'s file under its contract name.
    @discardableResult
    func importText(_ kind: ImportKind, _ text: String, dryRun: Bool = false) throws -> ImportReport {
        try store.importFile(kind, bytes: Array(text.utf8), dryRun: dryRun)
    }

    func rows(_ sql: String, _ parameters: [String?] = []) throws -> [[String?]] {
        try connection.query(sql, parameters).values
    }

    func value(_ sql: String, _ parameters: [String?] = []) throws -> String? {
        try connection.query(sql, parameters).first?[0]
    }

    static let tables = [
        "cities", "employers", "projects", "rooms", "slots", "applicants", "rounds", "offers", "tenancies", "audit_log",
    ]

    /// Every table's full contents as COPY text, rows sorted; with `systemColumns`, each
    /// row's xmin and xmax too, so that an update or a row lock shows.
    func snapshot(systemColumns: Bool = false, tables names: [String] = ImportDB.tables) throws -> [String: [UInt8]] {
        var tables: [String: [UInt8]] = [:]
        for table in names {
            let select = systemColumns ? "SELECT xmin, xmax, t.* FROM \(table) t" : "SELECT * FROM \(table) t"
            tables[table] = try connection.copyOut("COPY (\(select) ORDER BY t::text COLLATE \"C\") TO STDOUT")
        }
        return tables
    }

    /// A round that has run (the state offers hang off).
    func round(_ id: String = "R1") throws {
        try connection.query(
            """
            INSERT INTO rounds (city, round_id, status, policy, seed, input_digest, optimal_ties)
            VALUES ($1, $2, 'run', '{}'::jsonb, 'seed', 'digest', 'canonical') ON CONFLICT DO NOTHING
            """, [store.city, id])
    }

    /// A live offer of `slot` to `applicant`, as a round makes it.
    func liveOffer(slot: String, applicant: String) throws {
        try round()
        try connection.query(
            "INSERT INTO offers (city, round_id, slot_id, applicant_id, deadline) VALUES ($1, 'R1', $2, $3, now() + interval '7 days')",
            [store.city, slot, applicant])
        try connection.query("UPDATE slots SET status = 'offered' WHERE city = $1 AND slot_id = $2", [store.city, slot])
        try connection.query("UPDATE applicants SET status = 'offered' WHERE city = $1 AND applicant_id = $2", [store.city, applicant])
    }

    /// An accepted offer and an active tenancy of `slot` by `applicant`.
    func tenancy(slot: String, applicant: String, applicantStatus: String = "housed") throws {
        try round()
        let offer = try connection.query(
            """
            INSERT INTO offers (city, round_id, slot_id, applicant_id, status, deadline, answered_at)
            VALUES ($1, 'R1', $2, $3, 'accepted', now(), now()) RETURNING offer_id
            """, [store.city, slot, applicant]).first?[0]
        try connection.query(
            "INSERT INTO tenancies (city, slot_id, applicant_id, offer_id) VALUES ($1, $2, $3, $4::bigint)",
            [store.city, slot, applicant, offer])
        try connection.query("UPDATE slots SET status = 'occupied' WHERE city = $1 AND slot_id = $2", [store.city, slot])
        try connection.query("UPDATE applicants SET status = $3 WHERE city = $1 AND applicant_id = $2", [store.city, applicant, applicantStatus])
    }

    // MARK: Reading back and comparing with the parsed rows

    /// Sorted byte-wise, the order `ORDER BY … COLLATE "C"` gives.
    private static func byID<Row>(_ rows: [Row], _ id: (Row) -> String) -> [Row] {
        rows.sorted { Array(id($0).utf8).lexicographicallyPrecedes(Array(id($1).utf8)) }
    }

    /// A coordinate column holds exactly `DecimalText.format` of the parsed Double.
    private static func coordinate(_ stored: String?, _ parsed: Double) -> Bool {
        stored == DecimalText.format(parsed) && stored.flatMap(Double.init) == parsed
    }

    func expectStored(projects: [Project], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let stored = try rows("SELECT project_id, name, district, lat::text, lon::text, programme FROM projects WHERE city = $1 ORDER BY project_id COLLATE \"C\"", [store.city])
        let expected = Self.byID(projects, \.id)
        #expect(stored.count == expected.count, sourceLocation: sourceLocation)
        for (row, p) in zip(stored, expected) {
            #expect(row[0] == p.id && row[1] == p.name && row[2] == p.district && row[5] == p.programme, "\(row) vs \(p)", sourceLocation: sourceLocation)
            #expect(Self.coordinate(row[3], p.lat) && Self.coordinate(row[4], p.lon), "\(row) vs \(p)", sourceLocation: sourceLocation)
        }
    }

    func expectStored(slots: [Slot], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let stored = try rows(
            """
            SELECT s.slot_id, s.project_id, s.kind, s.room_id, s.max_household::text, s.rent::text, s.gender, s.accessible::text,
                   s.status, s.reserved_employer_id, r.gender, e.name
            FROM slots s LEFT JOIN rooms r USING (city, project_id, room_id)
                         LEFT JOIN employers e ON e.city = s.city AND e.employer_id = s.reserved_employer_id
            WHERE s.city = $1 ORDER BY s.slot_id COLLATE "C"
            """, [store.city])
        let expected = Self.byID(slots, \.id)
        #expect(stored.count == expected.count, sourceLocation: sourceLocation)
        for (row, s) in zip(stored, expected) {
            let room = s.kind == .bed ? s.roomID : nil
            let fields: [String?] = [
                s.id, s.projectID, s.kind.rawValue, room, String(s.maxHousehold), String(s.rent), s.gender.rawValue,
                s.accessible ? "true" : "false", s.status.rawValue, s.reservedEmployerID,
                room == nil ? nil : s.gender.rawValue, s.reservedEmployerID,
            ]
            #expect(row == fields, sourceLocation: sourceLocation)
        }
    }

    func expectStored(applicants: [Applicant], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let stored = try rows(
            """
            SELECT a.applicant_id, a.category, a.household_size::text, a.gender, a.birth_date::text, a.monthly_income::text,
                   a.work_lat::text, a.work_lon::text, a.work_district, a.max_commute_min::text, a.max_rent::text,
                   a.needs_accessible::text, a.priority_points::text, a.employer_id,
                   extract(epoch FROM a.applied_at)::text, a.status, e.name
            FROM applicants a LEFT JOIN employers e USING (city, employer_id)
            WHERE a.city = $1 ORDER BY a.applicant_id COLLATE "C"
            """, [store.city])
        let expected = Self.byID(applicants, \.id)
        #expect(stored.count == expected.count, sourceLocation: sourceLocation)
        for (row, a) in zip(stored, expected) {
            let fields: [String?] = [
                a.id, a.category.rawValue, String(a.householdSize), a.gender.rawValue, a.birthDate.description,
                String(a.monthlyIncome), row[6], row[7], a.workDistrict, a.maxCommuteMin.map(String.init),
                a.maxRent.map(String.init), a.needsAccessible ? "true" : "false", String(a.priorityPoints), a.employerID,
                row[14], "waiting", a.employerID,
            ]
            #expect(row == fields, sourceLocation: sourceLocation)
            #expect(Self.coordinate(row[6], a.workLat) && Self.coordinate(row[7], a.workLon), "\(row) vs \(a)", sourceLocation: sourceLocation)
            let epoch = row[14].flatMap(Double.init)
            let expectedEpoch = a.appliedAt.map(ExpectedInstant.epochSeconds)
            #expect(epoch == nil && expectedEpoch == nil || abs((epoch ?? 0) - (expectedEpoch ?? .nan)) < 2e-6, "\(a.id): \(String(describing: a.appliedAt)) stored as \(String(describing: row[14]))", sourceLocation: sourceLocation)
        }
    }
}

/// The instant a contract timestamp names, computed independently of the importer with
/// Foundation's calendar: a plain date is midnight UTC (Anju's reading); otherwise the
/// local time minus its offset.
enum ExpectedInstant {
    static func epochSeconds(_ text: String) -> Double {
        let u = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int { Int(String(decoding: u[start..<(start + count)], as: UTF8.self))! }
        var components = DateComponents(year: number(0, 4), month: number(5, 2), day: number(8, 2), hour: 0, minute: 0, second: 0)
        var offsetSeconds = 0
        var fraction = 0.0
        if u.count > 10 {
            components.hour = number(11, 2)
            components.minute = number(14, 2)
            components.second = number(17, 2)
            var i = 19
            if u[i] == UInt8(ascii: ".") {
                let start = i
                i += 1
                while i < u.count, u[i] >= 48, u[i] <= 57 { i += 1 }
                fraction = Double("0" + String(decoding: u[start..<i], as: UTF8.self))!
            }
            if u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") {
                offsetSeconds = (number(i + 1, 2) * 3600 + number(i + 4, 2) * 60) * (u[i] == UInt8(ascii: "+") ? 1 : -1)
            }
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let local = calendar.date(from: components)!.timeIntervalSince1970
        // PostgreSQL keeps microseconds, rounded.
        return local - Double(offsetSeconds) + (fraction * 1e6).rounded() / 1e6
    }
}
