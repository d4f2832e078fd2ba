import Allocation

/// Reads `applicants.csv`: the people (or heads of households) taking part in a round.
public enum ApplicantsFile {
    /// The name the contract gives the file; diagnostics use it unless told otherwise.
    public static let defaultName = "applicants.csv"

    private enum Column: Int {
        case applicantID, category, householdSize, gender, birthDate, monthlyIncome, workLat, workLon, workDistrict
        case maxCommuteMin, maxRent, needsAccessible, priorityPoints, employerID, appliedAt
    }

    static let columns = [
        CSVColumn("applicant_id"), CSVColumn("category"), CSVColumn("household_size"), CSVColumn("gender"),
        CSVColumn("birth_date"), CSVColumn("monthly_income"), CSVColumn("work_lat"), CSVColumn("work_lon"),
        CSVColumn("work_district"), CSVColumn("max_commute_min", optional: true),
        CSVColumn("max_rent", optional: true), CSVColumn("needs_accessible"),
        CSVColumn("priority_points", optional: true), CSVColumn("employer_id", optional: true),
        CSVColumn("applied_at", optional: true),
    ]

    /// Parses and validates the file's bytes. Applicants refer to nothing in other files
    /// (an `employer_id` need not match any reserved slot), so no context is needed.
    public static func parse(_ bytes: [UInt8], fileName: String = defaultName) -> ParsedRows<Applicant> {
        parseInTwo(bytes, fileName: fileName) ?? parseWhole(bytes, fileName: fileName)
    }

    /// What reading a part of the file keeps: its applicants and the lines of its ids.
    struct Part: Sendable {
        var applicants: [Applicant] = []
        var seen: FirstOccurrences

        init(capacity: Int) {
            applicants.reserveCapacity(capacity)
            seen = FirstOccurrences(capacity: capacity)
        }
    }

    /// Files from this size are read in two parts on two cores (about half the time).
    static let twoPartSize = 1 << 20

    /// The file read in two parts at once, or nil when that cannot be done exactly: the
    /// file is small or has no sure cut (`CSVReader.readInTwo`), or it has any problem,
    /// which `parseWhole` then reports in the one order and wording the contract fixes.
    static func parseInTwo(_ bytes: [UInt8], fileName: String, minimumSize: Int = twoPartSize) -> ParsedRows<Applicant>? {
        // The first part's table takes every id in the end: room for all, spared a rehash.
        let lines = CSVReader.lineCount(bytes)
        guard
            var parts = CSVReader.readInTwo(
                bytes, file: fileName, columns: columns, minimumSize: minimumSize,
                first: Part(capacity: lines), second: Part(capacity: lines / 2 + 1), eachRow: read),
            parts.allSatisfy({ $0.outcome.diagnostics.isEmpty && $0.outcome.complete })
        else { return nil }
        // Moved out, so each part's arrays are held once and grow in place.
        var tail = parts.removeLast().state
        var head = parts.removeLast().state
        // An id repeated across the parts is a problem: read whole to report it.
        guard head.seen.absorb(tail.seen) else { return nil }
        head.applicants.append(contentsOf: tail.applicants)
        tail.applicants = []
        return ParsedRows(rows: head.applicants, diagnostics: [], idLines: head.seen.lines)
    }

    static func parseWhole(_ bytes: [UInt8], fileName: String) -> ParsedRows<Applicant> {
        var part = Part(capacity: CSVReader.lineCount(bytes))
        let outcome = CSVReader.read(bytes, file: fileName, columns: columns) { row in read(&row, into: &part) }
        let idsReadable = outcome.complete && outcome.present[Column.applicantID.rawValue]
        return ParsedRows(
            rows: part.applicants, diagnostics: Diagnostic.sorted(outcome.diagnostics),
            idLines: idsReadable ? part.seen.lines : nil)
    }

    private static let categories = Choices<Applicant.Category>()
    private static let genders = Choices<Applicant.Gender>()

    /// Reads one record: its applicant when every value is sound, else its diagnostics.
    @Sendable private static func read(_ row: inout CSVRow, into part: inout Part) {
        let id = row.id(Column.applicantID.rawValue)
        part.seen.register(id, column: Column.applicantID.rawValue, in: &row)
        let category = row.choice(Column.category.rawValue, categories)
        let householdSize = row.int(Column.householdSize.rawValue, atLeast: ContractRules.Minimum.householdSize)
        let gender = row.choice(Column.gender.rawValue, genders)
        let birthDate = row.date(Column.birthDate.rawValue)
        let income = row.int(Column.monthlyIncome.rawValue, atLeast: ContractRules.Minimum.monthlyIncome)
        let workLat = row.latitude(Column.workLat.rawValue)
        let workLon = row.longitude(Column.workLon.rawValue)
        let workDistrict = row.text(Column.workDistrict.rawValue)
        let maxCommute = row.int(Column.maxCommuteMin.rawValue, atLeast: ContractRules.Minimum.maxCommuteMin)
        let maxRent = row.int(Column.maxRent.rawValue, atLeast: ContractRules.Minimum.rent)
        let needsAccessible = row.bool(Column.needsAccessible.rawValue)
        let points = row.int(Column.priorityPoints.rawValue, atLeast: ContractRules.Minimum.priorityPoints)
        let employer = row.id(Column.employerID.rawValue)
        let appliedAt = row.timestamp(Column.appliedAt.rawValue)
        guard !row.failed, let id, let category, let householdSize, let gender, let birthDate, let income,
            let workLat, let workLon, let workDistrict, let needsAccessible
        else { return }
        part.applicants.append(
            Applicant(
                id: id, category: category, householdSize: householdSize, gender: gender, birthDate: birthDate,
                monthlyIncome: income, workLat: workLat, workLon: workLon, workDistrict: workDistrict,
                maxCommuteMin: maxCommute, maxRent: maxRent, needsAccessible: needsAccessible,
                priorityPoints: points ?? 0, employerID: employer, appliedAt: appliedAt))
    }
}

extension ApplicantsFile {
    /// The file's column names, in order.
    public static var columnNames: [String] { columns.map(\.name) }

    /// One applicant given field by field (an application form, an update over the API),
    /// checked by exactly the code that checks `applicants.csv`: the values become a
    /// one-row file, quoted, and `parse` reads it. A column missing from `values` is empty.
    /// Diagnostics name the column; their `rule` says the same as data.
    public static func parseFields(_ values: [String: String]) -> (applicant: Applicant?, diagnostics: [Diagnostic]) {
        var text = columnNames.joined(separator: ",") + "\n"
        text += columnNames.map { name in
            "\"" + (values[name] ?? "").replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ",")
        text += "\n"
        let parsed = parse(Array(text.utf8), fileName: "application")
        return (parsed.diagnostics.isEmpty ? parsed.rows.first : nil, parsed.diagnostics)
    }
}
