import Allocation

/// One file of a published notice.
public struct NoticeFile: Sendable, Equatable {
    public var name: String
    public var bytes: [UInt8]
    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}

/// The two notices of a round open to the public: before the draw (the frozen pool and how
/// the seed will be formed) and after it (every applicant's lottery number and outcome).
public enum NoticeKind: String, Sendable, CaseIterable {
    case preDraw = "pre_draw"
    case result

    /// The folder `anju notice export` writes this kind to.
    public var folder: String { self == .preDraw ? "pre-draw" : "result" }
    /// The data files of this kind, besides notice.json and manifest.json.
    public var tables: [String] { self == .preDraw ? ["places.csv", "pool.csv"] : ["offers.csv", "results.csv"] }
}

/// A notice as published: its files (manifest.json last) and its own SHA-256.
///
/// `manifest.json` lists every other file with the SHA-256 of its bytes. The notice's own
/// SHA-256 is that of the text made of one line per listed file, in name order (byte-wise),
/// `<sha256 hex>  <name>\n` — exactly what `sha256sum` prints for those files.
public struct PublishedNotice: Sendable, Equatable {
    public var kind: NoticeKind
    public var files: [NoticeFile]
    public var sha256: String

    /// Builds the manifest over `content` (notice.json and the tables).
    public init(kind: NoticeKind, content: [NoticeFile]) {
        let sorted = content.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        let digests = sorted.map { (name: $0.name, sha256: InputFolder.sha256Hex($0.bytes)) }
        let own = Self.noticeSHA256(digests)
        let json = NoticeJSON()
        json.object {
            json.member("format") { json.string(NoticeFormat.name) }
            json.member("kind") { json.string(kind.rawValue) }
            json.member("files") {
                json.array(digests) { d in
                    json.object {
                        json.member("name") { json.string(d.name) }
                        json.member("sha256") { json.string(d.sha256) }
                    }
                }
            }
            json.member("notice_sha256") { json.string(own) }
        }
        self.kind = kind
        self.files = sorted + [NoticeFile(name: "manifest.json", bytes: json.bytes)]
        self.sha256 = own
    }

    /// SHA-256 of the `sha256sum` lines of the files, in name order.
    public static func noticeSHA256(_ digests: [(name: String, sha256: String)]) -> String {
        let lines = digests
            .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
            .map { "\($0.sha256)  \($0.name)\n" }.joined()
        return InputFolder.sha256Hex(Array(lines.utf8))
    }

    /// The file named `name`.
    public func file(_ name: String) -> NoticeFile? { files.first { $0.name == name } }
}

/// Names and headers every notice uses (the standalone verifier hard-codes the same).
public enum NoticeFormat {
    public static let name = "anju-notice-1"
    public static let poolHeader = "applicant_id,category,priority_points"
    public static let placesHeader = "project_id,programme,places"
    public static let resultsHeader = "applicant_id,category,priority_points,lottery_number,outcome,project_id"
    public static let offersHeader = "project_id,rank,applicant_id,priority_points,lottery_number"
}

/// What the pre-draw notice publishes about a frozen round.
public struct PreDrawFacts: Sendable {
    public var city: String
    public var roundID: String
    public var mechanism: Mechanism
    public var freeze: Int
    public var frozenAt: String
    public var snapshotDigest: String
    public var policyText: String
    public var recipe: SeedRecipe
    /// The notice this one corrects (its SHA-256), when the round was frozen before.
    public var supersedes: String?
    public var input: RoundInput

    public init(
        city: String, roundID: String, mechanism: Mechanism, freeze: Int, frozenAt: String, snapshotDigest: String,
        policyText: String, recipe: SeedRecipe, supersedes: String?, input: RoundInput
    ) {
        self.city = city
        self.roundID = roundID
        self.mechanism = mechanism
        self.freeze = freeze
        self.frozenAt = frozenAt
        self.snapshotDigest = snapshotDigest
        self.policyText = policyText
        self.recipe = recipe
        self.supersedes = supersedes
        self.input = input
    }
}

/// What the result notice publishes about a drawn round.
public struct ResultFacts: Sendable {
    public var preDraw: PreDrawFacts
    /// The SHA-256 of the pre-draw notice the draw used.
    public var preDrawSHA256: String
    public var drawnAt: String
    public var reveal: SeedReveal
    public var seed: String
    public var result: RoundResult

