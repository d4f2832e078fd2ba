/// The stored form of a reason: a JSON array, the kind first and then its figures in a
/// fixed order (a code and its arguments), written by hand — a round writes 200,000 of
/// them inside its transaction — and read back with `Codable`:
///
///     ["no_places"]  ["accessibility"]  ["reserved_employer"]
///     ["category", category]             ["gender", gender]
///     ["age", age, round_date, programme, max_age]
///     ["income", income, programme, limit]
///     ["household_size", household, largest]
///     ["rent", limit, cheapest]
///     ["commute", limit, nearest_project_name, minutes or null]
///     ["outranked", mechanism, projects, position, applicants, points, [nearby, …]]
///     ["optimal_elsewhere", projects, nearby]
///
/// where a nearby project is `[name, minutes]` followed by its cutoff: nothing (optimal),
/// `"no_place_left"`, `"local_workers_first", district`, `"more_points", points` or
/// `"earlier_lottery_draw"`. Arrays rather than keyed objects: at 200k results the keys
/// alone were ~60 MB more to write in the round's transaction.
extension OutcomeReason: Codable {
    /// The compact JSON text stored with each round result (`round_results.reason_data`).
    public var json: String {
        var out = "["
        out.reserveCapacity(160)
        out += "\""
        out += kind
        out += "\""
        func int(_ value: Int?) {
            out += ","
            if let value { out += String(value) } else { out += "null" }
        }
        func text(_ value: String) {
            out += ","
            Self.appendJSONString(value, to: &out)
        }
        switch self {
        case .noPlaces, .accessibility, .reservedEmployer: break
        case .category(let category): text(category)
        case .age(let age, let roundDate, let programme, let maxAge):
            int(age); text(roundDate); text(programme); int(maxAge)
        case .income(let income, let programme, let limit): int(income); text(programme); int(limit)
        case .householdSize(let household, let largest): int(household); int(largest)
        case .gender(let gender): text(gender)
        case .rent(let limit, let cheapest): int(limit); int(cheapest)
        case .commute(let limit, let nearest, let minutes): int(limit); text(nearest); int(minutes)
        case .outranked(let mechanism, let projects, let position, let applicants, let points, let nearest):
            text(mechanism.rawValue); int(projects); int(position); int(applicants); int(points)
            out += ",["
            for (index, project) in nearest.enumerated() {
                if index > 0 { out += "," }
                project.appendJSON(to: &out)
            }
            out += "]"
        case .optimalElsewhere(let projects, let nearest):
            int(projects)
            out += ","
            nearest.appendJSON(to: &out)
        }
        out += "]"
        return out
    }

    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        func int() throws -> Int { try c.decode(Int.self) }
        func text() throws -> String { try c.decode(String.self) }
        switch try text() {
        case "no_places": self = .noPlaces
        case "category": self = .category(category: try text())
        case "age": self = .age(age: try int(), roundDate: try text(), programme: try text(), maxAge: try int())
        case "income": self = .income(income: try int(), programme: try text(), limit: try int())
        case "household_size": self = .householdSize(household: try int(), largest: try int())
        case "gender": self = .gender(gender: try text())
        case "accessibility": self = .accessibility
        case "rent": self = .rent(limit: try int(), cheapest: try int())
        case "reserved_employer": self = .reservedEmployer
        case "commute":
            self = .commute(limit: try int(), nearest: try text(), minutes: try c.decode(Int?.self))
        case "outranked":
            let name = try text()
            guard let mechanism = Mechanism(rawValue: name) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "unknown mechanism \(name)")
            }
            self = .outranked(
                mechanism: mechanism, projects: try int(), position: try int(), applicants: try int(), points: try int(),
                nearest: try c.decode([NearbyProject].self))
        case "optimal_elsewhere":
            self = .optimalElsewhere(projects: try int(), nearest: try c.decode(NearbyProject.self))
        case let other:
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "unknown reason kind \(other)")
        }
        guard c.isAtEnd else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "extra values in a reason") }
    }

    /// The same array a general encoder would write as `json` does.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(kind)
        switch self {
        case .noPlaces, .accessibility, .reservedEmployer: break
        case .category(let category): try c.encode(category)
        case .age(let age, let roundDate, let programme, let maxAge):
            try c.encode(age); try c.encode(roundDate); try c.encode(programme); try c.encode(maxAge)
        case .income(let income, let programme, let limit): try c.encode(income); try c.encode(programme); try c.encode(limit)
        case .householdSize(let household, let largest): try c.encode(household); try c.encode(largest)
        case .gender(let gender): try c.encode(gender)
        case .rent(let limit, let cheapest): try c.encode(limit); try c.encode(cheapest)
        case .commute(let limit, let nearest, let minutes):
            try c.encode(limit); try c.encode(nearest)
            if let minutes { try c.encode(minutes) } else { try c.encodeNil() }
        case .outranked(let mechanism, let projects, let position, let applicants, let points, let nearest):
            try c.encode(mechanism.rawValue); try c.encode(projects); try c.encode(position)
            try c.encode(applicants); try c.encode(points); try c.encode(nearest)
        case .optimalElsewhere(let projects, let nearest):
            try c.encode(projects); try c.encode(nearest)
        }
    }

    /// `value` as a JSON string literal: quotes, backslashes and control characters escaped,
    /// everything else (Chinese names included) as UTF-8.
    static func appendJSONString(_ value: String, to out: inout String) {
        out += "\""
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += value
            return out += "\""
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

extension OutcomeReason.NearbyProject: Codable {
    /// Appends `[name, minutes]` and the cutoff's values.
    func appendJSON(to out: inout String) {
        out += "["
        OutcomeReason.appendJSONString(name, to: &out)
        out += ",\(minutes)"
        switch cutoff {
        case nil: break
        case .noPlaceLeft: out += ",\"no_place_left\""
        case .localWorkersFirst(let district):
            out += ",\"local_workers_first\","
            OutcomeReason.appendJSONString(district, to: &out)
        case .morePoints(let points): out += ",\"more_points\",\(points)"
        case .earlierLotteryDraw: out += ",\"earlier_lottery_draw\""
        }
        out += "]"
    }

    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        name = try c.decode(String.self)
        minutes = try c.decode(Int.self)
        if c.isAtEnd {
            cutoff = nil
            return
        }
        switch try c.decode(String.self) {
        case "no_place_left": cutoff = .noPlaceLeft
        case "local_workers_first": cutoff = .localWorkersFirst(district: try c.decode(String.self))
        case "more_points": cutoff = .morePoints(points: try c.decode(Int.self))
        case "earlier_lottery_draw": cutoff = .earlierLotteryDraw
        case let other: throw DecodingError.dataCorruptedError(in: c, debugDescription: "unknown cutoff \(other)")
        }
        guard c.isAtEnd else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "extra values in a project") }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(name)
        try c.encode(minutes)
        switch cutoff {
        case nil: break
        case .noPlaceLeft: try c.encode("no_place_left")
        case .localWorkersFirst(let district): try c.encode("local_workers_first"); try c.encode(district)
        case .morePoints(let points): try c.encode("more_points"); try c.encode(points)
        case .earlierLotteryDraw: try c.encode("earlier_lottery_draw")
        }
    }
}
