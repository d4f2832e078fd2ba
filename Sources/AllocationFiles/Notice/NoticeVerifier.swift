import Allocation

/// Checks published notices using nothing but their files: each file's SHA-256 against the
/// manifest and the notice's own SHA-256; the seed formed from its revealed parts as the
/// pre-draw notice said, each part matching its commitment; every lottery number; each
/// project's offered list in priority order; and that the counts add up. The standalone
/// `deploy/verify-notice.py` makes the same checks with Python's standard library.
public enum NoticeVerifier {
    /// At most this many problems are listed (a wrong seed makes every row wrong).
    public static let maxProblems = 50

    /// Every problem found, each located `FOLDER/FILE[:LINE][: FIELD]: message`; empty when
    /// the notices verify. `result` is nil for a round not drawn yet.
    public static func verify(preDraw: [String: [UInt8]], result: [String: [UInt8]]?) -> [String] {
        var problems = Problems()
        let pre = checkPreDraw(preDraw, &problems)
        if let result { checkResult(result, pre: pre, &problems) }
        return problems.list
    }

    // MARK: - Pre-draw

    struct PoolRow {
        var id: String
        var category: String
        var points: String
    }

    struct PreDraw {
        var sha256: String
        var roundID: String?
        var snapshotDigest: String?
        var recipe: SeedRecipe?
        var recipeJSON: String?
        var pool: [PoolRow] = []
        var places: [String: Int] = [:]
        var totalPlaces = 0
    }

    static func checkPreDraw(_ files: [String: [UInt8]], _ problems: inout Problems) -> PreDraw {
        let folder = NoticeKind.preDraw.folder
        let sha = checkManifest(.preDraw, files, &problems)
        var pre = PreDraw(sha256: sha)
        let notice = parseJSON(files["notice.json"], "\(folder)/notice.json", &problems)
        let at = "\(folder)/notice.json"
        checkHeader(notice, kind: .preDraw, at: at, &problems)
        pre.roundID = notice?["round_id"]?.stringValue
        pre.snapshotDigest = notice?["snapshot_digest"]?.stringValue
        (pre.recipe, pre.recipeJSON) = parseRecipe(notice?["seed_recipe"], at: at, &problems)
        let counts = notice?["counts"]

        if let rows = table(files["pool.csv"], NoticeFormat.poolHeader, "\(folder)/pool.csv", &problems) {
            var byCategory: [String: Int] = [:]
            var previous: String?
            for (line, f) in rows {
                let here = "\(folder)/pool.csv:\(line)"
                if !ContractRules.isIdentifier(f[0]) { problems.add("\(here): applicant_id: \"\(f[0])\" is not an identifier") }
                if let previous, !previous.utf8Less(f[0]) {
                    problems.add("\(here): applicant_id: \(f[0]) is not after \(previous) (ids in byte order, each once)")
                }
                previous = f[0]
                if Applicant.Category(rawValue: f[1]) == nil { problems.add("\(here): category: \"\(f[1])\" is not a category") }
                if natural(f[2]) == nil { problems.add("\(here): priority_points: \"\(f[2])\" is not a whole number") }
                byCategory[f[1], default: 0] += 1
                pre.pool.append(PoolRow(id: f[0], category: f[1], points: f[2]))
            }
            expectCount(counts?["applicants"], rows.count, "counts.applicants", at: at, &problems)
            for category in Applicant.Category.allCases.map(\.rawValue) {
                expectCount(counts?["by_category"]?[category], byCategory[category] ?? 0, "counts.by_category.\(category)", at: at, &problems)
            }
        }
        if let rows = table(files["places.csv"], NoticeFormat.placesHeader, "\(folder)/places.csv", &problems) {
            var previous: String?
            for (line, f) in rows {
                let here = "\(folder)/places.csv:\(line)"
                if let previous, !previous.utf8Less(f[0]) {
                    problems.add("\(here): project_id: \(f[0]) is not after \(previous) (ids in byte order, each once)")
                }
                previous = f[0]
                guard let n = natural(f[2]), n > 0 else {
                    problems.add("\(here): places: \"\(f[2])\" is not a whole number above 0")
                    continue
                }
                pre.places[f[0]] = n
                pre.totalPlaces += n
            }
            expectCount(counts?["projects"], rows.count, "counts.projects", at: at, &problems)
            expectCount(counts?["places"], pre.totalPlaces, "counts.places", at: at, &problems)
        }
        return pre
    }

