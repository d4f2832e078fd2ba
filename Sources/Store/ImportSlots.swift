import AllocationFiles
import Postgres

extension ImportTable {
    /// slots.csv → `slots`. A slot is held while it has a live offer or an active tenancy
    /// (a round marks its slots offered and an accepted offer makes one occupied in the
    /// same transaction as those rows, so this covers every status Anju itself set); a
    /// status of `offered` or `occupied` that came from a file holds nothing.
    static let slots = ImportTable(
        table: "slots", id: "slot_id",
        columns: [
            ("slot_id", "text"), ("project_id", "text"), ("kind", "text"), ("room_id", "text"),
            ("max_household", "integer"), ("rent", "integer"), ("gender", "text"), ("accessible", "boolean"),
            ("status", "text"), ("reserved_employer_id", "text"),
        ],
        tracksUpdates: true, versioned: true,
        heldBecause: """
            CASE WHEN EXISTS (SELECT 1 FROM offers o
                              WHERE o.city = t.city AND o.slot_id = t.slot_id AND o.status = 'offered')
                 THEN 'has a live offer'
                 WHEN EXISTS (SELECT 1 FROM tenancies n
                              WHERE n.city = t.city AND n.slot_id = t.slot_id AND n.status = 'active')
                 THEN 'has an active tenancy'
            END
            """)
}

extension Store {
    /// slots.csv: parse against this city's projects in the database, stage, check dorm
    /// rooms against the beds already stored, then create employers and rooms and merge.
    ///
    /// A `room_id` on an apartment is stored as NULL: the contract ignores it (rooms group
    /// beds only), and a room row takes its gender from its beds.
    func importSlots(_ bytes: [UInt8], fileName: String, progress: ((String) -> Void)?) throws -> ImportOutcome {
        progress?("checking \(fileName)")
        let projectIDs = Set(
            try connection.query("SELECT project_id FROM projects WHERE city = $1", [city]).map {
                try $0.decode(String.self, at: 0)
            })
        let parsed = SlotsFile.parse(
            bytes, fileName: fileName, projectIDs: projectIDs,
            projectsSource: "the projects of city \"\(city)\" in the database; import its projects.csv first")
        guard let lines = parsed.idLines else { throw Self.invalid(parsed.diagnostics) }
        // Rows the schema could not hold are reported and not staged.
        var checks = ImportChecks(file: fileName)
        let storable = parsed.rows.filter { s in
            let line = lines[s.id] ?? 0
            let household = checks.integer(s.maxHousehold, line: line, column: "max_household")
            return checks.integer(s.rent, line: line, column: "rent") && household
        }
        // The valid rows are staged even when others are not, so that every problem —
        // in the file and against the database — is reported in one go.
        progress?("copying \(fileName)")
        let rows = ImportRows(rows: storable, bytesPerRow: bytes.count / max(1, parsed.rows.count) + 16) {
            copy, s in
            copy.int(lines[s.id] ?? 0)
            copy.text(s.id)
            copy.text(s.projectID)
            copy.text(s.kind.rawValue)
            copy.text(s.kind == .bed ? s.roomID : nil)
            copy.int(s.maxHousehold)
            copy.int(s.rent)
            copy.text(s.gender.rawValue)
            copy.bool(s.accessible)
            copy.text(s.status.rawValue)
            copy.text(s.reservedEmployerID)
            copy.endRow()
        }
        let stage = try ImportStage(store: self, table: .slots, fileName: fileName, rows: rows)
        let problems = parsed.diagnostics + checks.problems + (try roomConflicts(fileName: fileName))
        guard problems.isEmpty else { throw Self.invalid(problems) }
        progress?("merging \(fileName)")
        var outcome = ImportOutcome(rows: parsed.rows.count, skipped: stage.skipped)
        let skipped = Set(stage.skipped.map(\.id))
        let employers = Set(parsed.rows.lazy.filter { !skipped.contains($0.id) }.compactMap(\.reservedEmployerID))
        outcome.employersCreated = try ImportTable.createEmployers(connection, city: city, ids: employers)
        outcome.roomsWritten = try writeRooms()
        (outcome.inserted, outcome.updated) = try stage.merge()
        return outcome
    }

    /// Staged beds whose gender differs from a bed of the same room that stays in the
    /// database as it is (not in this file, or held by an offer or tenancy): one problem per
    /// staged bed, naming the stored bed it clashes with.
    private func roomConflicts(fileName: String) throws -> [Diagnostic] {
        let rows = try connection.query(
            """
            SELECT DISTINCT ON (s.line) s.line, s.gender, s.project_id, s.room_id, d.slot_id, d.gender
            FROM \(ImportTable.staging) s
            JOIN slots d ON d.city = $1 AND d.project_id = s.project_id AND d.room_id = s.room_id AND d.kind = 'bed'
            WHERE s.kind = 'bed' AND s.room_id IS NOT NULL AND d.gender <> s.gender
              AND NOT EXISTS (SELECT 1 FROM \(ImportTable.staging) x WHERE x.slot_id = d.slot_id)
            ORDER BY s.line, d.slot_id
            """, [city])
        return try rows.map { row in
            let gender = try row.decode(String.self, at: 1)
            let (project, room) = (try row.decode(String.self, at: 2), try row.decode(String.self, at: 3))
            let (bed, stored) = (try row.decode(String.self, at: 4), try row.decode(String.self, at: 5))
            return Diagnostic(
                file: fileName, line: try row.decode(Int.self, at: 0), column: "gender",
                message: "\"\(gender)\" differs from \"\(stored)\", the gender of bed \"\(bed)\" already in room \"\(room)\" of project \"\(project)\" in the database; beds of one room share one gender")
        }
    }

    /// Creates the rooms the staged (new or changed) beds name and gives each the gender of
    /// its beds — checked consistent with the stored ones first; returns how many rooms were
    /// created or changed.
    private func writeRooms() throws -> Int {
        try connection.query(
            """
            INSERT INTO rooms (city, project_id, room_id, gender)
            SELECT DISTINCT $1, project_id, room_id, gender FROM \(ImportTable.staging)
            WHERE kind = 'bed' AND room_id IS NOT NULL
            ON CONFLICT (city, project_id, room_id) DO UPDATE SET gender = EXCLUDED.gender
            WHERE rooms.gender <> EXCLUDED.gender
            """, [city]
        ).affectedRows
    }
}
