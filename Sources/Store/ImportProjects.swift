import AllocationFiles

extension ImportTable {
    /// projects.csv → `projects`. Nothing holds a project: a re-import always updates it.
    static let projects = ImportTable(
        table: "projects", id: "project_id",
        columns: [
            ("project_id", "text"), ("name", "text"), ("district", "text"), ("lat", "numeric"), ("lon", "numeric"),
            ("programme", "text"),
        ],
        tracksUpdates: false, versioned: false, heldBecause: nil)
}

extension Store {
    /// projects.csv: parse (any identifier is a programme here: the policy comes with a
    /// round, which rejects a programme it does not define), stage, merge.
    func importProjects(_ bytes: [UInt8], fileName: String, progress: ((String) -> Void)?) throws -> ImportOutcome {
        progress?("checking \(fileName)")
        let parsed = ProjectsFile.parse(bytes, fileName: fileName, identifierProgrammes: true)
        guard parsed.isValid, let lines = parsed.idLines else { throw Self.invalid(parsed.diagnostics) }
        var checks = ImportChecks(file: fileName)
        for p in parsed.rows {
            checks.text(p.name, line: lines[p.id] ?? 0, column: "name")
            checks.text(p.district, line: lines[p.id] ?? 0, column: "district")
        }
        guard checks.problems.isEmpty else { throw Self.invalid(checks.problems) }
        progress?("merging \(fileName)")
        let rows = ImportRows(rows: parsed.rows, bytesPerRow: bytes.count / max(1, parsed.rows.count) + 16) {
            copy, p in
            copy.int(lines[p.id] ?? 0)
            copy.text(p.id)
            copy.text(p.name)
            copy.text(p.district)
            copy.decimal(p.lat)
            copy.decimal(p.lon)
            copy.text(p.programme)
            copy.endRow()
        }
        let stage = try ImportStage(store: self, table: .projects, fileName: fileName, rows: rows)
        var outcome = ImportOutcome(rows: parsed.rows.count, skipped: stage.skipped)
        (outcome.inserted, outcome.updated) = try stage.merge()
        return outcome
    }
}
