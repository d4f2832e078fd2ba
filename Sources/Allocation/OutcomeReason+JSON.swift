/// The stored form of a reason: one flat JSON object per reason, `kind` first, written by
/// hand (a round writes 200,000 of them inside its transaction; a general encoder costs
/// several times more) and read back with `Codable`. Field names are snake_case like the
/// rest of the contract's files.
extension OutcomeReason: Codable {
    private enum Key: String, CodingKey {
        case kind, category, age, roundDate = "round_date", programme, maxAge = "max_age", income, limit, household,
            largest, gender, cheapest, nearest, minutes, mechanism, projects, position, applicants, points
    }

    /// The compact JSON text stored with each round result (`round_results.reason_data`).
    public var json: String {
        var out = "{\"kind\":\"\(kind)\""
        func int(_ key: String, _ value: Int?) {
            out += ",\"\(key)\":" + (value.map { String($0) } ?? "null")
        }
        func text(_ key: String, _ value: String) {
            out += ",\"\(key)\":"
            Self.appendJSONString(value, to: &out)
        }
        switch self {
        case .noPlaces, .accessibility, .reservedEmployer: break
        case .category(let category): text("category", category)
        case .age(let age, let roundDate, let programme, let maxAge):
            int("age", age); text("round_date", roundDate); text("programme", programme); int("max_age", maxAge)
        case .income(let income, let programme, let limit):
            int("income", income); text("programme", programme); int("limit", limit)
        case .householdSize(let household, let largest): int("household", household); int("largest", largest)
        case .gender(let gender): text("gender", gender)
        case .rent(let limit, let cheapest): int("limit", limit); int("cheapest", cheapest)
        case .commute(let limit, let nearest, let minutes):
            int("limit", limit); text("nearest", nearest); int("minutes", minutes)
        case .outranked(let mechanism, let projects, let position, let applicants, let points, let nearest):
            text("mechanism", mechanism.rawValue); int("projects", projects); int("position", position)
            int("applicants", applicants); int("points", points)
            out += ",\"nearest\":[" + nearest.map(\.json).joined(separator: ",") + "]"
        case .optimalElsewhere(let projects, let nearest):
            int("projects", projects)
            out += ",\"nearest\":" + nearest.json
        }
        return out + "}"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        func int(_ key: Key) throws -> Int { try c.decode(Int.self, forKey: key) }
        func text(_ key: Key) throws -> String { try c.decode(String.self, forKey: key) }
        switch try text(.kind) {
        case "no_places": self = .noPlaces
        case "category": self = .category(category: try text(.category))
        case "age":
            self = .age(age: try int(.age), roundDate: try text(.roundDate), programme: try text(.programme), maxAge: try int(.maxAge))
        case "income": self = .income(income: try int(.income), programme: try text(.programme), limit: try int(.limit))
        case "household_size": self = .householdSize(household: try int(.household), largest: try int(.largest))
        case "gender": self = .gender(gender: try text(.gender))
        case "accessibility": self = .accessibility
        case "rent": self = .rent(limit: try int(.limit), cheapest: try int(.cheapest))
        case "reserved_employer": self = .reservedEmployer
        case "commute":
            self = .commute(limit: try int(.limit), nearest: try text(.nearest), minutes: try c.decodeIfPresent(Int.self, forKey: .minutes))
        case "outranked":
            guard let mechanism = Mechanism(rawValue: try text(.mechanism)) else {
                throw DecodingError.dataCorruptedError(forKey: .mechanism, in: c, debugDescription: "unknown mechanism")
            }
            self = .outranked(
                mechanism: mechanism, projects: try int(.projects), position: try int(.position),
                applicants: try int(.applicants), points: try int(.points),
                nearest: try c.decode([NearbyProject].self, forKey: .nearest))
        case "optimal_elsewhere":
            self = .optimalElsewhere(projects: try int(.projects), nearest: try c.decode(NearbyProject.self, forKey: .nearest))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown reason kind \(other)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        // The stored text is the one form; a general encoder writes the same fields.
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(kind, forKey: .kind)
        switch self {
        case .noPlaces, .accessibility, .reservedEmployer: break
        case .category(let category): try c.encode(category, forKey: .category)
        case .age(let age, let roundDate, let programme, let maxAge):
            try c.encode(age, forKey: .age); try c.encode(roundDate, forKey: .roundDate)
            try c.encode(programme, forKey: .programme); try c.encode(maxAge, forKey: .maxAge)
        case .income(let income, let programme, let limit):
            try c.encode(income, forKey: .income); try c.encode(programme, forKey: .programme); try c.encode(limit, forKey: .limit)
        case .householdSize(let household, let largest):
            try c.encode(household, forKey: .household); try c.encode(largest, forKey: .largest)
        case .gender(let gender): try c.encode(gender, forKey: .gender)
        case .rent(let limit, let cheapest): try c.encode(limit, forKey: .limit); try c.encode(cheapest, forKey: .cheapest)
        case .commute(let limit, let nearest, let minutes):
            try c.encode(limit, forKey: .limit); try c.encode(nearest, forKey: .nearest); try c.encode(minutes, forKey: .minutes)
        case .outranked(let mechanism, let projects, let position, let applicants, let points, let nearest):
            try c.encode(mechanism, forKey: .mechanism); try c.encode(projects, forKey: .projects)
            try c.encode(position, forKey: .position); try c.encode(applicants, forKey: .applicants)
            try c.encode(points, forKey: .points); try c.encode(nearest, forKey: .nearest)
        case .optimalElsewhere(let projects, let nearest):
            try c.encode(projects, forKey: .projects); try c.encode(nearest, forKey: .nearest)
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
    private enum Key: String, CodingKey { case name, minutes, cutoff, district, points }

    /// `{"name":…,"minutes":…}` plus the cutoff's fields.
    var json: String {
        var out = "{\"name\":"
        OutcomeReason.appendJSONString(name, to: &out)
        out += ",\"minutes\":\(minutes)"
        switch cutoff {
        case nil: break
        case .noPlaceLeft: out += ",\"cutoff\":\"no_place_left\""
        case .localWorkersFirst(let district):
            out += ",\"cutoff\":\"local_workers_first\",\"district\":"
            OutcomeReason.appendJSONString(district, to: &out)
        case .morePoints(let points): out += ",\"cutoff\":\"more_points\",\"points\":\(points)"
        case .earlierLotteryDraw: out += ",\"cutoff\":\"earlier_lottery_draw\""
        }
        return out + "}"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        name = try c.decode(String.self, forKey: .name)
        minutes = try c.decode(Int.self, forKey: .minutes)
        switch try c.decodeIfPresent(String.self, forKey: .cutoff) {
        case nil: cutoff = nil
        case "no_place_left": cutoff = .noPlaceLeft
        case "local_workers_first": cutoff = .localWorkersFirst(district: try c.decode(String.self, forKey: .district))
        case "more_points": cutoff = .morePoints(points: try c.decode(Int.self, forKey: .points))
        case "earlier_lottery_draw": cutoff = .earlierLotteryDraw
        case let other?:
            throw DecodingError.dataCorruptedError(forKey: .cutoff, in: c, debugDescription: "unknown cutoff \(other)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(name, forKey: .name)
        try c.encode(minutes, forKey: .minutes)
        switch cutoff {
        case nil: break
        case .noPlaceLeft: try c.encode("no_place_left", forKey: .cutoff)
        case .localWorkersFirst(let district):
            try c.encode("local_workers_first", forKey: .cutoff); try c.encode(district, forKey: .district)
        case .morePoints(let points): try c.encode("more_points", forKey: .cutoff); try c.encode(points, forKey: .points)
        case .earlierLotteryDraw: try c.encode("earlier_lottery_draw", forKey: .cutoff)
        }
    }
}
