import Allocation

/// Reads `slots.csv`: every allocatable apartment and bed, with the rules that tie rows
/// together — project references, beds for one person, one gender per dorm room.
public enum SlotsFile {
    /// The name the contract gives the file; diagnostics use it unless told otherwise.
    public static let defaultName = "slots.csv"

    private enum Column: Int {
        case slotID, projectID, kind, roomID, maxHousehold, rent, gender, accessible, status, reservedEmployerID
    }

    static let columns = [
        CSVColumn("slot_id"), CSVColumn("project_id"), CSVColumn("kind"), CSVColumn("room_id", optional: true),
        CSVColumn("max_household"), CSVColumn("rent"), CSVColumn("gender"), CSVColumn("accessible"),
        CSVColumn("status"), CSVColumn("reserved_employer_id", optional: true),
    ]

    /// Parses and validates the file's bytes. `projectIDs` are the projects slots may
    /// belong to (from projects.csv, or the database when importing); nil skips that
    /// check, for when the projects could not be read. `projectsSource` names where those
    /// projects come from in the message for an unknown one ("it is not in …").
    ///
    /// A `room_id` on an apartment is ignored: rooms group beds only.
    public static func parse(
        _ bytes: [UInt8], fileName: String = defaultName, projectIDs: Set<String>? = nil,
        projectsSource: String = ProjectsFile.defaultName
    ) -> ParsedRows<Slot> {
        var slots: [Slot] = []
        let kinds = Choices<Slot.Kind>()
        let genders = Choices<Slot.Gender>()
        let statuses = Choices<Slot.Status>()
        let capacity = CSVReader.lineCount(bytes)
        slots.reserveCapacity(capacity)
        var seen = FirstOccurrences(capacity: capacity)
        var rooms = DormRooms(capacity: capacity)
        // Slots usually come grouped by project: the last project found spares lookups.
        var lastKnownProject: String?
        let outcome = CSVReader.read(bytes, file: fileName, columns: columns) { row in
            let id = row.id(Column.slotID.rawValue)
            seen.register(id, column: Column.slotID.rawValue, in: &row)
            let projectID = row.id(Column.projectID.rawValue)
            if let projectID, let projectIDs, projectID != lastKnownProject {
                if projectIDs.contains(projectID) {
                    lastKnownProject = projectID
                } else {
                    row.report(Column.projectID.rawValue, "unknown project \(quoted(projectID)); it is not in \(projectsSource)")
                }
            }
            let kind = row.choice(Column.kind.rawValue, kinds)
            let roomID = row.id(Column.roomID.rawValue)
            let maxHousehold = row.int(Column.maxHousehold.rawValue, atLeast: ContractRules.Minimum.maxHousehold)
            if let kind, let maxHousehold, let problem = ContractRules.bedHouseholdProblem(kind: kind, maxHousehold: maxHousehold) {
                row.report(Column.maxHousehold.rawValue, problem)
            }
            let rent = row.int(Column.rent.rawValue, atLeast: ContractRules.Minimum.rent)
            let gender = row.choice(Column.gender.rawValue, genders)
            if kind == .bed, let projectID, let roomID, let gender,
                let problem = rooms.admit(bedOf: roomID, project: projectID, gender: gender, line: row.line)
            {
                row.report(Column.gender.rawValue, problem)
            }
            let accessible = row.bool(Column.accessible.rawValue)
            let status = row.choice(Column.status.rawValue, statuses)
            let employer = row.id(Column.reservedEmployerID.rawValue)
            guard !row.failed, let id, let projectID, let kind, let maxHousehold, let rent, let gender,
                let accessible, let status
            else { return }
            slots.append(
                Slot(
                    id: id, projectID: projectID, kind: kind, roomID: roomID, maxHousehold: maxHousehold, rent: rent,
                    gender: gender, accessible: accessible, status: status, reservedEmployerID: employer))
        }
        let idsReadable = outcome.complete && outcome.present[Column.slotID.rawValue]
        return ParsedRows(
            rows: slots, diagnostics: Diagnostic.sorted(outcome.diagnostics), idLines: idsReadable ? seen.lines : nil)
    }

}
