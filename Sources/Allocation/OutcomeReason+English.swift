extension OutcomeReason {
    /// The published explanation: exactly the reason column of results.csv (the file
    /// contract's text, unchanged by this rendering's move out of `Explanations`).
    public var english: String {
        var text = UTF8Text(capacity: 256)
        appendEnglish(to: &text)
        return text.string
    }

    /// Appends `english` to `text`. Built as bytes: a round renders 200,000 of these, and
    /// String's appends (a dozen per reason) were two thirds of the results phase.
    func appendEnglish(to text: inout UTF8Text) {
        switch self {
        case .noPlaces:
            text.add("No places are available in this round.")
        case .category(let category):
            text.add("No project with places this round is open to the ")
            text.add(category)
            text.add(" category.")
        case .age(let age, let roundDate, let programme, let maxAge):
            text.add("Over the age limit: you are ")
            text.add(age)
            text.add(" on ")
            text.add(roundDate)
            text.add(", and the ")
            text.add(programme)
            text.add(" programme admits applicants aged ")
            text.add(maxAge)
            text.add(" or younger.")
        case .income(let income, let programme, let limit):
            text.add("Income above the limit: ")
            text.addGrouped(income)
            text.add(" yuan a month, and the ")
            text.add(programme)
            text.add(" programme admits incomes up to ")
            text.addGrouped(limit)
            text.add(".")
        case .householdSize(let household, let largest):
            text.add("No place this round fits a household of ")
            text.add(household)
            text.add("; the largest open to you holds ")
            text.add(largest)
            text.add(".")
        case .gender(let gender):
            text.add("No bed in a ")
            text.add(gender == Applicant.Gender.female.rawValue ? "women's" : "men's")
            text.add(" or mixed room is open to you this round.")
        case .accessibility:
            text.add("No step-free (accessible) place open to you is available this round.")
        case .rent(let limit, let cheapest):
            text.add("No place open to you is within your rent limit of ")
            text.addGrouped(limit)
            text.add(" yuan; the cheapest is ")
            text.addGrouped(cheapest)
            text.add(" yuan.")
        case .reservedEmployer:
            text.add("The places otherwise open to you are reserved for other employers' workers.")
        case .commute(let limit, let nearest, let minutes):
            text.add("No place open to you within your ")
            text.add(limit)
            text.add("-minute commute limit; the nearest, ")
            text.add(nearest)
            text.add(", is ")
            if let minutes {
                text.add(minutes)
            } else {
                text.add("more than ")
                text.add(Int.max)
            }
            text.add(" minutes away.")
        case .outranked(let mechanism, let projects, let position, let applicants, let points, let nearest):
            text.add("The places in ")
            Self.addScope(projects, to: &text)
            text.add(mechanism == .serial ? " were taken before your turn" : " went to applicants ranked ahead of you there")
            text.add(" (your priority position: ")
            text.addGrouped(position)
            text.add(" of ")
            text.addGrouped(applicants)
            text.add(", ")
            text.add(points)
            text.add(" points). Nearest: ")
            for (i, project) in nearest.enumerated() {
                if i > 0 { text.add("; ") }
                Self.addDescription(project, to: &text)
                text.add(": ")
                project.cutoff?.appendEnglish(to: &text)
            }
            text.add(".")
        case .optimalElsewhere(let projects, let nearest):
            text.add("The allocation housing the most applicants with the least total commute gave the places in ")
            Self.addScope(projects, to: &text)
            text.add(" to others; nearest: ")
            Self.addDescription(nearest, to: &text)
            text.add(".")
        }
    }

    private static func addScope(_ projects: Int, to text: inout UTF8Text) {
        if projects == 1 {
            text.add("the one project open to you")
        } else {
            text.add("all ")
            text.add(projects)
            text.add(" projects open to you")
        }
    }

    /// "name (N min)".
    private static func addDescription(_ project: NearbyProject, to text: inout UTF8Text) {
        text.add(project.name)
        text.add(" (")
        text.add(project.minutes)
        text.add(" min)")
    }

    /// 12345 → "12,345": numbers as a bureau prints them, independent of locale.
    public static func grouped(_ v: Int) -> String {
        var text = UTF8Text(capacity: 32)
        text.addGrouped(v)
        return text.string
    }
}

/// Text built as UTF-8 bytes, piece by piece, then made a String once.
struct UTF8Text {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    @inline(__always)
    mutating func add(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func add(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// `v` in decimal, as `String(v)` writes it.
    mutating func add(_ v: Int) { addDecimal(v, grouped: false) }

    /// `v` in decimal with a comma between groups of three digits: 12345 → "12,345".
    mutating func addGrouped(_ v: Int) { addDecimal(v, grouped: true) }

    private mutating func addDecimal(_ v: Int, grouped: Bool) {
        if v < 0 { bytes.append(UInt8(ascii: "-")) }
        var m = v.magnitude
        // At most 20 digits and 6 commas, written from the right.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
            var i = buffer.count
            var digits = 0
            repeat {
                if grouped && digits > 0 && digits % 3 == 0 {
                    i -= 1
                    buffer[i] = UInt8(ascii: ",")
                }
                i -= 1
                buffer[i] = UInt8(ascii: "0") + UInt8(m % 10)
                m /= 10
                digits += 1
            } while m > 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[i...]))
        }
    }
}

extension OutcomeReason.Cutoff {
    /// The clause after a project's name in the English reason.
    public var english: String {
        var text = UTF8Text(capacity: 64)
        appendEnglish(to: &text)
        return text.string
    }

    func appendEnglish(to text: inout UTF8Text) {
        switch self {
        case .noPlaceLeft:
            text.add("no place left")
        case .localWorkersFirst(let district):
            text.add("people working in ")
            text.add(district)
            text.add(" come first")
        case .morePoints(let points):
            text.add("more priority points (cutoff ")
            text.add(points)
            text.add(")")
        case .earlierLotteryDraw:
            text.add("same points, earlier lottery draw")
        }
    }
}