    public init(preDraw: PreDrawFacts, preDrawSHA256: String, drawnAt: String, reveal: SeedReveal, seed: String, result: RoundResult) {
        self.preDraw = preDraw
        self.preDrawSHA256 = preDrawSHA256
        self.drawnAt = drawnAt
        self.reveal = reveal
        self.seed = seed
        self.result = result
    }
}

/// Renders the notices' files. Only what a notice must show: the applicant id (the public
/// reference), category, priority points, lottery number and outcome; projects by id,
/// programme, name, district and number of places. Never a birth date, income, workplace,
/// commute, household, name or contact.
public enum NoticeWriter {
    public static func preDraw(_ facts: PreDrawFacts) -> PublishedNotice {
        let input = facts.input
        let applicants = input.applicants.sorted { $0.id.utf8Less($1.id) }
        var pool = NoticeCSV(header: NoticeFormat.poolHeader)
        for a in applicants { pool.row([a.id, a.category.rawValue, String(a.priorityPoints)]) }
        let places = placesByProject(input)
        var placesCSV = NoticeCSV(header: NoticeFormat.placesHeader)
        for (project, count) in places { placesCSV.row([project.id, project.programme, String(count)]) }
        let json = NoticeJSON()
        json.object {
            header(json, kind: .preDraw, facts)
            json.member("frozen_at") { json.string(facts.frozenAt) }
            json.member("supersedes") { json.optionalString(facts.supersedes) }
            recipe(json, facts.recipe)
            json.member("counts") {
                json.object {
                    json.member("applicants") { json.int(applicants.count) }
                    json.member("by_category") { categoryCounts(json, applicants) }
                    json.member("projects") { json.int(places.count) }
                    json.member("places") { json.int(places.reduce(0) { $0 + $1.count }) }
                }
            }
            json.member("projects") { projects(json, places.map(\.project)) }
            json.member("policy_json") { json.string(facts.policyText) }
        }
        return PublishedNotice(
            kind: .preDraw,
            content: [NoticeFile(name: "notice.json", bytes: json.bytes), NoticeFile(name: "pool.csv", bytes: pool.bytes),
                      NoticeFile(name: "places.csv", bytes: placesCSV.bytes)])
    }

    public static func result(_ facts: ResultFacts) -> PublishedNotice {
        let input = facts.preDraw.input
        let byID = Dictionary(uniqueKeysWithValues: input.applicants.map { ($0.id, $0) })
        let rows = facts.result.rows.sorted { $0.applicantID.utf8Less($1.applicantID) }
        var numbers: [String: UInt64] = [:]
        numbers.reserveCapacity(rows.count)
        var results = NoticeCSV(header: NoticeFormat.resultsHeader)
        var offeredByProject: [String: [(id: String, points: Int, number: UInt64)]] = [:]
        for row in rows {
            let applicant = byID[row.applicantID]
            let number = Lottery.number(seed: facts.seed, applicantID: row.applicantID)
            numbers[row.applicantID] = number
            let points = applicant?.priorityPoints ?? 0
            let project = row.outcome == .offered ? row.projectID ?? "" : ""
            results.row([row.applicantID, applicant?.category.rawValue ?? "", String(points), String(number), row.outcome.rawValue, project])
            if row.outcome == .offered { offeredByProject[project, default: []].append((row.applicantID, points, number)) }
        }
        var offers = NoticeCSV(header: NoticeFormat.offersHeader)
        for project in offeredByProject.keys.sorted(by: { $0.utf8Less($1) }) {
            let list = offeredByProject[project]!.sorted {
                ($0.points != $1.points) ? $0.points > $1.points : ($0.number != $1.number ? $0.number < $1.number : $0.id.utf8Less($1.id))
            }
            for (rank, o) in list.enumerated() {
                offers.row([project, String(rank + 1), o.id, String(o.points), String(o.number)])
            }
        }
        let json = NoticeJSON()
        json.object {
            header(json, kind: .result, facts.preDraw)
            json.member("drawn_at") { json.string(facts.drawnAt) }
            json.member("pre_draw_notice") { json.string(facts.preDrawSHA256) }
            recipe(json, facts.preDraw.recipe)
            json.member("revealed") {
                json.object {
                    json.member("bureau_secret") { json.string(facts.reveal.bureauSecret) }
                    json.member("public_value") { json.string(facts.reveal.publicValue) }
                    json.member("witnesses") {
                        json.array(facts.preDraw.recipe.witnesses) { w in
                            json.object {
                                json.member("name") { json.string(w.name) }
                                json.member("secret") { json.string(facts.reveal.witnessSecrets[w.name] ?? "") }
                            }
                        }
                    }
                }
            }
            json.member("seed") { json.string(facts.seed) }
            json.member("counts") {
                json.object {
                    json.member("applicants") { json.int(rows.count) }
                    json.member("offered") { json.int(rows.count { $0.outcome == .offered }) }
                    json.member("unmatched") { json.int(rows.count { $0.outcome == .unmatched }) }
                    json.member("ineligible") { json.int(rows.count { $0.outcome == .ineligible }) }
                    json.member("places") { json.int(facts.result.slotsAvailable) }
                }
            }
        }
        return PublishedNotice(
            kind: .result,
            content: [NoticeFile(name: "notice.json", bytes: json.bytes), NoticeFile(name: "results.csv", bytes: results.bytes),
                      NoticeFile(name: "offers.csv", bytes: offers.bytes)])
    }

