import Allocation

/// Reads `projects.csv`: the buildings and estates a round lets places in.
public enum ProjectsFile {
    /// The name the contract gives the file; diagnostics use it unless told otherwise.
    public static let defaultName = "projects.csv"

    private enum Column: Int, CaseIterable {
        case projectID, name, district, lat, lon, programme
    }

    static let columns = [
        CSVColumn("project_id"), CSVColumn("name"), CSVColumn("district"), CSVColumn("lat"), CSVColumn("lon"),
        CSVColumn("programme"),
    ]

    /// Parses and validates the file's bytes. `programmes` is the set of programme names
    /// the policy defines; pass nil when the policy could not be read far enough, and
    /// the programme column is then only checked for being given.
    ///
    /// `identifierProgrammes`: for `anju import`, where no policy is at hand (a policy
    /// comes with a round, which rejects a programme it does not define): when `programmes`
    /// is nil, a programme must still have the shape of an identifier.
    public static func parse(
        _ bytes: [UInt8], fileName: String = defaultName, programmes: Set<String>? = nil,
        identifierProgrammes: Bool = false
    ) -> ParsedRows<Project> {
        var projects: [Project] = []
        let capacity = CSVReader.lineCount(bytes)
        projects.reserveCapacity(capacity)
        var seen = FirstOccurrences(capacity: capacity)
        let known = programmes.map { $0.sorted { $0.utf8Less($1) }.map(quoted).joined(separator: ", ") }
        let outcome = CSVReader.read(bytes, file: fileName, columns: columns) { row in
            let id = row.id(Column.projectID.rawValue)
            seen.register(id, column: Column.projectID.rawValue, in: &row)
            let name = row.text(Column.name.rawValue)
            let district = row.text(Column.district.rawValue)
            let lat = row.latitude(Column.lat.rawValue)
            let lon = row.longitude(Column.lon.rawValue)
            let programme =
                identifierProgrammes && programmes == nil
                ? row.id(Column.programme.rawValue) : row.text(Column.programme.rawValue)
            if let programme, let programmes, let known, !programmes.contains(programme) {
                let defined = programmes.isEmpty ? "policy.json defines no programme" : "policy.json defines \(known)"
                row.report(Column.programme.rawValue, "unknown programme \(quoted(programme)); \(defined)")
            }
            guard !row.failed, let id, let name, let district, let lat, let lon, let programme else { return }
            projects.append(Project(id: id, name: name, district: district, lat: lat, lon: lon, programme: programme))
        }
        let idsReadable = outcome.complete && outcome.present[Column.projectID.rawValue]
        return ParsedRows(
            rows: projects, diagnostics: Diagnostic.sorted(outcome.diagnostics), idLines: idsReadable ? seen.lines : nil)
    }
}
