import Store

/// What a person typed into the apply form or the change-my-details form, and the problems
/// found with it, for rendering the form again exactly as it was sent.
///
/// Empty optional fields are not values: the apply form leaves them out of the
/// `ApplicationForm` (no limit, no employer); the details form sends them empty, which is how
/// the store (like applicants.csv) spells "none" for a value that was set before.
struct ApplicationPageForm: Sendable {
    /// The apply form's fields, in page order.
    static let applyFields = [
        "category", "household_size", "gender", "birth_date", "monthly_income", "workplace_site", "work_lat", "work_lon",
        "work_district", "max_commute_min", "max_rent", "needs_accessible", "employer_id", "name", "phone", "email",
        "identity_number", "language",
    ]
    /// The details form's fields: what an applicant may change, in page order.
    static let detailsFields = [
        "household_size", "monthly_income", "workplace_site", "work_lat", "work_lon", "work_district", "max_commute_min",
        "max_rent", "needs_accessible", "employer_id", "name", "phone", "email", "language",
    ]
    /// The credentials and the version the status page's application forms re-send.
    static let credentialFields = ["applicant_id", "token", "version", "confirm"]
    static let pointFields = ["work_lat", "work_lon", "work_district"]

    /// Values as typed, by field (absent: not sent or empty).
    var values: [String: String] = [:]
    /// Localized messages by field, in the order the store reported them.
    var problems: [String: [String]] = [:]
    /// Every problem, in order, with its field (nil when it has none on this form).
    var summary: [(field: String?, message: String)] = []

    init(values: [String: String] = [:]) { self.values = values }

    /// The values of `form` for `names`; the identity number is never kept for re-display.
    init(_ form: StatusPageForm, names: [String]) {
        for name in names where name != "identity_number" {
            if let value = form.text(name) { values[name] = value }
        }
    }

    /// The details as stored, for prefilling the details form.
    init(_ details: ApplicantDetails) {
        for name in Self.detailsFields { values[name] = details.fields[name] }
        if let site = details.workplaceSite {
            values["workplace_site"] = site
            // The point is the site's: the form shows only the choice.
            for name in Self.pointFields { values[name] = nil }
        }
        values["needs_accessible"] = details.fields["needs_accessible"] == "true" ? "true" : nil
        values["name"] = details.contact?.name
        values["phone"] = details.contact?.phone
        values["email"] = details.contact?.email
        values["language"] = details.contact?.language
    }

    /// An application from the apply form: empty fields left out, the checkbox unchecked
    /// meaning false, the language of messages defaulting to the page's.
    static func application(_ form: StatusPageForm, pageLanguage: Language) -> ApplicationForm {
        var application = ApplicationForm()
        for field in ApplicationForm.contractFields where field != "needs_accessible" {
            if let value = form.value(field) { application.fields[field] = value }
        }
        application.fields["needs_accessible"] = form.value("needs_accessible") == nil ? "false" : "true"
        application.workplaceSite = form.value("workplace_site")
        application.name = form.value("name")
        application.phone = form.value("phone")
        application.email = form.value("email")
        application.identityNumber = form.value("identity_number")
        application.language = form.value("language") ?? pageLanguage.rawValue
        return application
    }

    /// The changes of the details form. The whole form is sent back, so every field is a
    /// change: an emptied optional field clears it (sent empty), a chosen site replaces the
    /// point and, without a site, the point (even empty) replaces the site. An applicant
    /// imported without contact details may leave all three empty (`hadContact` false).
    static func changes(_ form: StatusPageForm, hadContact: Bool) -> ApplicationForm {
        var changes = ApplicationForm()
        for field in ["household_size", "monthly_income", "max_commute_min", "max_rent", "employer_id"] {
            changes.fields[field] = form.value(field) ?? ""
        }
        changes.fields["needs_accessible"] = form.value("needs_accessible") == nil ? "false" : "true"
        if let site = form.value("workplace_site") {
            changes.workplaceSite = site
            // A point typed as well is sent too, so the store reports "one, not both".
            for field in pointFields { if let value = form.value(field) { changes.fields[field] = value } }
        } else {
            for field in pointFields { changes.fields[field] = form.value(field) ?? "" }
        }
        let contact = ["name", "phone", "email"].map { form.value($0) }
        if hadContact || contact.contains(where: { $0 != nil }) {
            changes.name = contact[0] ?? ""
            changes.phone = contact[1] ?? ""
            changes.email = contact[2] ?? ""
        }
        changes.language = form.value("language")
        return changes
    }

    /// Records the store's problems, worded in `language`; `fields` are the form's own.
    mutating func report(_ problems: [StoreProblem], language: Language, fields: [String]) {
        let text = ApplicationText(language)
        for problem in problems {
            let field = ApplicationText.field(of: problem)
            let message = text.message(problem)
            let onForm = field.flatMap { fields.contains($0) ? $0 : nil }
            if let onForm { self.problems[onForm, default: []].append(message) }
            summary.append((onForm, onForm == nil ? (field.map { "\(text.label($0)): " } ?? "") + message : message))
        }
    }

    /// The value typed for `name`, or "".
    func value(_ name: String) -> String { values[name] ?? "" }
}
