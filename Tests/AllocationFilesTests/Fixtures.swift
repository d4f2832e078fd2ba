import Foundation

/// Small, valid input files, and ways to spoil one cell of them, so each test states only
/// what it changes.
enum Fixtures {
    static let projectsHeader = ["project_id", "name", "district", "lat", "lon", "programme"]
    static let projectRow = ["P1", "浦东人才公寓", "Pudong", "31.2304", "121.4737", "talent"]

    static let slotsHeader = [
        "slot_id", "project_id", "kind", "room_id", "max_household", "rent", "gender", "accessible", "status",
        "reserved_employer_id",
    ]
    static let slotRow = ["S1", "P1", "apartment", "", "3", "2500", "any", "true", "available", ""]

    static let applicantsHeader = [
        "applicant_id", "category", "household_size", "gender", "birth_date", "monthly_income", "work_lat",
        "work_lon", "work_district", "max_commute_min", "max_rent", "needs_accessible", "priority_points",
        "employer_id", "applied_at",
    ]
    static let applicantRow = [
        "A1", "youth_talent", "1", "female", "1995-04-12", "9000", "31.23", "121.47", "Pudong", "45", "3000",
        "false", "2", "", "2026-11-03T09:30:00+08:00",
    ]

    static let projects = """
        project_id,name,district,lat,lon,programme
        P1,浦东人才公寓,Pudong,31.2304,121.4737,talent
        P2,"Putuo Beds, Block 2",Putuo,31.25,121.40,frontline

        """

    static let slots = """
        slot_id,project_id,kind,room_id,max_household,rent,gender,accessible,status,reserved_employer_id
        S1,P1,apartment,,3,2500,any,true,available,
        S2,P2,bed,R1,1,800,female,false,available,
        S3,P2,bed,R1,1,800,female,FALSE,available,E1

        """

    static let applicants = """
        applicant_id,category,household_size,gender,birth_date,monthly_income,work_lat,work_lon,work_district,max_commute_min,max_rent,needs_accessible,priority_points,employer_id,applied_at
        A1,youth_talent,1,female,1995-04-12,9000,31.23,121.47,Pudong,45,3000,false,2,,2026-11-03T09:30:00+08:00
        A2,frontline_worker,1,male,1980-01-01,6000,31.2,121.4,Putuo,,,true,,E1,

        """

    static let policy = """
        {
          "round_date": "2026-12-01",
          "mechanism": "deferred_acceptance",
          "seed": "2026-12-01 public draw, Putuo",
          "local_priority": true,
          "default_max_commute_min": 60,
          "commute": { "overhead_min": 10, "detour_factor": 1.3, "speed_kmh": 25 },
          "programmes": {
            "talent":    { "categories": ["youth_talent"], "max_age": 35 },
            "frontline": { "categories": ["frontline_worker"], "income_max": 12000 },
            "general":   { "categories": ["youth_talent", "frontline_worker", "general"] }
          }
        }

        """

    /// A header line and one row, with some cells replaced: the row is on line 2.
    static func csv(_ header: [String], _ row: [String], _ changes: [String: String] = [:]) -> [UInt8] {
        var cells = row
        for (column, value) in changes { cells[header.firstIndex(of: column)!] = value }
        return Array((header.joined(separator: ",") + "\n" + cells.joined(separator: ",") + "\n").utf8)
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
}

/// A fresh folder under the system's temporary folder, removed when the test is done.
final class TemporaryFolder {
    let path: String

    init() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("anju-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ name: String, _ text: String) throws { try write(name, Array(text.utf8)) }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path).appendingPathComponent(name))
    }

    func read(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path).appendingPathComponent(name)))
    }

    /// Writes the four valid fixture files, then any replacements.
    func writeValidInput(replacing: [String: String] = [:]) throws {
        let files = [
            "projects.csv": Fixtures.projects, "slots.csv": Fixtures.slots, "applicants.csv": Fixtures.applicants,
            "policy.json": Fixtures.policy,
        ]
        for (name, text) in files.merging(replacing, uniquingKeysWith: { $1 }) { try write(name, text) }
    }
}