    /// Available places per project, projects with none left out, by project id byte-wise.
    static func placesByProject(_ input: RoundInput) -> [(project: Project, count: Int)] {
        var counts: [String: Int] = [:]
        for slot in input.slots where slot.status == .available { counts[slot.projectID, default: 0] += 1 }
        return input.projects
            .filter { counts[$0.id] != nil }
            .sorted { $0.id.utf8Less($1.id) }
            .map { ($0, counts[$0.id]!) }
    }

    private static func header(_ json: NoticeJSON, kind: NoticeKind, _ facts: PreDrawFacts) {
        json.member("format") { json.string(NoticeFormat.name) }
        json.member("kind") { json.string(kind.rawValue) }
        json.member("city") { json.string(facts.city) }
        json.member("round_id") { json.string(facts.roundID) }
        json.member("mechanism") { json.string(facts.mechanism.rawValue) }
        json.member("round_date") { json.string(facts.input.policy.roundDate.description) }
        json.member("freeze") { json.int(facts.freeze) }
        json.member("snapshot_digest") { json.string(facts.snapshotDigest) }
        json.member("priority_order") { json.string("priority_points descending, then lottery_number ascending, then applicant_id") }
    }

    private static func recipe(_ json: NoticeJSON, _ recipe: SeedRecipe) {
        json.member("seed_recipe") {
            json.object {
                json.member("formula") { json.string(SeedCeremony.formula) }
                json.member("bureau_commitment") { json.string(recipe.bureauCommitment) }
                json.member("public_source") { json.string(recipe.publicSource) }
                json.member("public_date") { json.string(recipe.publicDate) }
                json.member("witnesses") {
                    json.array(recipe.witnesses) { w in
                        json.object {
                            json.member("name") { json.string(w.name) }
                            json.member("commitment") { json.string(w.commitment) }
                        }
                    }
                }
            }
        }
    }

    private static func categoryCounts(_ json: NoticeJSON, _ applicants: [Applicant]) {
        var counts: [String: Int] = [:]
        for a in applicants { counts[a.category.rawValue, default: 0] += 1 }
        json.object {
            for category in Applicant.Category.allCases.map(\.rawValue).sorted() {
                json.member(category) { json.int(counts[category] ?? 0) }
            }
        }
    }

    private static func projects(_ json: NoticeJSON, _ projects: [Project]) {
        json.array(projects) { p in
            json.object {
                json.member("project_id") { json.string(p.id) }
                json.member("name") { json.string(p.name) }
                json.member("district") { json.string(p.district) }
                json.member("programme") { json.string(p.programme) }
            }
        }
    }
}

/// A CSV file as notices write it: UTF-8, LF, RFC 4180 quoting where a field needs it.
struct NoticeCSV {
    private(set) var bytes: [UInt8] = []

    init(header: String) {
        bytes.append(contentsOf: header.utf8)
        bytes.append(10)
    }

