import Allocation
import AllocationFiles
import Foundation
import Postgres

extension ImportTable {
    /// workplace_sites.csv → `workplace_sites`. Nothing holds a site: a re-import updates it
    /// (an applicant who chose it keeps the point stored with their application).
    static let sites = ImportTable(
        table: "workplace_sites", id: "site_id",
        columns: [
            ("site_id", "text"), ("kind", "text"), ("name", "text"), ("employer_id", "text"), ("lat", "numeric"),
            ("lon", "numeric"), ("district", "text"),
        ],
        tracksUpdates: false, versioned: false, heldBecause: nil)
}

/// What `importContacts` did.
public struct ContactsImportReport: Sendable, Equatable {
    public var rows: Int
    /// Applicants now in an open duplicate set because of this file.
    public var inDuplicateSets: Int
    public var duplicateSets: Int
}

extension Store {
    /// workplace_sites.csv: parse, stage, create missing employers, merge.
    func importSites(_ bytes: [UInt8], fileName: String, progress: ((String) -> Void)?) throws -> ImportOutcome {
        progress?("checking \(fileName)")
        let parsed = WorkplaceSitesFile.parse(bytes, fileName: fileName)
        guard parsed.isValid, let lines = parsed.idLines else { throw Self.invalid(parsed.diagnostics) }
        progress?("copying \(fileName)")
        let rows = ImportRows(rows: parsed.rows, bytesPerRow: bytes.count / max(1, parsed.rows.count) + 16) { copy, s in
            copy.int(lines[s.id] ?? 0)
            copy.text(s.id)
            copy.text(s.kind.rawValue)
            copy.text(s.name)
            copy.text(s.employerID)
            copy.decimal(s.lat)
            copy.decimal(s.lon)
            copy.text(s.district)
            copy.endRow()
        }
        let stage = try ImportStage(store: self, table: .sites, fileName: fileName, rows: rows)
        var outcome = ImportOutcome(rows: parsed.rows.count, skipped: stage.skipped)
        outcome.employersCreated = try ImportTable.createEmployers(connection, city: city, ids: Set(parsed.rows.compactMap(\.employerID)))
        progress?("merging \(fileName)")
        (outcome.inserted, outcome.updated) = try stage.merge()
        return outcome
    }

