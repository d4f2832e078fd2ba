import Allocation
import AllocationFiles
import Foundation
import Postgres

/// An applicant's own details, as they may read and change them.
public struct ApplicantDetails: Sendable, Equatable {
    public var applicantID: String
    public var status: String
    public var version: Int64
    /// The contract's fields, as text, by applicants.csv column name (absent when empty).
    public var fields: [String: String]
    public var workplaceSite: String?
    public var contact: ApplicantContact?
}

extension Store {
    /// Applicant `id`'s own details.
    public func applicantDetails(_ id: String) throws -> ApplicantDetails {
        guard let details = try readDetails(id, lock: false) else {
            throw StoreError(.applicantNotFound, subject: .applicant(id), "no applicant \(id) in city \(city)")
        }
        return details
    }

    private func readDetails(_ id: String, lock: Bool) throws -> ApplicantDetails? {
        let rows = try connection.query(
            """
            SELECT a.status, a.version, a.category, a.household_size::text, a.gender, to_char(a.birth_date, 'YYYY-MM-DD'),
                   a.monthly_income::text, a.work_lat::text, a.work_lon::text, a.work_district, a.max_commute_min::text,
                   a.max_rent::text, a.needs_accessible::text, a.employer_id, a.workplace_site,
                   c.name, c.phone, c.email, c.language
            FROM applicants a LEFT JOIN applicant_contacts c ON c.city = a.city AND c.applicant_id = a.applicant_id
            WHERE a.city = $1 AND a.applicant_id = $2
            \(lock ? "FOR UPDATE OF a" : "")
            """, [city, id])
        guard let r = rows.first else { return nil }
        let names = [
            "category", "household_size", "gender", "birth_date", "monthly_income", "work_lat", "work_lon", "work_district",
            "max_commute_min", "max_rent", "needs_accessible", "employer_id",
        ]
        var fields: [String: String] = [:]
        for (i, name) in names.enumerated() { if let v = r[2 + i] { fields[name] = v } }
        let contact = r[15].map { ApplicantContact(name: $0, phone: r[16], email: r[17], language: r[18] ?? "zh-CN") }
        return ApplicantDetails(
            applicantID: id, status: r[0] ?? "", version: Int64(r[1] ?? "") ?? 1, fields: fields, workplaceSite: r[14],
            contact: contact)
    }

    /// Why an applicant in `status` cannot change or withdraw, or nil when they can.
    private static func unchangeable(_ status: String) -> String? {
        switch status {
        case "waiting", "pending_review": nil
        case "offered": "has a live offer: answer it first"
        case "housed": "is housed (an active tenancy)"
        default: "is \(status)"
        }
    }

