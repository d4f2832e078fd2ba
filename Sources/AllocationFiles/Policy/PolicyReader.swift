import Allocation

/// Turns a parsed policy.json into a `Policy`, checking types, ranges and required keys
/// and collecting every problem rather than stopping at the first.
struct PolicyReader {
    let file: String
    var diagnostics: [Diagnostic] = []
    var programmeNames: Set<String>?

    init(file: String) { self.file = file }

    private mutating func report(line: Int, path: String, offset: Int, _ message: String) {
        diagnostics.append(Diagnostic(file: file, line: line, column: path, message: message, position: offset))
    }

    private mutating func report(_ m: JSONMember, _ path: String, _ message: String) {
        report(line: m.line, path: path, offset: m.offset, message)
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// The members of an object by key, first occurrence winning; later occurrences are
    /// reported, since which one a reader honours differs between JSON libraries.
    private mutating func members(_ list: [JSONMember], path: String) -> [String: JSONMember] {
        var byKey: [String: JSONMember] = [:]
        for m in list {
            if let first = byKey[m.key] {
                report(m, Self.join(path, m.key), "duplicate key (first on line \(first.line)); keep only one")
            } else {
                byKey[m.key] = m
            }
        }
        return byKey
    }

    mutating func policy(_ root: JSONNode) -> Policy? {
        guard case .object(let list) = root.value else {
            report(line: root.line, path: "-", offset: root.offset, "the top level must be a JSON object, found \(root.value.summary)")
            return nil
        }
        let top = members(list, path: "")
        let roundDate = requiredDate(top["round_date"], "round_date")
        let seed = requiredSeed(top["seed"])
        var mechanism = Mechanism.deferredAcceptance
        if let m = top["mechanism"], let s = string(m, "mechanism", expecting: "a mechanism name") {
            if let x = Mechanism(rawValue: s) {
                mechanism = x
            } else {
                report(m, "mechanism", "\(quoted(s)) is not one of \(Mechanism.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        let localPriority = top["local_priority"].flatMap { bool($0, "local_priority") } ?? true
        let maxCommute = top["default_max_commute_min"].flatMap { integer($0, "default_max_commute_min", atLeast: 1) } ?? 60
        let commute = top["commute"].map { commuteModel($0) } ?? CommuteModel()
        var programmes = Programme.defaults
        if let m = top["programmes"] {
            programmes = self.programmes(m) ?? [:]
        } else {
            programmeNames = Set(programmes.keys)
        }
        guard let roundDate, let seed else { return nil }
        return Policy(
            roundDate: roundDate, mechanism: mechanism, seed: seed, localPriority: localPriority,
            defaultMaxCommuteMin: maxCommute, commute: commute, programmes: programmes)
    }

    /// The `offers` object (see `OfferSettings`); defaults for whatever is absent or wrong.
    mutating func offerSettings(_ root: JSONNode) -> OfferSettings {
        var settings = OfferSettings()
        guard case .object(let list) = root.value, let m = members(list, path: "")["offers"] else { return settings }
        guard case .object(let fields) = m.value.value else {
            report(m, "offers", "expected an object like {\"response_days\": 7, \"max_refusals\": 2}, found \(m.value.value.summary)")
            return settings
        }
        let byKey = members(fields, path: "offers")
        if let d = byKey["response_days"], let days = integer(d, "offers.response_days", atLeast: 1) {
            if days <= 365 {
                settings.responseDays = days
            } else {
                report(d, "offers.response_days", "\(days) is out of range; expected 1 to 365 days")
            }
        }
        if let r = byKey["max_refusals"], let refusals = integer(r, "offers.max_refusals", atLeast: 1) {
            settings.maxRefusals = refusals
        }
        if let l = byKey["refusals_lapse_days"], let days = integer(l, "offers.refusals_lapse_days", atLeast: 1) {
            if days <= 3650 {
                settings.refusalsLapseDays = days
            } else {
                report(l, "offers.refusals_lapse_days", "\(days) is out of range; expected 1 to 3650 days")
            }
        }
        if let k = byKey["reinstated_refusals"], let kept = integer(k, "offers.reinstated_refusals", atLeast: 0) {
            if kept < settings.maxRefusals {
                settings.reinstatedRefusals = kept
            } else {
                report(
                    k, "offers.reinstated_refusals",
                    "\(kept) would leave a reinstated applicant suspended; expected 0 to \(settings.maxRefusals - 1) (below max_refusals)")
            }
        }
        return settings
    }

    private mutating func requiredDate(_ m: JSONMember?, _ path: String) -> CivilDate? {
        guard let m else {
            report(line: 1, path: path, offset: -1, "required key is missing; expected a date such as \"2026-12-01\"")
            return nil
        }
        guard let s = string(m, path, expecting: "a date written \"YYYY-MM-DD\"") else { return nil }
        guard let d = CivilDate(iso: s) else {
            report(m, path, "\(quoted(s)) is not a valid date; expected a calendar date written YYYY-MM-DD")
            return nil
        }
        return d
    }

    private mutating func requiredSeed(_ m: JSONMember?) -> String? {
        guard let m else {
            report(line: 1, path: "seed", offset: -1, "required key is missing; expected the published lottery seed, a non-empty string")
            return nil
        }
        guard let s = string(m, "seed", expecting: "a non-empty string") else { return nil }
        guard !s.isEmpty else {
            report(m, "seed", "the seed is empty; expected the published lottery seed, a non-empty string")
            return nil
        }
        return s
    }

    private mutating func string(_ m: JSONMember, _ path: String, expecting: String) -> String? {
        guard case .string(let s) = m.value.value else {
            report(m, path, "expected \(expecting), found \(m.value.value.summary)")
            return nil
        }
        return s
    }

    private mutating func bool(_ m: JSONMember, _ path: String) -> Bool? {
        guard case .bool(let b) = m.value.value else {
            report(m, path, "expected true or false, found \(m.value.value.summary)")
            return nil
        }
        return b
    }

    /// Integer settings take integer literals only: `60.0` or `6e1` are refused, so the
    /// file says exactly what it means.
    private mutating func integer(_ m: JSONMember, _ path: String, atLeast minimum: Int) -> Int? {
        guard case .number(let literal) = m.value.value else {
            report(m, path, "expected a whole number of at least \(minimum), found \(m.value.value.summary)")
            return nil
        }
        guard !literal.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") }) else {
            report(m, path, "\(literal) is not an integer literal; expected a whole number of at least \(minimum), written without a decimal point or exponent")
            return nil
        }
        switch FieldSyntax.integer(literal.utf8) {
        case .value(let x) where x >= minimum:
            return x
        case .value, .outOfRange:
            report(m, path, "\(literal) is out of range; expected a whole number of at least \(minimum)")
        case .malformed:
            report(m, path, "\(literal) is not an integer literal; expected a whole number of at least \(minimum)")
        }
        return nil
    }

    /// A JSON number of any form, within `range`, described by `expected` in messages.
    private mutating func number(_ m: JSONMember, _ path: String, _ expected: String, _ ok: (Double) -> Bool) -> Double? {
        guard case .number(let literal) = m.value.value else {
            report(m, path, "expected \(expected), found \(m.value.value.summary)")
            return nil
        }
        guard let x = Double(literal), x.isFinite, ok(x) else {
            report(m, path, "\(literal) is out of range; expected \(expected)")
            return nil
        }
        return x
    }

    private mutating func commuteModel(_ m: JSONMember) -> CommuteModel {
        var model = CommuteModel()
        guard case .object(let list) = m.value.value else {
            report(m, "commute", "expected an object with overhead_min, detour_factor and speed_kmh, found \(m.value.value.summary)")
            return model
        }
        let fields = members(list, path: "commute")
        if let f = fields["overhead_min"], let x = number(f, "commute.overhead_min", "a number of minutes of at least 0", { $0 >= 0 }) {
            model.overheadMin = x
        }
        if let f = fields["detour_factor"], let x = number(f, "commute.detour_factor", "a number of at least 1", { $0 >= 1 }) {
            model.detourFactor = x
        }
        if let f = fields["speed_kmh"], let x = number(f, "commute.speed_kmh", "a speed in km/h greater than 0", { $0 > 0 }) {
            model.speedKmh = x
        }
        return model
    }

    private mutating func programmes(_ m: JSONMember) -> [String: Programme]? {
        guard case .object(let list) = m.value.value else {
            report(m, "programmes", "expected an object mapping programme names to programmes, found \(m.value.value.summary)")
            return nil
        }
        let byName = members(list, path: "programmes")
        programmeNames = Set(byName.keys)
        var result: [String: Programme] = [:]
        for entry in list where byName[entry.key]?.offset == entry.offset {
            if let p = programme(entry, path: "programmes." + entry.key) { result[entry.key] = p }
        }
        return result
    }

    private mutating func programme(_ m: JSONMember, path: String) -> Programme? {
        guard case .object(let list) = m.value.value else {
            report(m, path, "expected an object with categories and optional max_age and income_max, found \(m.value.value.summary)")
            return nil
        }
        let fields = members(list, path: path)
        let known = Applicant.Category.allCases.map(\.rawValue).joined(separator: ", ")
        var categories: Set<Applicant.Category>?
        let categoriesPath = path + ".categories"
        if let c = fields["categories"] {
            if case .array(let elements) = c.value.value {
                var set = Set<Applicant.Category>()
                var ok = true
                for e in elements {
                    let at = JSONMember(key: "categories", line: e.line, offset: e.offset, value: e)
                    if case .string(let s) = e.value, let category = Applicant.Category(rawValue: s) {
                        set.insert(category)
                    } else if case .string(let s) = e.value {
                        report(at, categoriesPath, "\(quoted(s)) is not one of \(known)")
                        ok = false
                    } else {
                        report(at, categoriesPath, "expected a category name (one of \(known)), found \(e.value.summary)")
                        ok = false
                    }
                }
                if ok { categories = set }
            } else {
                report(c, categoriesPath, "expected an array of categories (of \(known)), found \(c.value.value.summary)")
            }
        } else {
            report(m, categoriesPath, "required key is missing; expected an array of categories (of \(known))")
        }
        let maxAge = fields["max_age"].flatMap { integer($0, path + ".max_age", atLeast: 0) }
        let incomeMax = fields["income_max"].flatMap { integer($0, path + ".income_max", atLeast: 0) }
        guard let categories else { return nil }
        return Programme(categories: categories, maxAge: maxAge, incomeMax: incomeMax)
    }
}
