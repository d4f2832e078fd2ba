extension OutcomeReason {
    /// The published explanation: exactly the reason column of results.csv (the file
    /// contract's text, unchanged by this rendering's move out of `Explanations`).
    public var english: String {
        switch self {
        case .noPlaces:
            return "No places are available in this round."
        case .category(let category):
            return "No project with places this round is open to the \(category) category."
        case .age(let age, let roundDate, let programme, let maxAge):
            return "Over the age limit: you are \(age) on \(roundDate), "
                + "and the \(programme) programme admits applicants aged \(maxAge) or younger."
        case .income(let income, let programme, let limit):
            return "Income above the limit: \(Self.grouped(income)) yuan a month, "
                + "and the \(programme) programme admits incomes up to \(Self.grouped(limit))."
        case .householdSize(let household, let largest):
            return "No place this round fits a household of \(household); the largest open to you holds \(largest)."
        case .gender(let gender):
            return "No bed in a \(gender == Applicant.Gender.female.rawValue ? "women's" : "men's") or mixed room is open to you this round."
        case .accessibility:
            return "No step-free (accessible) place open to you is available this round."
        case .rent(let limit, let cheapest):
            return "No place open to you is within your rent limit of \(Self.grouped(limit)) yuan; "
                + "the cheapest is \(Self.grouped(cheapest)) yuan."
        case .reservedEmployer:
            return "The places otherwise open to you are reserved for other employers' workers."
        case .commute(let limit, let nearest, let minutes):
            return "No place open to you within your \(limit)-minute commute limit; "
                + "the nearest, \(nearest), is \(minutes.map { "\($0)" } ?? "more than \(Int.max)") minutes away."
        case .outranked(let mechanism, let projects, let position, let applicants, let points, let nearest):
            // Four in five rows of a round carry this reason: built in one string, not from
            // a dozen intermediate ones.
            var text = "The places in "
            text.reserveCapacity(160 + nearest.count * 80)
            text += Self.scope(projects)
            text += mechanism == .serial ? " were taken before your turn" : " went to applicants ranked ahead of you there"
            text += " (your priority position: "
            Self.appendGrouped(position, to: &text)
            text += " of "
            Self.appendGrouped(applicants, to: &text)
            text += ", \(points) points). Nearest: "
            for (i, project) in nearest.enumerated() {
                if i > 0 { text += "; " }
                text += Self.describe(project)
                text += ": "
                text += project.cutoff?.english ?? ""
            }
            text += "."
            return text
        case .optimalElsewhere(let projects, let nearest):
            return "The allocation housing the most applicants with the least total commute gave the places in "
                + "\(Self.scope(projects)) to others; nearest: \(Self.describe(nearest))."
        }
    }

    private static func scope(_ projects: Int) -> String {
        projects == 1 ? "the one project open to you" : "all \(projects) projects open to you"
    }

    private static func describe(_ project: NearbyProject) -> String { "\(project.name) (\(project.minutes) min)" }

    /// 12345 → "12,345": numbers as a bureau prints them, independent of locale.
    public static func grouped(_ v: Int) -> String {
        var text = ""
        appendGrouped(v, to: &text)
        return text
    }

    /// Appends `grouped(v)` to `text`.
    static func appendGrouped(_ v: Int, to text: inout String) {
        let digits = String(v.magnitude)
        if v < 0 { text += "-" }
        let count = digits.utf8.count
        for (i, d) in digits.unicodeScalars.enumerated() {
            if i > 0 && (count - i) % 3 == 0 { text += "," }
            text.unicodeScalars.append(d)
        }
    }
}

extension OutcomeReason.Cutoff {
    /// The clause after a project's name in the English reason.
    public var english: String {
        switch self {
        case .noPlaceLeft: "no place left"
        case .localWorkersFirst(let district): "people working in \(district) come first"
        case .morePoints(let points): "more priority points (cutoff \(points))"
        case .earlierLotteryDraw: "same points, earlier lottery draw"
        }
    }
}