    mutating func row(_ fields: [String]) {
        for (i, field) in fields.enumerated() {
            if i > 0 { bytes.append(44) }
            if field.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) {
                bytes.append(34)
                for b in field.utf8 {
                    if b == 34 { bytes.append(34) }
                    bytes.append(b)
                }
                bytes.append(34)
            } else {
                bytes.append(contentsOf: field.utf8)
            }
        }
        bytes.append(10)
    }

    /// Records of `bytes` (RFC 4180), each with the physical line it starts on; nil and a
    /// message at the first quoting mistake.
    static func parse(_ bytes: [UInt8]) -> (records: [(line: Int, fields: [String])], error: (line: Int, message: String)?) {
        var reader = NoticeCSVReader(bytes)
        var records: [(line: Int, fields: [String])] = []
        while let record = reader.next() { records.append(record) }
        return (records, reader.error)
    }
}

/// Reads a notice CSV file one record at a time (RFC 4180, LF line ends), so a reader that
/// renders rows as it goes — the JSON downloads — never holds more than one record.
struct NoticeCSVReader {
    private let bytes: [UInt8]
    private var i = 0
    private var line = 1
    /// The first quoting mistake, with its line; reading stops there.
    private(set) var error: (line: Int, message: String)?

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The next record and the physical line it starts on; nil at the end or at a mistake.
    mutating func next() -> (line: Int, fields: [String])? {
        guard error == nil, i < bytes.count else { return nil }
        var fields: [String] = []
        var field: [UInt8] = []
        let start = line
        var quoted = false
        var atFieldStart = true
        while i < bytes.count {
            let b = bytes[i]
            if quoted {
                if b == 34 {
                    if i + 1 < bytes.count && bytes[i + 1] == 34 {
                        field.append(34)
                        i += 1
                    } else {
                        quoted = false
                        if i + 1 < bytes.count && bytes[i + 1] != 44 && bytes[i + 1] != 10 {
                            error = (line, "text after a closing quote")
                            return nil
                        }
                    }
                } else {
                    if b == 10 { line += 1 }
                    field.append(b)
                }
            } else if b == 34 && atFieldStart {
                quoted = true
            } else if b == 34 {
                error = (line, "a quote inside an unquoted field")
                return nil
            } else if b == 44 {
                fields.append(String(decoding: field, as: UTF8.self))
                field = []
                atFieldStart = true
                i += 1
                continue
            } else if b == 10 {
                fields.append(String(decoding: field, as: UTF8.self))
                line += 1
                i += 1
                return (start, fields)
            } else if b == 13 {
                error = (line, "a carriage return (notices end lines with LF only)")
                return nil
            } else {
                field.append(b)
            }
            atFieldStart = false
            i += 1
        }
        if quoted {
            error = (start, "a quoted field runs to the end of the file")
        } else if !field.isEmpty || !fields.isEmpty {
            error = (line, "the last line does not end with a line feed")
        }
        return nil
    }
}

/// A JSON writer with members in the order written, two-space indentation and a final
/// line feed, so the same notice always has the same bytes.
final class NoticeJSON {
    private(set) var text = ""
    private var depth = 0
    private var first = [true]

    var bytes: [UInt8] { Array((text + "\n").utf8) }

    private func newline() { text += "\n" + String(repeating: "  ", count: depth) }

    private func separator() {
        if !first[first.count - 1] { text += "," }
        first[first.count - 1] = false
        newline()
    }

    func object(_ body: () -> Void) {
        text += "{"
        depth += 1
        first.append(true)
        body()
        let empty = first.removeLast()
        depth -= 1
        if !empty { newline() }
        text += "}"
    }

    func array<T>(_ items: [T], _ body: (T) -> Void) {
        text += "["
        depth += 1
        first.append(true)
        for item in items {
            separator()
            body(item)
        }
        let empty = first.removeLast()
        depth -= 1
        if !empty { newline() }
        text += "]"
    }

    func member(_ key: String, _ body: () -> Void) {
        separator()
        text += SummaryJSON.jsonString(key) + ": "
        body()
    }

    func string(_ value: String) { text += SummaryJSON.jsonString(value) }
    func optionalString(_ value: String?) { text += value.map(SummaryJSON.jsonString) ?? "null" }
    func int(_ value: Int) { text += String(value) }
}

/// A notice table's rows, for readers such as the public pages.
public enum NoticeTable {
    /// The header and rows of a notice CSV file; nil when it is not one.
    public static func read(_ bytes: [UInt8]) -> (header: [String], rows: [[String]])? {
        let parsed = NoticeCSV.parse(bytes)
        guard parsed.error == nil, let first = parsed.records.first else { return nil }
        return (first.fields, parsed.records.dropFirst().map(\.fields))
    }
}