    /// An applicant changes their own details, between rounds: only `changeableFields`, only
    /// while waiting or pending review, only from the version they read (else
    /// `stale_version`, nothing written). The whole result is checked by the contract's
    /// rules; each changed field is audited with its value before and after; a new name,
    /// phone or email is checked for duplicates again. Takes effect from the next round
    /// (a round reads the table when it runs). Returns the details as now stored.
    public func updateApplicant(
        _ id: String, expectedVersion: Int64, changes: ApplicationForm, key: IdentityKey?
    ) throws -> ApplicantDetails {
        var refused: [StoreProblem] = []
        for field in changes.fields.keys.sorted() where !ApplicationForm.changeableFields.contains(field) {
            refused.append(StoreProblem("\(field) cannot be changed by the applicant", at: .field(field), rule: .notChangeable))
        }
        if changes.identityNumber != nil {
            refused.append(StoreProblem("identity_number cannot be changed", at: .field("identity_number"), rule: .notChangeable))
        }
        guard refused.isEmpty else { throw StoreError(.invalidApplication, problems: refused) }
        return try connection.transaction { db in
            guard let current = try readDetails(id, lock: true) else {
                throw StoreError(.applicantNotFound, subject: .applicant(id), "no applicant \(id) in city \(city)")
            }
            if let why = Self.unchangeable(current.status) {
                throw StoreError(.applicantNotChangeable, subject: .applicant(id), "applicant \(id) \(why); nothing was changed")
            }
            guard current.version == expectedVersion else {
                throw StoreError(
                    .staleVersion, subject: .applicant(id),
                    "applicant \(id) is at version \(current.version), not \(expectedVersion); read it again and retry")
            }
            // The new form: what is stored, overlaid with the changes. A site replaces the
            // point and a point replaces the site.
            var form = ApplicationForm(fields: current.fields, workplaceSite: current.workplaceSite)
            let pointChanged = ["work_lat", "work_lon", "work_district"].contains { changes.fields[$0] != nil }
            if let site = changes.workplaceSite, !site.isEmpty {
                form.workplaceSite = site
                for f in ["work_lat", "work_lon", "work_district"] { form.fields[f] = nil }
            } else if pointChanged {
                form.workplaceSite = nil
            }
            if form.workplaceSite != nil { for f in ["work_lat", "work_lon", "work_district"] { form.fields[f] = nil } }
            for (field, value) in changes.fields { form.fields[field] = value }
            let contact = current.contact
            form.name = changes.name ?? contact?.name
            form.phone = changes.phone ?? contact?.phone
            form.email = changes.email ?? contact?.email
            form.language = changes.language ?? contact?.language
            let site = try workplaceSite(form.workplaceSite)
            let hasContact = contact != nil || changes.name != nil || changes.phone != nil || changes.email != nil
            let (checked, problems) = ApplicationCheck.check(
                form, id: id, site: site, requireIdentity: false, requireContact: hasContact)
            guard problems.isEmpty, let checked else { throw StoreError(.invalidApplication, problems: problems) }
            let a = checked.applicant
            var after: [String: String] = [
                "household_size": String(a.householdSize), "monthly_income": String(a.monthlyIncome),
                "work_district": a.workDistrict, "needs_accessible": a.needsAccessible ? "true" : "false",
                "work_lat": form.fields["work_lat"] ?? site?.lat ?? "", "work_lon": form.fields["work_lon"] ?? site?.lon ?? "",
            ]
            after["max_commute_min"] = a.maxCommuteMin.map(String.init)
            after["max_rent"] = a.maxRent.map(String.init)
            after["employer_id"] = a.employerID
            after["workplace_site"] = checked.site
            if let c = checked.contact {
                after["name"] = c.name
                after["phone"] = c.phone
                after["email"] = c.email
                after["language"] = c.language
            }
            var before = current.fields
            before["workplace_site"] = current.workplaceSite
            before["name"] = contact?.name
            before["phone"] = contact?.phone
            before["email"] = contact?.email
            before["language"] = contact?.language
            var changed: [String: AuditValue] = [:]
            for field in ApplicationForm.changeableFields.sorted() where Self.differs(field, before[field], after[field]) {
                changed[field] = .object([
                    "from": before[field].map { .string($0) } ?? .null, "to": after[field].map { .string($0) } ?? .null,
                ])
            }
            guard !changed.isEmpty else { return current }
            if let employer = a.employerID { _ = try ImportTable.createEmployers(db, city: city, ids: [employer]) }
            try db.query(
                """
                UPDATE applicants SET household_size = $3::integer, monthly_income = $4::integer, work_lat = $5::numeric,
                       work_lon = $6::numeric, work_district = $7, max_commute_min = $8::integer, max_rent = $9::integer,
                       needs_accessible = $10::boolean, employer_id = $11, workplace_site = $12,
                       version = version + 1, changed_by = 'applicant', updated_at = now()
                WHERE city = $1 AND applicant_id = $2
                """,
                [
                    city, id, after["household_size"], after["monthly_income"], after["work_lat"], after["work_lon"],
                    after["work_district"], after["max_commute_min"], after["max_rent"], after["needs_accessible"],
                    after["employer_id"], after["workplace_site"],
                ])
            let contactChanged = ["name", "phone", "email", "language"].contains { changed[$0] != nil }
            if let newContact = checked.contact, contactChanged {
                try db.query(
                    """
                    INSERT INTO applicant_contacts (city, applicant_id, name, phone, email, language) VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT (city, applicant_id) DO UPDATE
                    SET name = EXCLUDED.name, phone = EXCLUDED.phone, email = EXCLUDED.email, language = EXCLUDED.language
                    """, [city, id, newContact.name, newContact.phone, newContact.email, newContact.language])
                if ["name", "phone", "email"].contains(where: { changed[$0] != nil }) {
                    guard let key else {
                        throw StoreError(.identityKeyMissing, "no identity key is configured, so contact details cannot be changed")
                    }
                    let keys = ApplicationCheck.matchKeys(
                        identity: nil, contact: newContact, birthDate: a.birthDate.description, key: key)
                    try replaceContactKeys(id, keys: keys)
                }
            }
            try audit(
                "applicant.update", entity: "applicant", id: id,
                details: ["changes": .object(changed), "version": .int(Int(current.version) + 1)])
            return try readDetails(id, lock: false)!
        }
    }

    /// Two stored texts for one field: numbers compare by value (12.50 = 12.5).
    private static func differs(_ field: String, _ a: String?, _ b: String?) -> Bool {
        if field == "work_lat" || field == "work_lon", let a, let b, let x = Decimal(string: a), let y = Decimal(string: b) {
            return x != y
        }
        return (a ?? "") != (b ?? "")
    }

    /// An applicant withdraws from the scheme: only while waiting or pending review.
    public func withdrawApplicant(_ id: String, expectedVersion: Int64?) throws -> ApplicantDetails {
        try connection.transaction { db in
            guard let current = try readDetails(id, lock: true) else {
                throw StoreError(.applicantNotFound, subject: .applicant(id), "no applicant \(id) in city \(city)")
            }
            if let why = Self.unchangeable(current.status) {
                throw StoreError(.applicantNotChangeable, subject: .applicant(id), "applicant \(id) \(why); not withdrawn")
            }
            if let expectedVersion, expectedVersion != current.version {
                throw StoreError(
                    .staleVersion, subject: .applicant(id),
                    "applicant \(id) is at version \(current.version), not \(expectedVersion); read it again and retry")
            }
            try db.query(
                """
                UPDATE applicants SET status = 'withdrawn', version = version + 1, changed_by = 'applicant', updated_at = now()
                WHERE city = $1 AND applicant_id = $2
                """, [city, id])
            try audit("applicant.withdraw", entity: "applicant", id: id, details: ["from": .string(current.status)])
            return try readDetails(id, lock: false)!
        }
    }
}