    // MARK: - Result

    static func checkResult(_ files: [String: [UInt8]], pre: PreDraw, _ problems: inout Problems) {
        let folder = NoticeKind.result.folder
        let at = "\(folder)/notice.json"
        let notice = parseJSON(files["notice.json"], at, &problems)
        // A corrected result notice: it says which it supersedes and lists its corrections.
        let supersedes = notice?["supersedes"]?.stringValue
        let corrected = supersedes != nil || files["corrections.csv"] != nil
        _ = checkManifest(.result, files, extra: corrected ? ["corrections.csv"] : [], &problems)
        checkHeader(notice, kind: .result, at: at, &problems)
        if let notice {
            if notice["round_id"]?.stringValue != pre.roundID {
                problems.add("\(at): round_id: \(notice["round_id"]?.stringValue ?? "missing"), the pre-draw notice's is \(pre.roundID ?? "missing")")
            }
            if notice["snapshot_digest"]?.stringValue != pre.snapshotDigest {
                problems.add("\(at): snapshot_digest: not the pre-draw notice's \(pre.snapshotDigest ?? "missing")")
            }
            if notice["pre_draw_notice"]?.stringValue != pre.sha256 {
                problems.add("\(at): pre_draw_notice: \(notice["pre_draw_notice"]?.stringValue ?? "missing"), but the pre-draw notice's SHA-256 is \(pre.sha256)")
            }
        }
        var dummy = Problems()
        let (recipe, recipeJSON) = parseRecipe(notice?["seed_recipe"], at: at, &dummy)
        if recipeJSON == nil || recipeJSON != pre.recipeJSON {
            problems.add("\(at): seed_recipe: not the recipe the pre-draw notice published")
        }
        var seed: String?
        if let recipe = pre.recipe ?? recipe {
            let revealed = notice?["revealed"]
            let bureau = revealed?["bureau_secret"]?.stringValue
            let value = revealed?["public_value"]?.stringValue
            var witnesses: [String: String] = [:]
            var names: [String] = []
            for (i, w) in (revealed?["witnesses"]?.arrayValue ?? []).enumerated() {
                guard let name = w["name"]?.stringValue, let secret = w["secret"]?.stringValue else {
                    problems.add("\(at): revealed.witnesses[\(i)]: needs a name and a secret")
                    continue
                }
                names.append(name)
                witnesses[name] = secret
            }
            if bureau == nil { problems.add("\(at): revealed.bureau_secret: missing") }
            if value == nil { problems.add("\(at): revealed.public_value: missing") }
            if names != recipe.witnesses.map(\.name) {
                problems.add("\(at): revealed.witnesses: \(names), the recipe's witnesses are \(recipe.witnesses.map(\.name))")
            }
            let reveal = SeedReveal(bureauSecret: bureau ?? "", publicValue: value ?? "", witnessSecrets: witnesses)
            for m in SeedCeremony.mismatches(recipe, reveal) { problems.add("\(at): revealed.\(m.field): \(m.message)") }
            let formed = SeedCeremony.seed(recipe, reveal)
            if notice?["seed"]?.stringValue != formed {
                problems.add("\(at): seed: \(notice?["seed"]?.stringValue ?? "missing"), but the revealed parts form \(formed)")
            }
            seed = formed
        }
        let counts = notice?["counts"]

        struct Outcome {
            var points: Int
            var number: UInt64
            var project: String
        }
        var offered: [String: Outcome] = [:]
        var drawn: [String: NoticeOutcome] = [:]
        if let rows = table(files["results.csv"], NoticeFormat.resultsHeader, "\(folder)/results.csv", &problems) {
            if rows.count != pre.pool.count {
                problems.add("\(folder)/results.csv: \(rows.count) applicants, the pre-draw pool has \(pre.pool.count)")
            }
            var tally: [String: Int] = [:]
            for (i, (line, f)) in rows.enumerated() {
                let here = "\(folder)/results.csv:\(line)"
                if i < pre.pool.count {
                    let p = pre.pool[i]
                    if f[0] != p.id { problems.add("\(here): applicant_id: \(f[0]), the pool's applicant here is \(p.id)") }
                    if f[1] != p.category { problems.add("\(here): category: \(f[1]), the pool says \(p.category)") }
                    if f[2] != p.points { problems.add("\(here): priority_points: \(f[2]), the pool says \(p.points)") }
                }
                let number = UInt64(f[3])
                if let seed {
                    let expected = Lottery.number(seed: seed, applicantID: f[0])
                    if number != expected || String(expected) != f[3] {
                        problems.add("\(here): lottery_number: \(f[3]), the seed gives \(expected)")
                    }
                }
                tally[f[4], default: 0] += 1
                if let outcome = ApplicantResult.Outcome(rawValue: f[4]) { drawn[f[0]] = NoticeOutcome(outcome, project: f[5]) }
                switch f[4] {
                case "offered":
                    if pre.places[f[5]] == nil {
                        problems.add("\(here): project_id: \"\(f[5])\" is not a project with places in the pre-draw notice")
                    }
                    offered[f[0]] = Outcome(points: natural(f[2]) ?? -1, number: number ?? 0, project: f[5])
                case "unmatched", "ineligible":
                    if !f[5].isEmpty { problems.add("\(here): project_id: must be empty for an applicant not offered") }
                default:
                    problems.add("\(here): outcome: \"\(f[4])\" is not offered, unmatched or ineligible")
                }
            }
            expectCount(counts?["applicants"], rows.count, "counts.applicants", at: at, &problems)
            for outcome in ["offered", "unmatched", "ineligible"] {
                expectCount(counts?[outcome], tally[outcome] ?? 0, "counts.\(outcome)", at: at, &problems)
            }
            expectCount(counts?["places"], pre.totalPlaces, "counts.places", at: at, &problems)
            if (tally["offered"] ?? 0) > pre.totalPlaces {
                problems.add("\(folder)/results.csv: \(tally["offered"] ?? 0) offered, more than the \(pre.totalPlaces) places")
            }
        }
        if let rows = table(files["offers.csv"], NoticeFormat.offersHeader, "\(folder)/offers.csv", &problems) {
            var listed: Set<String> = []
            var perProject: [String: Int] = [:]
            var previous: (project: String, rank: Int, points: Int, number: UInt64, id: String)?
            for (line, f) in rows {
                let here = "\(folder)/offers.csv:\(line)"
                let rank = natural(f[1]) ?? -1
                let points = natural(f[3]) ?? -1
                let number = UInt64(f[4]) ?? 0
                guard let o = offered[f[2]], o.project == f[0] else {
                    problems.add("\(here): applicant_id: \(f[2]) is not offered a place at \(f[0]) in results.csv")
                    continue
                }
                if !listed.insert(f[2]).inserted { problems.add("\(here): applicant_id: \(f[2]) is listed twice") }
                if points != o.points { problems.add("\(here): priority_points: \(f[3]), results.csv says \(o.points)") }
                if number != o.number || String(number) != f[4] { problems.add("\(here): lottery_number: \(f[4]), results.csv says \(o.number)") }
                perProject[f[0], default: 0] += 1
                if let p = previous, p.project == f[0] {
                    if rank != p.rank + 1 { problems.add("\(here): rank: \(f[1]), expected \(p.rank + 1)") }
                    let inOrder = p.points != points ? p.points > points : (p.number != number ? p.number < number : p.id.utf8Less(f[2]))
                    if !inOrder {
                        problems.add("\(here): \(f[2]) is listed after \(p.id), but comes first in priority order (points descending, then lottery number)")
                    }
                } else {
                    if let p = previous, !p.project.utf8Less(f[0]) {
                        problems.add("\(here): project_id: \(f[0]) after \(p.project) (projects in byte order, each once)")
                    }
                    if rank != 1 { problems.add("\(here): rank: \(f[1]), a project's list starts at 1") }
                }
                previous = (f[0], rank, points, number, f[2])
            }
            for id in offered.keys.sorted() where !listed.contains(id) {
                problems.add("\(folder)/offers.csv: \(id) is offered a place in results.csv but not listed")
            }
            for (project, n) in perProject.sorted(by: { $0.key.utf8Less($1.key) }) where n > pre.places[project] ?? 0 {
                problems.add("\(folder)/offers.csv: \(n) offers at \(project), which has \(pre.places[project] ?? 0) places")
            }
        }
        if corrected { checkCorrections(files, notice: notice, drawn: drawn, &problems) }
    }

