import Allocation
import AllocationFiles
import Foundation

/// Why one field of an application (or of an applicant's update) was refused, as data, so
/// the API and the form can word it in the applicant's language. The contract's own fields
/// carry the file contract's rule (`FieldRule`): they are checked by the same code that
/// checks applicants.csv.
public enum ApplicationRule: Sendable, Hashable {
    /// A field of applicants.csv, refused by the contract's rule.
    case contract(FieldRule)
    /// A name of 1 to 100 characters is needed.
    case name
    /// A phone number: 5 to 20 digits, an optional leading +, spaces and hyphens ignored.
    case phone
    /// An email address: `local@domain`, at most 254 characters.
    case email
    /// At least one of phone and email.
    case contactNeeded
    /// An identity-document number: 6 to 32 letters and digits (spaces and hyphens ignored).
    case identityNumber
    /// The workplace: a registered site, or a point (latitude, longitude, district) — one, not both.
    case workplaceNeeded
    case workplaceBoth
    /// No registered workplace site has this id.
    case unknownSite
    /// `language` is `zh-CN` or `en`.
    case language
    /// A field the applicant may not set or change (e.g. `priority_points`).
    case notChangeable
    /// A text longer than the limit.
    case tooLong(Int)
    /// A whole number above what the database stores (2147483647).
    case atMost(Int)
    /// A text with a NUL or another control character.
    case controlCharacters
    /// An update must name the version it read.
    case versionNeeded
}

/// An application as submitted: the contract's applicant fields (as text, exactly as a CSV
/// cell would hold them), where the applicant works, and how to reach them.
public struct ApplicationForm: Sendable, Equatable {
    /// The contract fields an applicant gives, by applicants.csv column name.
    public static let contractFields = [
        "category", "household_size", "gender", "birth_date", "monthly_income", "work_lat", "work_lon", "work_district",
        "max_commute_min", "max_rent", "needs_accessible", "employer_id",
    ]
    /// The fields of an applicant's update (the rest are fixed once submitted: category,
    /// gender and birth date identify the application; priority points are the bureau's).
    public static let changeableFields: Set<String> = [
        "household_size", "monthly_income", "work_lat", "work_lon", "work_district", "workplace_site", "max_commute_min",
        "max_rent", "needs_accessible", "employer_id", "name", "phone", "email", "language",
    ]

    public var fields: [String: String]
    public var workplaceSite: String?
    public var name: String?
    public var phone: String?
    public var email: String?
    public var identityNumber: String?
    public var language: String?

    public init(
        fields: [String: String] = [:], workplaceSite: String? = nil, name: String? = nil, phone: String? = nil,
        email: String? = nil, identityNumber: String? = nil, language: String? = nil
    ) {
        self.fields = fields
        self.workplaceSite = workplaceSite
        self.name = name
        self.phone = phone
        self.email = email
        self.identityNumber = identityNumber
        self.language = language
    }
}

extension ApplicationForm {
    /// The problems of `form` as an application (no database: `site` is the registered site
    /// it names, if any), each at its field: what POST /v1/applications answers with 422.
    public static func problems(_ form: ApplicationForm, site: WorkplaceSite?) -> [StoreProblem] {
        let (checked, problems) = ApplicationCheck.check(form, id: "ap-check", site: site, requireIdentity: true)
        if let contact = checked?.contact {
            // The duplicate keys' normalising, on whatever passed.
            _ = ApplicationCheck.matchingName(contact.name)
            _ = contact.phone.map(ApplicationCheck.matchingPhone)
        }
        return problems
    }
}

/// A registered workplace: an employer's site or a public employment centre.
public struct WorkplaceSite: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case employerSite = "employer_site", employmentCentre = "employment_centre" }
    public var id: String
    public var kind: Kind
    public var name: String
    public var employerID: String?
    public var lat: String
    public var lon: String
    public var district: String

    public init(id: String, kind: Kind, name: String, employerID: String?, lat: String, lon: String, district: String) {
        self.id = id
        self.kind = kind
        self.name = name
        self.employerID = employerID
        self.lat = lat
        self.lon = lon
        self.district = district
    }
}

