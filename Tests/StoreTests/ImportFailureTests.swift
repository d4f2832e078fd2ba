import AllocationFiles
import CityGenerator
import Foundation
import Store
import Testing

/// All or nothing: any problem in a file, or between the file and the database, fails the
/// whole import with every problem listed, and the database stays byte for byte as it was.
@Suite("Import: invalid files change nothing")
struct ImportFailureTests {
    /// The database with the small city imported, and its snapshot.
    private static func seeded(_ label: String) throws -> (ImportDB, [String: [UInt8]]) {
        let db = try ImportDB.make(label)
        try db.importText(.projects, ImportDB.projectsCSV)
        try db.importText(.slots, ImportDB.slotsCSV)
        try db.importText(.applicants, ImportDB.applicantsCSV)
        return (db, try db.snapshot())
    }

    private static func problems(_ body: () throws -> Void) -> [String] {
        do {
            try body()
            return []
        } catch let error as StoreError where error.kind == .invalid {
            let problems = error.problems.map(\.description)
            return problems
        } catch {
            return ["unexpected error: \(error)"]
        }
    }

    @Test("bad rows among many valid ones: every problem, in the parser's words, and nothing written")
    func badRowsAmongMany() throws {
        let (db, before) = try Self.seeded("importbadrows")
        var lines = CityGenerator(applicants: 2_000, slots: 10, seed: "bad rows").generate().applicantsCSV
            .split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
        lines[700] = lines[700].replacingOccurrences(of: ",female,", with: ",other,").replacingOccurrences(of: ",male,", with: ",other,")
        lines[1_500] = lines[1] // a duplicate of A0000001
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        let expected = ApplicantsFile.parse(bytes).diagnostics.map(\.description)
        #expect(expected.count == 2)
        #expect(Self.problems { _ = try db.store.importFile(.applicants, bytes: bytes) } == expected)
        #expect(try db.snapshot() == before)
    }

    @Test("slots naming a project this city lacks — even one another city has — are refused")
    func unknownProject() throws {
        let (db, _) = try Self.seeded("importunknownproject")
        let other = try Store(connection: db.connection, city: "c2", actor: "test:import")
        _ = try other.importFile(.projects, bytes: Array("project_id,name,district,lat,lon,programme\nP9,Elsewhere,X,1,1,general\n".utf8))
        let before = try db.snapshot()
        let slots = ImportDB.slotsCSV + "S9,P9,apartment,,1,100,any,false,available,\n"
        #expect(Self.problems { try db.importText(.slots, slots) } == [
            #"slots.csv:7: project_id: unknown project "P9"; it is not in the projects of city "c1" in the database; import its projects.csv first"#
        ])
        #expect(try db.snapshot() == before)
    }

    @Test("a room's gender conflicts with its beds in the database, and the file's own problems, all listed")
    func roomConflictWithDatabase() throws {
        let (db, before) = try Self.seeded("importroomconflict")
        let slots = """
            slot_id,project_id,kind,room_id,max_household,rent,gender,accessible,status,reserved_employer_id
            S6,P2,bed,R1,1,800,male,false,available,
            S7,P2,bed,R1,1,800,male,false,available,
            S8,P2,bed,R3,1,-5,male,false,available,
            S9,P2,bed,R3,1,800,female,false,available,

            """
        #expect(Self.problems { try db.importText(.slots, slots) } == [
            #"slots.csv:2: gender: "male" differs from "female", the gender of bed "S3" already in room "R1" of project "P2" in the database; beds of one room share one gender"#,
            #"slots.csv:3: gender: "male" differs from "female", the gender of bed "S3" already in room "R1" of project "P2" in the database; beds of one room share one gender"#,
            "slots.csv:4: rent: -5 is out of range; expected a whole number of at least 0",
            #"slots.csv:5: gender: "female" differs from "male", the gender of the first bed of room "R3" in project "P2" (line 4); beds of one room share one gender"#,
        ])
        #expect(try db.snapshot() == before)
    }

    @Test("a programme must look like an identifier; a text with a NUL character cannot be stored")
    func projectProblems() throws {
        let (db, before) = try Self.seeded("importprojectproblems")
        let projects = "project_id,name,district,lat,lon,programme\nP3,Ok,X,1,1,talent programme\nP4,Ok,X,91,1,general\n"
        #expect(Self.problems { try db.importText(.projects, projects) } == [
            #"projects.csv:2: programme: "talent programme" is not a valid id; expected an id of 1 to 64 characters from A-Z a-z 0-9 _ - ."#,
            "projects.csv:3: lat: 91 is out of range; expected a latitude in decimal degrees between -90 and 90",
        ])
        let nul = "project_id,name,district,lat,lon,programme\nP3,Bad\u{0}Name,X,1,1,general\n"
        #expect(Self.problems { try db.importText(.projects, nul) } == [
            "projects.csv:2: name: contains a NUL character (byte 0), which the database cannot store; remove it"
        ])
        #expect(try db.snapshot() == before)
    }

    @Test("numbers the contract allows (64 bits) but the schema's integer columns cannot hold are located problems")
    func integersTooLarge() throws {
        let (db, before) = try Self.seeded("importbigints")
        let slots = ImportDB.slotsCSV.replacingOccurrences(of: ",2500,", with: ",3000000000,")
        #expect(Self.problems { try db.importText(.slots, slots) } == [
            "slots.csv:3: rent: 3000000000 is too large to store; expected at most 2147483647"
        ])
        let applicants = ImportDB.applicantsCSV.replacingOccurrences(of: ",7000,", with: ",2147483648,")
            .replacingOccurrences(of: ",9000,", with: ",2147483647,")
        #expect(Self.problems { try db.importText(.applicants, applicants) } == [
            "applicants.csv:3: monthly_income: 2147483648 is too large to store; expected at most 2147483647"
        ])
        #expect(try db.snapshot() == before)
    }

    @Test("a dry run checks everything and counts what would change, but writes nothing")
    func dryRun() throws {
        let (db, before) = try Self.seeded("importdryrun")
        let changed = ImportDB.slotsCSV.replacingOccurrences(of: ",2000,", with: ",2100,") + "S9,P1,apartment,,1,100,any,false,available,EMP-9\n"
        let dry = try db.importText(.slots, changed, dryRun: true)
        #expect(try db.snapshot() == before)
        #expect(Self.problems { try db.importText(.slots, changed + "S10,P8,apartment,,1,100,any,false,available,\n", dryRun: true) }.count == 1)
        let real = try db.importText(.slots, changed)
        #expect(dry.dryRun && !real.dryRun)
        #expect((dry.inserted, dry.updated, dry.unchanged, dry.employersCreated) == (real.inserted, real.updated, real.unchanged, real.employersCreated))
        #expect((real.inserted, real.updated, real.unchanged, real.employersCreated) == (1, 1, 4, 1))
    }

    @Test("an empty file or a missing header is reported, not imported")
    func emptyFile() throws {
        let (db, before) = try Self.seeded("importempty")
        #expect(Self.problems { _ = try db.store.importFile(.applicants, bytes: []) }.count == 1)
        #expect(Self.problems { _ = try db.store.importFile(.slots, bytes: Array("slot_id\nS1\n".utf8)) }.count >= 1)
        #expect(try db.snapshot() == before)
    }
}