    /// A corrected result notice's corrections.csv: numbered 1…n, each applicant in the
    /// draw's results, each `before` the outcome the draw (or the applicant's previous
    /// correction) gave, each `after` a different outcome (offered at a project, or none),
    /// an objection id or nothing, a known reason code; notice.json's `supersedes` a SHA-256
    /// and `corrections` the number of rows. The corrections are reported, never merged
    /// into the draw's results.
    static func checkCorrections(_ files: [String: [UInt8]], notice: JSONValue?, drawn: [String: NoticeOutcome], _ problems: inout Problems) {
        let folder = NoticeKind.result.folder
        let at = "\(folder)/notice.json"
        let here = "\(folder)/corrections.csv"
        let supersedes = notice?["supersedes"]?.stringValue ?? ""
        if supersedes.utf8.count != 64 || !supersedes.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) {
            problems.add("\(at): supersedes: a corrected result notice names the SHA-256 of the notice it supersedes")
        }
        if notice?["corrected_at"]?.stringValue == nil { problems.add("\(at): corrected_at: missing") }
        guard let rows = table(files["corrections.csv"], NoticeFormat.correctionsHeader, here, &problems) else { return }
        expectCount(notice?["corrections"], rows.count, "corrections", at: at, &problems)
        if rows.isEmpty { problems.add("\(here): a corrected notice lists at least one correction") }
        var current = drawn
        for (i, (line, f)) in rows.enumerated() {
            let row = "\(here):\(line)"
            if f[0] != String(i + 1) { problems.add("\(row): seq: \(f[0]), expected \(i + 1)") }
            guard let now = current[f[1]] else {
                problems.add("\(row): applicant_id: \(f[1]) is not in the draw's results.csv")
                continue
            }
            func outcome(_ name: String, _ text: String, _ project: String) -> NoticeOutcome? {
                guard let o = ApplicantResult.Outcome(rawValue: text) else {
                    problems.add("\(row): \(name): \"\(text)\" is not offered, unmatched or ineligible")
                    return nil
                }
                if (o == .offered) != !project.isEmpty || (!project.isEmpty && !ContractRules.isIdentifier(project)) {
                    problems.add("\(row): project: \"\(project)\" with \(text): a project id exactly when offered")
                    return nil
                }
                return NoticeOutcome(o, project: project)
            }
            let before = outcome("outcome_before", f[2], f[3])
            let after = outcome("outcome_after", f[4], f[5])
            if let before, before != now {
                problems.add("\(row): outcome_before: \(before), but \(f[1]) was \(now) (the draw, or their previous correction)")
            }
            if let after, after == now { problems.add("\(row): outcome_after: \(after) is no change") }
            if !f[6].isEmpty, natural(f[6]).map({ $0 < 1 }) ?? true {
                problems.add("\(row): objection_id: \"\(f[6])\" is not an objection number")
            }
            if CorrectionReason(rawValue: f[7]) == nil {
                problems.add("\(row): reason: \"\(f[7])\" is not one of \(CorrectionReason.allCases.map(\.rawValue))")
            }
            if let after { current[f[1]] = after }
        }
    }

    /// A corrected result notice's corrections, one line each, for a verifier to report
    /// beside its verdict (they change outcomes after the draw; the draw itself is unchanged).
    public static func correctionLines(result: [String: [UInt8]]?) -> [String] {
        guard let bytes = result?["corrections.csv"], let list = NoticeWriter.corrections(bytes) else { return [] }
        return list.enumerated().map { i, c in
            "\(i + 1). \(c.applicantID): \(c.before) -> \(c.after) (\(c.reason.rawValue)"
                + (c.objectionID.map { ", objection \($0)" } ?? "") + ")"
        }
    }

    // MARK: - Shared checks

    static func checkManifest(_ kind: NoticeKind, _ files: [String: [UInt8]], extra: [String] = [], _ problems: inout Problems) -> String {
        let folder = kind.folder
        let at = "\(folder)/manifest.json"
        let required = Set(["notice.json"] + kind.tables + extra)
        var digests: [(name: String, sha256: String)] = []
        for name in required.sorted() {
            guard let bytes = files[name] else {
                problems.add("\(folder)/\(name): missing")
                continue
            }
            digests.append((name, InputFolder.sha256Hex(bytes)))
        }
        let computed = PublishedNotice.noticeSHA256(digests)
        guard let manifest = parseJSON(files["manifest.json"], at, &problems) else { return computed }
        if manifest["format"]?.stringValue != NoticeFormat.name { problems.add("\(at): format: not \(NoticeFormat.name)") }
        if manifest["kind"]?.stringValue != kind.rawValue { problems.add("\(at): kind: not \(kind.rawValue)") }
        var listed: [String: String] = [:]
        for (i, entry) in (manifest["files"]?.arrayValue ?? []).enumerated() {
            guard let name = entry["name"]?.stringValue, let sha = entry["sha256"]?.stringValue else {
                problems.add("\(at): files[\(i)]: needs a name and a sha256")
                continue
            }
            if listed.updateValue(sha, forKey: name) != nil { problems.add("\(at): files[\(i)]: \(name) is listed twice") }
        }
        if Set(listed.keys) != required {
            problems.add("\(at): files: lists \(listed.keys.sorted()), a \(kind.rawValue) notice has \(required.sorted())")
        }
        for d in digests {
            if let sha = listed[d.name], sha != d.sha256 {
                problems.add("\(folder)/\(d.name): its SHA-256 is \(d.sha256), the manifest says \(sha)")
            }
        }
        if manifest["notice_sha256"]?.stringValue != computed {
            problems.add("\(at): notice_sha256: \(manifest["notice_sha256"]?.stringValue ?? "missing"), the files give \(computed)")
        }
        return computed
    }

    static func checkHeader(_ notice: JSONValue?, kind: NoticeKind, at: String, _ problems: inout Problems) {
        guard let notice else { return }
        if notice["format"]?.stringValue != NoticeFormat.name { problems.add("\(at): format: not \(NoticeFormat.name)") }
        if notice["kind"]?.stringValue != kind.rawValue { problems.add("\(at): kind: not \(kind.rawValue)") }
    }

    /// The recipe, and a canonical text of it to compare two notices' recipes by.
    static func parseRecipe(_ value: JSONValue?, at: String, _ problems: inout Problems) -> (SeedRecipe?, String?) {
        guard let value,
              let commitment = value["bureau_commitment"]?.stringValue,
              let source = value["public_source"]?.stringValue,
              let date = value["public_date"]?.stringValue,
              let list = value["witnesses"]?.arrayValue
        else {
            problems.add("\(at): seed_recipe: needs bureau_commitment, public_source, public_date and witnesses")
            return (nil, nil)
        }
        if value["formula"]?.stringValue != SeedCeremony.formula {
            problems.add("\(at): seed_recipe.formula: not \(SeedCeremony.formula), the formula this verifier knows")
        }
        var witnesses: [SeedRecipe.Witness] = []
        for (i, w) in list.enumerated() {
            guard let name = w["name"]?.stringValue, let c = w["commitment"]?.stringValue else {
                problems.add("\(at): seed_recipe.witnesses[\(i)]: needs a name and a commitment")
                continue
            }
            witnesses.append(.init(name: name, commitment: c))
        }
        let recipe = SeedRecipe(bureauCommitment: commitment, publicSource: source, publicDate: date, witnesses: witnesses)
        if recipe.witnesses.map(\.name) != witnesses.map(\.name) || recipe.bureauCommitment != commitment
            || zip(recipe.witnesses, witnesses).contains(where: { $0.commitment != $1.commitment }) {
            problems.add("\(at): seed_recipe: witnesses in name order and commitments in lowercase, as published")
        }
        for p in recipe.problems { problems.add("\(at): seed_recipe.\(p.field): \(p.message)") }
        let canonical = SeedCeremony.inputText(
            [("bureau_commitment", commitment), ("public_source", source), ("public_date", date)]
                + witnesses.map { ("witness:" + $0.name, $0.commitment) })
        return (recipe, canonical)
    }

    static func parseJSON(_ bytes: [UInt8]?, _ at: String, _ problems: inout Problems) -> JSONValue? {
        guard let bytes else { return nil }
        do {
            let node = try JSONParser.parse(bytes)
            guard case .object = node.value else {
                problems.add("\(at): not a JSON object")
                return nil
            }
            return node.value
        } catch {
            problems.add("\(at):\(error.line): \(error.message)")
            return nil
        }
    }

    /// The rows of a notice table after its exact header, each with its line and exactly as
    /// many fields as the header; nil when the file is missing or unreadable.
    static func table(_ bytes: [UInt8]?, _ header: String, _ at: String, _ problems: inout Problems) -> [(Int, [String])]? {
        guard let bytes else { return nil }
        let parsed = NoticeCSV.parse(bytes)
        if let error = parsed.error {
            problems.add("\(at):\(error.line): \(error.message)")
            return nil
        }
        guard let first = parsed.records.first, first.fields.joined(separator: ",") == header else {
            problems.add("\(at):1: the header must be exactly \(header)")
            return nil
        }
        let width = first.fields.count
        var rows: [(Int, [String])] = []
        for record in parsed.records.dropFirst() {
            if record.fields.count != width {
                problems.add("\(at):\(record.line): \(record.fields.count) fields, the header has \(width)")
                continue
            }
            rows.append((record.line, record.fields))
        }
        return rows
    }

    static func expectCount(_ value: JSONValue?, _ actual: Int, _ key: String, at: String, _ problems: inout Problems) {
        guard let text = value?.numberText, let n = natural(text) else {
            problems.add("\(at): \(key): missing or not a whole number")
            return
        }
        if n != actual { problems.add("\(at): \(key): \(n), but the files count \(actual)") }
    }

    /// A whole number ≥ 0 written without sign or leading zeros.
    static func natural(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }), text == "0" || !text.hasPrefix("0"),
              text.utf8.count <= 18 else { return nil }
        return Int(text)
    }

    struct Problems {
        private var found: [String] = []
        private var more = 0

        /// The problems, the ones past `maxProblems` counted on a last line.
        var list: [String] { more == 0 ? found : found + ["... and \(more) more problem(s)"] }

        mutating func add(_ message: String) {
            if found.count < NoticeVerifier.maxProblems { found.append(message) } else { more += 1 }
        }
    }
}

extension JSONValue {
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value.value
    }

    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    var numberText: String? {
        if case .number(let n) = self { return n }
        return nil
    }

    var arrayValue: [JSONValue]? {
        if case .array(let nodes) = self { return nodes.map(\.value) }
        return nil
    }
}