/// How to reach an applicant, normalised.
public struct ApplicantContact: Sendable, Equatable {
    public var name: String
    public var phone: String?
    public var email: String?
    public var language: String
}

/// What an application says once checked.
struct CheckedApplication {
    var applicant: Applicant
    /// Nil for an imported applicant whose contact details were never given.
    var contact: ApplicantContact?
    /// Normalised identity number (nil on an update, which cannot change it).
    var identity: String?
    var site: String?
}

enum ApplicationCheck {
    /// Checks a form: the contract fields by the contract's own parser (as a one-row
    /// applicants.csv), the rest by the rules above. Every problem is reported, each at its
    /// field. `site` is the registered site the form names, already looked up (nil when
    /// none is named or it is unknown: `siteKnown` tells which).
    static func check(
        _ form: ApplicationForm, id: String, site: WorkplaceSite?, requireIdentity: Bool, requireContact: Bool = true
    ) -> (CheckedApplication?, [StoreProblem]) {
        var problems: [StoreProblem] = []
        func problem(_ field: String, _ message: String, _ rule: ApplicationRule) {
            problems.append(StoreProblem(message, at: .field(field), rule: rule))
        }
        var values = form.fields.filter { ApplicationForm.contractFields.contains($0.key) }
        let pointGiven = ["work_lat", "work_lon", "work_district"].contains { !(values[$0] ?? "").isEmpty }
        if let siteID = form.workplaceSite, !siteID.isEmpty {
            if pointGiven {
                problem(
                    "workplace_site", "give either a registered workplace site or a point (work_lat, work_lon, work_district), not both",
                    .workplaceBoth)
            } else if let site {
                values["work_lat"] = site.lat
                values["work_lon"] = site.lon
                values["work_district"] = site.district
                if (values["employer_id"] ?? "").isEmpty, let employer = site.employerID { values["employer_id"] = employer }
            } else {
                problem("workplace_site", "no registered workplace site has the id \"\(siteID.prefix(64))\"", .unknownSite)
            }
        } else if !pointGiven {
            problem(
                "workplace_site", "choose a registered workplace site, or give a point (work_lat, work_lon, work_district)",
                .workplaceNeeded)
        }
        values["applicant_id"] = id
        values["priority_points"] = "0"
        let (parsed, diagnostics) = ApplicantsFile.parseFields(values)
        let workplaceProblem = !problems.isEmpty
        for d in diagnostics {
            // With no usable workplace, the empty point is that one problem, not three more.
            if workplaceProblem, ["work_lat", "work_lon", "work_district"].contains(d.column), d.rule?.problem == .missing {
                continue
            }
            problems.append(StoreProblem(d.message, at: .field(d.column), rule: d.rule.map(ApplicationRule.contract)))
        }

        let withContact = requireContact || form.name != nil || form.phone != nil || form.email != nil
        // What the contract accepts but the database cannot store: 64-bit numbers, NUL.
        if let a = parsed {
            var checks = ImportChecks(file: "application")
            let numbers: [(String, Int?)] = [
                ("household_size", a.householdSize), ("monthly_income", a.monthlyIncome),
                ("max_commute_min", a.maxCommuteMin), ("max_rent", a.maxRent),
            ]
            for (field, value) in numbers where !checks.integer(value, line: 2, column: field) {
                problem(field, "\(value ?? 0) is too large to store; expected at most \(Int32.max)", .atMost(Int(Int32.max)))
            }
            if a.workDistrict.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                problem("work_district", "the district contains a control character", .controlCharacters)
            }
        }
        let name = (form.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if !withContact {
            // No contact details at all, and none needed (an imported applicant's update).
        } else if name.isEmpty || name.count > 100 || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            problem("name", "a name of 1 to 100 characters is needed", .name)
        }
        let phone = normalizedPhone(form.phone)
        if withContact && phone == .invalid { problem("phone", "a phone number is 5 to 20 digits, with an optional leading +", .phone) }
        let email = normalizedEmail(form.email)
        if withContact && email == .invalid { problem("email", "an email address looks like name@example.cn (at most 254 characters)", .email) }
        if withContact && phone == .absent && email == .absent {
            problem("phone", "give a phone number or an email address (or both)", .contactNeeded)
        }
        var identity: String?
        if requireIdentity {
            identity = normalizedIdentity(form.identityNumber)
            if identity == nil {
                problem("identity_number", "an identity-document number is 6 to 32 letters and digits", .identityNumber)
            }
        }
        let language = form.language ?? "zh-CN"
        if language != "zh-CN" && language != "en" { problem("language", "the language is zh-CN or en", .language) }