    /// `anju import contacts`: contact details and identity numbers of imported applicants,
    /// all or nothing. Each row is checked by an application's rules (problems at
    /// `contacts.csv:LINE: column`); the identity number is kept only as keyed hashes; then
    /// every applicant sharing a key with another live applicant — from this file, an earlier
    /// one, or an application — is put in a duplicate set, exactly as an application is.
    /// Applications wait meanwhile (the city's person lock is held exclusively).
    public func importContacts(
        _ bytes: [UInt8], fileName: String = ContactsFile.defaultName, key: IdentityKey
    ) throws -> ContactsImportReport {
        let parsed = ContactsFile.parse(bytes, fileName: fileName)
        guard parsed.isValid else { throw Self.invalid(parsed.diagnostics) }
        var problems: [Diagnostic] = []
        var contacts: [(id: String, contact: ApplicantContact, identity: String?)] = []
        for row in parsed.rows {
            func bad(_ column: String, _ message: String) {
                problems.append(Diagnostic(file: fileName, line: row.line, column: column, message: message))
            }
            let name = row.name.trimmingCharacters(in: .whitespaces)
            if name.isEmpty || name.count > 100 { bad("name", "a name of 1 to 100 characters is needed") }
            let phone = ApplicationCheck.normalizedPhone(row.phone)
            if phone == .invalid { bad("phone", "a phone number is 5 to 20 digits, with an optional leading +") }
            let email = ApplicationCheck.normalizedEmail(row.email)
            if email == .invalid { bad("email", "an email address looks like name@example.cn (at most 254 characters)") }
            if phone == .absent && email == .absent { bad("phone", "give a phone number or an email address (or both)") }
            var identity: String?
            if let given = row.identityNumber {
                identity = ApplicationCheck.normalizedIdentity(given)
                if identity == nil { bad("identity_number", "an identity-document number is 6 to 32 letters and digits") }
            }
            let language = row.language ?? "zh-CN"
            if language != "zh-CN" && language != "en" { bad("language", "the language is zh-CN or en") }
            if case .value(let p) = phone.orNil, case .value(let e) = email.orNil {
                contacts.append((row.applicantID, ApplicantContact(name: name, phone: p, email: e, language: language), identity))
            }
        }
        guard problems.isEmpty else { throw Self.invalid(problems) }
        return try connection.transaction { db in
            try db.query("SELECT pg_advisory_xact_lock(hashtextextended('anju.persons:' || $1, 0))", [city])
            let ids = contacts.map(\.id)
            let known = Set(try db.query(
                "SELECT applicant_id FROM applicants WHERE city = $1 AND applicant_id = ANY ($2::text[])",
                [city, Self.textArray(ids)]
            ).map { $0[0] ?? "" })
            let unknown = parsed.rows.filter { !known.contains($0.applicantID) }
            guard unknown.isEmpty else {
                throw Self.invalid(unknown.prefix(100).map {
                    Diagnostic(file: fileName, line: $0.line, column: "applicant_id", message: "no applicant \($0.applicantID) in city \(city); import applicants.csv first")
                })
            }
            var keysByApplicant: [(String, [(kind: String, hash: String)])] = []
            for c in contacts {
                let birth = try db.query(
                    "SELECT to_char(birth_date, 'YYYY-MM-DD') FROM applicants WHERE city = $1 AND applicant_id = $2", [city, c.id]
                ).first?[0] ?? ""
                try storeContact(c.id, c.contact)
                let keys = ApplicationCheck.matchKeys(identity: c.identity, contact: c.contact, birthDate: birth, key: key)
                try storeMatchKeys(c.id, keys, replacing: ["identity", "name_birth_phone", "name_birth_email"])
                keysByApplicant.append((c.id, keys))
            }
            // Every pair of live applicants sharing a key, one of them from this file.
            let pairs = try db.query(
                """
                SELECT k1.applicant_id, k2.applicant_id, k1.kind
                FROM applicant_match_keys k1
                JOIN applicant_match_keys k2 ON k2.city = k1.city AND k2.key_hash = k1.key_hash AND k2.applicant_id <> k1.applicant_id
                JOIN applicants a1 ON a1.city = k1.city AND a1.applicant_id = k1.applicant_id
                JOIN applicants a2 ON a2.city = k2.city AND a2.applicant_id = k2.applicant_id
                WHERE k1.city = $1 AND k1.applicant_id = ANY ($2::text[])
                  AND a1.status NOT IN ('rejected', 'withdrawn') AND a2.status NOT IN ('rejected', 'withdrawn')
                ORDER BY 1, 2, 3
                """, [city, Self.textArray(ids)])
            // Components of the "shares a key" graph: each becomes (or joins) one set.
            var parent: [String: String] = [:]
            func find(_ x: String) -> String {
                var r = x
                while let p = parent[r], p != r { r = p }
                var y = x
                while let p = parent[y], p != r { parent[y] = r; y = p }
                return r
            }
            var kinds: [String: Set<String>] = [:]
            for p in pairs {
                let a = p[0] ?? "", b = p[1] ?? "", kind = p[2] ?? ""
                if parent[a] == nil { parent[a] = a }
                if parent[b] == nil { parent[b] = b }
                let ra = find(a), rb = find(b)
                if ra != rb { if ra < rb { parent[rb] = ra } else { parent[ra] = rb } }
                kinds[a, default: []].insert(kind)
                kinds[b, default: []].insert(kind)
            }
            var components: [String: [String]] = [:]
            for x in parent.keys { components[find(x), default: []].append(x) }
            var sets = Set<Int64>()
            for root in components.keys.sorted() {
                let members = components[root]!
                let set = try joinDuplicateSet(Dictionary(uniqueKeysWithValues: members.map { ($0, kinds[$0] ?? []) }))
                sets.insert(set)
            }
            try audit(
                "import", entity: "contacts", id: InputFolder.sha256Hex(bytes),
                details: ["rows": .int(contacts.count), "duplicate_sets": .int(sets.count), "in_duplicate_sets": .int(parent.count)])
            _ = keysByApplicant
            return ContactsImportReport(rows: contacts.count, inDuplicateSets: parent.count, duplicateSets: sets.count)
        }
    }
}
