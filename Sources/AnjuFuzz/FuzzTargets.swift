import Allocation
import AllocationFiles
import Store

/// What the fuzzer drives: each target takes arbitrary bytes and must return — a
/// diagnostic is fine, a trap, a crash or a hang is the bug libFuzzer reports.
enum FuzzTarget: String, CaseIterable {
    /// The three CSV readers on the same bytes (the RFC 4180 tokenizer, typed fields,
    /// cross-row rules).
    case csv
    /// The policy.json reader (the line-tracking JSON parser and the policy rules).
    case policy
    /// The whole `anju solve` path: four files split out of the bytes, validated, solved
    /// by every mechanism, and both outputs rendered.
    case solve
    /// An application form: the bytes' lines are its fields' values in a fixed order, checked
    /// by the one path POST /v1/applications uses (a one-row applicants.csv, then the rules
    /// of contact details and identity numbers, and their normalising for duplicate keys).
    case application

    /// The fields an `application` input's lines fill, in order.
    static let applicationFields = ApplicationForm.contractFields + ["workplace_site", "name", "phone", "email", "identity_number", "language"]

    /// Separates the four files in a `solve` input: projects, slots, applicants, policy.
    static let separator = Array("\n=====\n".utf8)

    func run(_ bytes: [UInt8]) {
        switch self {
        case .csv:
            let projects = ProjectsFile.parse(bytes)
            _ = SlotsFile.parse(bytes, projectIDs: projects.ids)
            _ = ApplicantsFile.parse(bytes)
            _ = WorkplaceSitesFile.parse(bytes)
            _ = ContactsFile.parse(bytes)
            _ = ReviewFile.parse(bytes)
            for d in projects.diagnostics { _ = d.description }
        case .policy:
            let policy = PolicyFile.parse(bytes)
            for d in policy.diagnostics { _ = d.description }
        case .application:
            let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            var form = ApplicationForm()
            for (field, value) in zip(Self.applicationFields, lines.map(String.init)) {
                switch field {
                case "workplace_site": form.workplaceSite = value
                case "name": form.name = value
                case "phone": form.phone = value
                case "email": form.email = value
                case "identity_number": form.identityNumber = value
                case "language": form.language = value
                default: form.fields[field] = value
                }
            }
            let site = WorkplaceSite(id: "S1", kind: .employerSite, name: "site", employerID: nil, lat: "31.2", lon: "121.4", district: "D")
            for problem in ApplicationForm.problems(form, site: form.workplaceSite == "S1" ? site : nil) { _ = problem.description }
        case .solve:
            let files = Self.split(bytes)
            guard files.count == 4 else { return }
            let input: RoundInput
            do {
                input = try InputFolder.validate(projects: files[0], slots: files[1], applicants: files[2], policy: files[3])
            } catch {
                return
            }
            // Keep each run short, so libFuzzer explores inputs rather than waiting on one.
            guard input.applicants.count <= 64, input.slots.count <= 64, input.projects.count <= 16 else { return }
            for mechanism in Mechanism.allCases {
                guard let result = try? Allocator.solve(input, mechanism: mechanism, seed: input.policy.seed) else {
                    continue
                }
                _ = ResultsCSV.render(result.rows)
                _ = SummaryJSON.render(result: result, digests: [:])
            }
        }
    }

    /// The parts of `bytes` between separators.
    static func split(_ bytes: [UInt8]) -> [[UInt8]] {
        var parts: [[UInt8]] = []
        var current: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == separator[0], i + separator.count <= bytes.count,
                bytes[i..<i + separator.count].elementsEqual(separator)
            {
                parts.append(current)
                current = []
                i += separator.count
            } else {
                current.append(bytes[i])
                i += 1
            }
        }
        parts.append(current)
        return parts
    }
}