        if problems.isEmpty, parsed == nil {
            // Not reachable (a refused row always has a diagnostic); never accept it silently.
            problem("body", "the application could not be read", .controlCharacters)
        }
        guard problems.isEmpty, let applicant = parsed, case .value(let phoneValue) = phone.orNil,
            case .value(let emailValue) = email.orNil
        else { return (nil, problems) }
        return (
            CheckedApplication(
                applicant: applicant,
                contact: withContact
                    ? ApplicantContact(name: name, phone: phoneValue, email: emailValue, language: language) : nil,
                identity: identity, site: form.workplaceSite.flatMap { $0.isEmpty ? nil : $0 }),
            []
        )
    }

    enum Normalized: Equatable {
        case absent
        case invalid
        case value(String)

        /// `.value(nil)` for absent, so both cases read the same way.
        var orNil: OptionalValue {
            switch self {
            case .absent: .value(nil)
            case .invalid: .invalid
            case .value(let v): .value(v)
            }
        }
    }

    enum OptionalValue {
        case invalid
        case value(String?)
    }

    /// Digits with an optional leading +; spaces, hyphens and brackets are ignored.
    static func normalizedPhone(_ text: String?) -> Normalized {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return .absent }
        var out = ""
        for (i, c) in text.trimmingCharacters(in: .whitespaces).enumerated() {
            if c == "+" && i == 0 {
                out.append(c)
            } else if c.isASCII && c.isNumber {
                out.append(c)
            } else if c == " " || c == "-" || c == "(" || c == ")" {
                continue
            } else {
                return .invalid
            }
        }
        let digits = out.filter(\.isNumber).count
        return (5...20).contains(digits) ? .value(out) : .invalid
    }

    /// Lowercased, trimmed `local@domain` of at most 254 characters, no spaces.
    static func normalizedEmail(_ text: String?) -> Normalized {
        guard let text else { return .absent }
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t.isEmpty { return .absent }
        let parts = t.split(separator: "@", omittingEmptySubsequences: false)
        guard t.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix("."),
            !t.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control })
        else { return .invalid }
        return .value(t)
    }

    /// Upper-case letters and digits, 6 to 32 of them; spaces and hyphens ignored.
    static func normalizedIdentity(_ text: String?) -> String? {
        guard let text else { return nil }
        var out = ""
        for c in text.uppercased() {
            if c == " " || c == "-" { continue }
            guard c.isASCII, c.isLetter || c.isNumber else { return nil }
            out.append(c)
        }
        return (6...32).contains(out.count) ? out : nil
    }

    /// A name compared across applications: compatibility-normalised, lower case, no spaces.
    static func matchingName(_ name: String) -> String {
        name.precomposedStringWithCompatibilityMapping.lowercased().filter { !$0.isWhitespace }
    }

    /// A phone compared across applications: its digits, without China's +86 / 0086.
    static func matchingPhone(_ phone: String) -> String {
        var digits = phone.filter(\.isNumber)
        if digits.hasPrefix("0086") && digits.count == 15 { digits.removeFirst(4) }
        if digits.hasPrefix("86") && digits.count == 13 { digits.removeFirst(2) }
        return digits
    }

    /// The keyed hashes that identify the person.
    static func matchKeys(
        identity: String?, contact: ApplicantContact, birthDate: String, key: IdentityKey
    ) -> [(kind: String, hash: String)] {
        var keys: [(String, String)] = []
        if let identity { keys.append(("identity", key.hash(["identity", identity]))) }
        let name = matchingName(contact.name)
        if let phone = contact.phone {
            keys.append(("name_birth_phone", key.hash(["name_birth_phone", name, birthDate, matchingPhone(phone)])))
        }
        if let email = contact.email {
            keys.append(("name_birth_email", key.hash(["name_birth_email", name, birthDate, email])))
        }
        return keys
    }
}
