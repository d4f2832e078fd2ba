import Allocation

/// The kinds of registered workplace (`workplace_sites.csv`).
public enum WorkplaceKind: String, Sendable, CaseIterable {
    case employerSite = "employer_site"
    case employmentCentre = "employment_centre"
}

/// One row of `workplace_sites.csv`: a place applicants can name as their workplace
/// without knowing its coordinates.
public struct WorkplaceSiteRow: Sendable, Equatable {
    public var id: String
    public var kind: WorkplaceKind
    public var name: String
    public var employerID: String?
    public var lat: Double
    public var lon: Double
    public var district: String
}

/// Reads `workplace_sites.csv` (not part of the round contract: the bureau's list of employer
/// sites and employment centres), with the contract's CSV dialect and located diagnostics.
public enum WorkplaceSitesFile {
    public static let defaultName = "workplace_sites.csv"

    static let columns = [
        CSVColumn("site_id"), CSVColumn("kind"), CSVColumn("name"), CSVColumn("employer_id", optional: true),
        CSVColumn("lat"), CSVColumn("lon"), CSVColumn("district"),
    ]

    public static func parse(_ bytes: [UInt8], fileName: String = defaultName) -> ParsedRows<WorkplaceSiteRow> {
        var sites: [WorkplaceSiteRow] = []
        let kinds = Choices<WorkplaceKind>()
        var seen = FirstOccurrences(capacity: CSVReader.lineCount(bytes))
        let outcome = CSVReader.read(bytes, file: fileName, columns: columns) { row in
            let id = row.id(0)
            seen.register(id, column: 0, in: &row)
            let kind = row.choice(1, kinds)
            let name = row.text(2)
            let employer = row.id(3)
            let lat = row.latitude(4)
            let lon = row.longitude(5)
            let district = row.text(6)
            guard !row.failed, let id, let kind, let name, let lat, let lon, let district else { return }
            sites.append(WorkplaceSiteRow(id: id, kind: kind, name: name, employerID: employer, lat: lat, lon: lon, district: district))
        }
        let idsReadable = outcome.complete && outcome.present[0]
        return ParsedRows(rows: sites, diagnostics: Diagnostic.sorted(outcome.diagnostics), idLines: idsReadable ? seen.lines : nil)
    }
}

/// One row of `contacts.csv`: how to reach an imported applicant, and what identifies them.
public struct ContactRow: Sendable, Equatable {
    public var applicantID: String
    public var name: String
    public var phone: String?
    public var email: String?
    public var identityNumber: String?
    public var language: String?
    /// The row's physical line.
    public var line: Int
}

/// Reads `contacts.csv` (the bureau's contact details of imported applicants): ids and
/// presence here; names, phones, emails and identity numbers are checked by the same rules
/// as an application's, by the importer.
public enum ContactsFile {
    public static let defaultName = "contacts.csv"

    static let columns = [
        CSVColumn("applicant_id"), CSVColumn("name"), CSVColumn("phone", optional: true),
        CSVColumn("email", optional: true), CSVColumn("identity_number", optional: true),
        CSVColumn("language", optional: true),
    ]

    public static func parse(_ bytes: [UInt8], fileName: String = defaultName) -> ParsedRows<ContactRow> {
        var contacts: [ContactRow] = []
        var seen = FirstOccurrences(capacity: CSVReader.lineCount(bytes))
        let outcome = CSVReader.read(bytes, file: fileName, columns: columns) { row in
            let id = row.id(0)
            seen.register(id, column: 0, in: &row)
            let name = row.text(1)
            let phone = row.optionalText(2)
            let email = row.optionalText(3)
            let identity = row.optionalText(4)
            let language = row.optionalText(5)
            guard !row.failed, let id, let name else { return }
            contacts.append(
                ContactRow(
                    applicantID: id, name: name, phone: phone, email: email, identityNumber: identity, language: language,
                    line: row.line))
        }
        let idsReadable = outcome.complete && outcome.present[0]
        return ParsedRows(rows: contacts, diagnostics: Diagnostic.sorted(outcome.diagnostics), idLines: idsReadable ? seen.lines : nil)
    }
}

/// A decision of the bureau's review file.
public enum ReviewChoice: String, Sendable, CaseIterable {
    case approve, reject
}

/// One row of a review file (`applicant_id,decision,reason,note`).
public struct ReviewRow: Sendable, Equatable {
    public var applicantID: String
    public var decision: ReviewChoice
    public var reason: String?
    public var note: String?
    public var line: Int
}

/// Reads a review file: the bureau's decisions on pending applications, applied all or nothing.
public enum ReviewFile {
    public static let defaultName = "review.csv"

    static let columns = [
        CSVColumn("applicant_id"), CSVColumn("decision"), CSVColumn("reason", optional: true), CSVColumn("note", optional: true),
    ]

    public static func parse(_ bytes: [UInt8], fileName: String = defaultName) -> ParsedRows<ReviewRow> {
        var rows: [ReviewRow] = []
        let choices = Choices<ReviewChoice>()
        var seen = FirstOccurrences(capacity: CSVReader.lineCount(bytes))
        let outcome = CSVReader.read(bytes, file: fileName, columns: columns) { row in
            let id = row.id(0)
            seen.register(id, column: 0, in: &row)
            let decision = row.choice(1, choices)
            let reason = row.optionalText(2)
            let note = row.optionalText(3)
            guard !row.failed, let id, let decision else { return }
            rows.append(ReviewRow(applicantID: id, decision: decision, reason: reason, note: note, line: row.line))
        }
        let idsReadable = outcome.complete && outcome.present[0]
        return ParsedRows(rows: rows, diagnostics: Diagnostic.sorted(outcome.diagnostics), idLines: idsReadable ? seen.lines : nil)
    }
}
