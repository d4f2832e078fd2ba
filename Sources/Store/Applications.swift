import Allocation
import AllocationFiles
import Foundation
import Postgres

/// What a submitted application gets back: its id (the applicant id) and a token, shown once.
public struct SubmittedApplication: Sendable, Equatable {
    public var applicantID: String
    public var token: String
    public var status: String
    public var version: Int64
}

/// An application (or any applicant) as the bureau reviews it.
public struct ApplicationSummary: Sendable, Equatable {
    public var applicantID: String
    public var status: String
    public var source: String
    public var category: String
    public var householdSize: Int
    public var birthDate: String
    public var workDistrict: String
    public var appliedAt: String?
    public var name: String?
    public var duplicateSet: Int64?
    public var reviewReason: String?
    public var reviewNote: String?
    public var version: Int64
}

/// A bureau's decision on one pending application.
public struct ReviewDecision: Sendable, Equatable {
    public enum Decision: String, Sendable, CaseIterable { case approve, reject }
    public static let reasons = ["ineligible", "unverified", "incomplete", "duplicate", "other"]
    public static let noteLimit = 500

    public var applicantID: String
    public var decision: Decision
    /// One of `reasons` (a rejection needs one).
    public var reason: String?
    /// The bureau's own words to the applicant, shown as written.
    public var note: String?

    public init(applicantID: String, decision: Decision, reason: String? = nil, note: String? = nil) {
        self.applicantID = applicantID
        self.decision = decision
        self.reason = reason
        self.note = note
    }
}

/// A set of applicants found to be one person.
public struct DuplicateSet: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public var applicantID: String
        public var status: String
        public var source: String
        public var name: String?
        public var birthDate: String
        public var matchedOn: [String]
    }

    public var id: Int64
    public var status: String
    public var createdAt: String
    public var kept: String?
    public var members: [Member]
}

extension Store {
    // MARK: Submitting

    /// `POST /v1/applications`: checks the form (the contract's fields by the contract's
    /// parser, every problem at its field), then in one transaction stores the applicant as
    /// `pending_review`, their contact, their identity hashes and a token, and puts them in a
    /// duplicate set with any applicant sharing an identity hash. The hashes' advisory locks
    /// make two simultaneous applications of one person find each other.
    public func submitApplication(_ form: ApplicationForm, key: IdentityKey) throws -> SubmittedApplication {
        let id = Self.newApplicationID()
        let site = try workplaceSite(form.workplaceSite)
        let (checked, problems) = ApplicationCheck.check(form, id: id, site: site, requireIdentity: true)
        guard let checked else { throw StoreError(.invalidApplication, problems: problems) }
        let token = Credential.newToken()
        let a = checked.applicant
        guard let contact = checked.contact else { throw StoreError.invalidField("name", "contact details are needed") }
        let keys = ApplicationCheck.matchKeys(
            identity: checked.identity, contact: contact, birthDate: a.birthDate.description, key: key)
        return try connection.transaction { db in
            try lockMatchKeys(keys.map(\.hash))
            if let employer = a.employerID {
                _ = try ImportTable.createEmployers(db, city: city, ids: [employer])
            }
            try db.query(
                """
                INSERT INTO applicants (city, applicant_id, category, household_size, gender, birth_date, monthly_income,
                    work_lat, work_lon, work_district, max_commute_min, max_rent, needs_accessible, priority_points,
                    employer_id, applied_at, status, source, changed_by, workplace_site)
                VALUES ($1, $2, $3, $4::integer, $5, $6::date, $7::integer, $8::numeric, $9::numeric, $10, $11::integer,
                    $12::integer, $13::boolean, 0, $14, now(), 'pending_review', 'application', 'applicant', $15)
                """,
                [
                    city, id, a.category.rawValue, String(a.householdSize), a.gender.rawValue, a.birthDate.description,
                    String(a.monthlyIncome), form.fields["work_lat"].flatMap { $0.isEmpty ? nil : $0 } ?? site?.lat,
                    form.fields["work_lon"].flatMap { $0.isEmpty ? nil : $0 } ?? site?.lon, a.workDistrict,
                    a.maxCommuteMin.map(String.init), a.maxRent.map(String.init), a.needsAccessible ? "true" : "false",
                    a.employerID, checked.site,
                ])
            if let contact = checked.contact { try storeContact(id, contact) }
            try enqueueNotification(.applicationReceived, applicant: id, entity: id)
            try storeMatchKeys(id, keys)
            try db.query(
                "INSERT INTO applicant_tokens (city, applicant_id, token_hash, issued_by) VALUES ($1, $2, $3, $4)",
                [city, id, Credential.hash(token), actor])
            let set = try placeInDuplicateSet(id, keys: keys)
            var details: [String: AuditValue] = ["category": .string(a.category.rawValue)]
            if let set { details["duplicate_set"] = .int(Int(set)) }
            try audit("application.submit", entity: "applicant", id: id, details: details)
            return SubmittedApplication(applicantID: id, token: token, status: "pending_review", version: 1)
        }
    }

    /// `ap-` and 12 random characters of `0-9 a-z` (about 62 bits): not guessable, not a
    /// number that looks like an identity or phone number, a valid contract id.
    static func newApplicationID() -> String {
        let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")
        var generator = SystemRandomNumberGenerator()
        return "ap-" + String((0..<12).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    /// The registered site `id`, or nil when none is named or none has that id.
    func workplaceSite(_ id: String?) throws -> WorkplaceSite? {
        guard let id, !id.isEmpty, ContractRules.isIdentifier(id) else { return nil }
        return try workplaceSites(ids: [id]).first
    }

    /// The city's registered workplace sites (all, or those of `ids`), by id.
    public func workplaceSites(ids: [String]? = nil) throws -> [WorkplaceSite] {
        let rows = try connection.query(
            """
            SELECT site_id, kind, name, employer_id, lat::text, lon::text, district FROM workplace_sites
            WHERE city = $1 AND ($2::text[] IS NULL OR site_id = ANY ($2::text[]))
            ORDER BY kind, name, site_id COLLATE "C"
            """, [city, ids.map { Self.textArray($0) }])
        return rows.map { r in
            WorkplaceSite(
                id: r[0] ?? "", kind: WorkplaceSite.Kind(rawValue: r[1] ?? "") ?? .employerSite, name: r[2] ?? "",
                employerID: r[3], lat: r[4] ?? "0", lon: r[5] ?? "0", district: r[6] ?? "")
        }
    }

    func storeContact(_ id: String, _ contact: ApplicantContact) throws {
        try connection.query(
            """
            INSERT INTO applicant_contacts (city, applicant_id, name, phone, email, language)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (city, applicant_id) DO UPDATE
            SET name = EXCLUDED.name, phone = EXCLUDED.phone, email = EXCLUDED.email, language = EXCLUDED.language
            """, [city, id, contact.name, contact.phone, contact.email, contact.language])
    }

    /// Replaces the applicant's match keys of the kinds given (an update keeps `identity`).
    func storeMatchKeys(_ id: String, _ keys: [(kind: String, hash: String)], replacing kinds: [String] = []) throws {
        if !kinds.isEmpty {
            try connection.query(
                "DELETE FROM applicant_match_keys WHERE city = $1 AND applicant_id = $2 AND kind = ANY ($3::text[])",
                [city, id, Self.textArray(kinds)])
        }
        for k in keys {
            try connection.query(
                """
                INSERT INTO applicant_match_keys (city, applicant_id, kind, key_hash) VALUES ($1, $2, $3, $4)
                ON CONFLICT (city, applicant_id, kind) DO UPDATE SET key_hash = EXCLUDED.key_hash
                """, [city, id, k.kind, k.hash])
        }
    }

    /// Transaction-scoped advisory locks on the person keys, in a fixed order: whoever holds
    /// them is the only one checking and inserting that person right now.
    private func lockMatchKeys(_ hashes: [String]) throws {
        // Shared: applications run side by side; a bulk contacts import takes it exclusively.
        try connection.query("SELECT pg_advisory_xact_lock_shared(hashtextextended('anju.persons:' || $1, 0))", [city])
        for hash in Set(hashes).sorted() {
            try connection.query("SELECT pg_advisory_xact_lock(hashtextextended('anju.person:' || $1 || ':' || $2, 0))", [city, hash])
        }
    }

    /// After an applicant changed name, phone or email: their contact keys are replaced and
    /// the duplicate check runs again with all their keys.
    func replaceContactKeys(_ id: String, keys: [(kind: String, hash: String)]) throws {
        let identity = try connection.query(
            "SELECT key_hash FROM applicant_match_keys WHERE city = $1 AND applicant_id = $2 AND kind = 'identity'", [city, id]
        ).compactMap { $0[0] }.map { (kind: "identity", hash: $0) }
        try lockMatchKeys((keys + identity).map(\.hash))
        try storeMatchKeys(id, keys, replacing: ["name_birth_phone", "name_birth_email"])
        _ = try placeInDuplicateSet(id, keys: keys + identity)
    }

    /// Puts `id` in a duplicate set with every other live applicant sharing one of `keys`:
    /// the open set they are in (sets of several are merged into the oldest), or a new one.
    /// Rejected and withdrawn applicants are past; they join no set. Returns the set, if any.
    private func placeInDuplicateSet(_ id: String, keys: [(kind: String, hash: String)]) throws -> Int64? {
        guard !keys.isEmpty else { return nil }
        let matches = try connection.query(
            """
            SELECT k.applicant_id, array_agg(DISTINCT k.kind ORDER BY k.kind)::text
            FROM applicant_match_keys k JOIN applicants a ON a.city = k.city AND a.applicant_id = k.applicant_id
            WHERE k.city = $1 AND k.key_hash = ANY ($2::text[]) AND k.applicant_id <> $3
              AND a.status NOT IN ('rejected', 'withdrawn')
            GROUP BY k.applicant_id ORDER BY k.applicant_id COLLATE "C"
            """, [city, Self.textArray(keys.map(\.hash)), id])
        guard !matches.isEmpty else { return nil }
        let others = matches.map { $0[0] ?? "" }
        var members: [String: Set<String>] = [:]
        for m in matches { members[m[0] ?? ""] = Self.textArrayElements(m[1]) }
        // What `id` shared with anyone: the union, for its own row.
        members[id] = members.values.reduce(into: Set<String>()) { $0.formUnion($1) }
        let set = try joinDuplicateSet(members)
        try audit(
            "duplicates.detect", entity: "duplicate_set", id: String(set),
            details: ["applicant": .string(id), "matched": .array(others.map { .string($0) })])
        return set
    }

    /// Puts `members` (applicant → the kinds of key they matched on) in one open set: the
    /// open set any of them is in (several are merged into the oldest), or a new one.
    func joinDuplicateSet(_ members: [String: Set<String>]) throws -> Int64 {
        let ids = members.keys.sorted()
        let open = try connection.query(
            """
            SELECT DISTINCT set_id FROM duplicate_members
            WHERE city = $1 AND open AND applicant_id = ANY ($2::text[]) ORDER BY set_id
            """, [city, Self.textArray(ids)]
        ).compactMap { $0[0].flatMap { Int64($0) } }
        let set: Int64
        if let first = open.first {
            set = first
            for other in open.dropFirst() {
                // Members of both sets: keep one row, in the surviving set.
                try connection.query(
                    """
                    DELETE FROM duplicate_members m USING duplicate_members k
                    WHERE m.set_id = $1 AND k.set_id = $2 AND m.applicant_id = k.applicant_id AND m.city = $3
                    """, [String(other), String(set), city])
                try connection.query(
                    "UPDATE duplicate_members SET set_id = $2 WHERE set_id = $1 AND city = $3", [String(other), String(set), city])
                try connection.query(
                    "UPDATE duplicate_sets SET status = 'merged', merged_into = $2 WHERE set_id = $1 AND city = $3",
                    [String(other), String(set), city])
            }
        } else {
            set = Int64(try connection.query(
                "INSERT INTO duplicate_sets (city) VALUES ($1) RETURNING set_id", [city]).first?[0] ?? "") ?? 0
        }
        for member in ids {
            try connection.query(
                """
                INSERT INTO duplicate_members (set_id, city, applicant_id, matched_on) VALUES ($1, $2, $3, $4::text[])
                ON CONFLICT (set_id, applicant_id) DO UPDATE
                SET matched_on = ARRAY(SELECT DISTINCT unnest(duplicate_members.matched_on || EXCLUDED.matched_on) ORDER BY 1)
                """, [String(set), city, member, Self.textArray((members[member] ?? []).sorted())])
        }
        return set
    }

    /// Whether a note holds a NUL or another control character (line breaks and tabs are fine).
    static func hasControlCharacter(_ text: String?) -> Bool {
        (text ?? "").unicodeScalars.contains {
            $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\r" && $0 != "\t"
        }
    }

    /// The elements of a `text[]` as PostgreSQL prints it (`{a,b}`: kinds, never quoted).
    static func textArrayElements(_ text: String?) -> Set<String> {
        Set((text ?? "{}").trimmingCharacters(in: CharacterSet(charactersIn: "{}")).split(separator: ",").map(String.init))
    }

    // MARK: Reviewing

    /// Applications (or all applicants) of a status, oldest first, `limit` at most.
    public func applications(status: String? = "pending_review", limit: Int = 1000) throws -> [ApplicationSummary] {
        let rows = try connection.query(
            Self.summarySelect + """
                WHERE a.city = $1 AND ($2::text IS NULL OR a.status = $2) AND ($2::text IS NOT NULL OR a.source = 'application')
                ORDER BY a.applied_at NULLS LAST, a.applicant_id COLLATE "C"
                LIMIT $3
                """, [city, status, String(max(0, limit))])
        return rows.map(Self.summary)
    }

    /// How many applicants of the city came in through an application (any status).
    public func applicationCount() throws -> Int {
        Int(try connection.query(
            "SELECT count(*) FROM applicants WHERE city = $1 AND source = 'application'", [city]).first?[0] ?? "") ?? 0
    }

    /// One applicant as the bureau reviews them.
    public func application(_ id: String) throws -> ApplicationSummary {
        let rows = try connection.query(Self.summarySelect + " WHERE a.city = $1 AND a.applicant_id = $2", [city, id])
        guard let row = rows.first else {
            throw StoreError(.applicantNotFound, subject: .applicant(id), "no applicant \(id) in city \(city)")
        }
        return Self.summary(row)
    }

    /// The columns `summary` reads, for one applicant or a list (a WHERE follows).
    private static let summarySelect = """
        SELECT a.applicant_id, a.status, a.source, a.category, a.household_size, to_char(a.birth_date, 'YYYY-MM-DD'),
               a.work_district, to_char(a.applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), c.name,
               (SELECT d.set_id FROM duplicate_members d WHERE d.city = a.city AND d.applicant_id = a.applicant_id AND d.open),
               a.review_reason, a.review_note, a.version
        FROM applicants a LEFT JOIN applicant_contacts c ON c.city = a.city AND c.applicant_id = a.applicant_id

        """

    private static func summary(_ r: PostgresRow) -> ApplicationSummary {
        ApplicationSummary(
            applicantID: r[0] ?? "", status: r[1] ?? "", source: r[2] ?? "", category: r[3] ?? "",
            householdSize: Int(r[4] ?? "") ?? 0, birthDate: r[5] ?? "", workDistrict: r[6] ?? "", appliedAt: r[7],
            name: r[8], duplicateSet: r[9].flatMap { Int64($0) }, reviewReason: r[10], reviewNote: r[11],
            version: Int64(r[12] ?? "") ?? 1)
    }

    /// Approves or rejects applications, all or nothing: every decision is checked first
    /// (problems located at `file:line` when the decisions came from a file, else at
    /// `decisions[i]`), then all are applied in one transaction with one audit row each.
    public func review(_ decisions: [ReviewDecision], file: String? = nil, lines: [Int]? = nil) throws -> [ApplicationSummary] {
        func location(_ i: Int, _ field: String) -> StoreProblem.Location {
            if let file, let lines { return .file(file, line: lines[i], column: field) }
            return .field("decisions[\(i)].\(field)")
        }
        guard !decisions.isEmpty else { throw StoreError.invalidField("decisions", "no decision given") }
        var problems: [StoreProblem] = []
        var seen: [String: Int] = [:]
        for (i, d) in decisions.enumerated() {
            if let earlier = seen[d.applicantID] {
                problems.append(StoreProblem("\(d.applicantID) is decided twice (also at \(earlier + 1))", at: location(i, "applicant_id")))
            }
            seen[d.applicantID] = i
            if !ContractRules.isIdentifier(d.applicantID) {
                // One decision on a path (`/v1/applications/{id}/approve`): an id that cannot
                // exist is answered like an unknown one.
                if decisions.count == 1 && file == nil {
                    throw StoreError(.applicantNotFound, subject: .applicant(d.applicantID), "no applicant with that id in city \(city)")
                }
                problems.append(StoreProblem("\"\(d.applicantID.prefix(64))\" is not an applicant id", at: location(i, "applicant_id")))
            }
            switch d.decision {
            case .reject:
                if !ReviewDecision.reasons.contains(d.reason ?? "") {
                    problems.append(
                        StoreProblem(
                            "a rejection needs a reason: one of \(ReviewDecision.reasons.joined(separator: ", "))",
                            at: location(i, "reason")))
                }
            case .approve:
                if let reason = d.reason, !reason.isEmpty {
                    problems.append(StoreProblem("an approval takes no reason", at: location(i, "reason")))
                }
            }
            if (d.note ?? "").count > ReviewDecision.noteLimit {
                problems.append(StoreProblem("the note has more than \(ReviewDecision.noteLimit) characters", at: location(i, "note")))
            }
            if Self.hasControlCharacter(d.note) {
                problems.append(StoreProblem("the note contains a control character other than a line break", at: location(i, "note")))
            }
        }
        guard problems.isEmpty else { throw StoreError(.invalidArgument, problems: problems) }
        return try connection.transaction { db in
            let ids = decisions.map(\.applicantID)
            let rows = try db.query(
                """
                SELECT applicant_id, status FROM applicants WHERE city = $1 AND applicant_id = ANY ($2::text[])
                ORDER BY applicant_id COLLATE "C" FOR UPDATE
                """, [city, Self.textArray(ids)])
            var status: [String: String] = [:]
            for r in rows { status[r[0] ?? ""] = r[1] ?? "" }
            var notFound: [String] = []
            var conflicts: [StoreProblem] = []
            for (i, d) in decisions.enumerated() {
                guard let s = status[d.applicantID] else {
                    notFound.append(d.applicantID)
                    continue
                }
                if s != "pending_review" {
                    conflicts.append(StoreProblem("\(d.applicantID) is \(s), not pending_review", at: location(i, "applicant_id")))
                }
            }
            if !notFound.isEmpty {
                throw StoreError(
                    .applicantNotFound, subject: .applicants(notFound),
                    "no applicant \(notFound.joined(separator: ", ")) in city \(city); nothing was decided")
            }
            if !conflicts.isEmpty { throw StoreError(.applicationNotPending, problems: conflicts) }
            for d in decisions {
                let approve = d.decision == .approve
                try db.query(
                    """
                    UPDATE applicants SET status = $3, review_reason = $4, review_note = $5, reviewed_at = now(),
                           reviewed_by = $6, version = version + 1, changed_by = 'bureau', updated_at = now()
                    WHERE city = $1 AND applicant_id = $2
                    """,
                    [city, d.applicantID, approve ? "waiting" : "rejected", approve ? nil : d.reason,
                     (d.note ?? "").isEmpty ? nil : d.note, actor])
                var details: [String: AuditValue] = ["from": "pending_review", "to": .string(approve ? "waiting" : "rejected")]
                if let reason = d.reason, !approve { details["reason"] = .string(reason) }
                try audit(approve ? "application.approve" : "application.reject", entity: "applicant", id: d.applicantID, details: details)
                var message: [String: AuditValue] = [:]
                if !approve { message["reason"] = .string(d.reason ?? "other") }
                if let note = d.note, !note.isEmpty { message["note"] = .string(note) }
                try enqueueNotification(
                    approve ? .applicationApproved : .applicationRejected, applicant: d.applicantID, entity: d.applicantID,
                    payload: message)
            }
            return try ids.map { try application($0) }
        }
    }

    // MARK: Duplicates

    /// Duplicate sets: open ones (default), or all.
    public func duplicateSets(openOnly: Bool = true, id: Int64? = nil) throws -> [DuplicateSet] {
        let sets = try connection.query(
            """
            SELECT set_id, status, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), kept
            FROM duplicate_sets
            WHERE city = $1 AND ($2::boolean = false OR status = 'open') AND ($3::bigint IS NULL OR set_id = $3)
              AND status <> 'merged'
            ORDER BY set_id
            """, [city, openOnly ? "true" : "false", id.map(String.init)])
        guard !sets.isEmpty else { return [] }
        let members = try connection.query(
            """
            SELECT d.set_id, d.applicant_id, a.status, a.source, c.name, to_char(a.birth_date, 'YYYY-MM-DD'), d.matched_on::text
            FROM duplicate_members d
            JOIN applicants a ON a.city = d.city AND a.applicant_id = d.applicant_id
            LEFT JOIN applicant_contacts c ON c.city = d.city AND c.applicant_id = d.applicant_id
            WHERE d.city = $1 AND d.set_id = ANY ($2::bigint[])
            ORDER BY d.set_id, d.applicant_id COLLATE "C"
            """, [city, "{" + sets.map { $0[0] ?? "0" }.joined(separator: ",") + "}"])
        var bySet: [Int64: [DuplicateSet.Member]] = [:]
        for m in members {
            let kinds = (m[6] ?? "{}").trimmingCharacters(in: CharacterSet(charactersIn: "{}")).split(separator: ",").map(String.init)
            bySet[Int64(m[0] ?? "") ?? 0, default: []].append(
                DuplicateSet.Member(
                    applicantID: m[1] ?? "", status: m[2] ?? "", source: m[3] ?? "", name: m[4], birthDate: m[5] ?? "",
                    matchedOn: kinds))
        }
        return sets.map { s in
            let id = Int64(s[0] ?? "") ?? 0
            return DuplicateSet(id: id, status: s[1] ?? "", createdAt: s[2] ?? "", kept: s[3], members: bySet[id] ?? [])
        }
    }

    /// Resolves an open set: `keep` stays as it is; every other member still pending review
    /// or waiting is rejected with reason `duplicate`. Refused (nothing changes) when another
    /// member holds a live offer or a tenancy — keep that one instead — or the set is not open.
    public func resolveDuplicateSet(_ setID: Int64, keep: String, note: String? = nil) throws -> DuplicateSet {
        if (note ?? "").count > ReviewDecision.noteLimit {
            throw StoreError.invalidField("note", "the note has more than \(ReviewDecision.noteLimit) characters")
        }
        if Self.hasControlCharacter(note) {
            throw StoreError.invalidField("note", "the note contains a control character other than a line break")
        }
        guard ContractRules.isIdentifier(keep) else {
            throw StoreError(
                .duplicateSetClosed, subject: .duplicateSet(setID),
                problems: [StoreProblem("\"\(keep.prefix(64))\" is not an applicant id", at: .field("keep"))])
        }
        return try connection.transaction { db in
            guard let row = try db.query(
                "SELECT status FROM duplicate_sets WHERE city = $1 AND set_id = $2 FOR UPDATE", [city, String(setID)]
            ).first else {
                throw StoreError(.duplicateSetNotFound, subject: .duplicateSet(setID), "no duplicate set \(setID) in city \(city)")
            }
            guard row[0] == "open" else {
                throw StoreError(.duplicateSetClosed, subject: .duplicateSet(setID), "duplicate set \(setID) is \(row[0] ?? ""), not open")
            }
            let members = try db.query(
                """
                SELECT d.applicant_id, a.status FROM duplicate_members d
                JOIN applicants a ON a.city = d.city AND a.applicant_id = d.applicant_id
                WHERE d.city = $1 AND d.set_id = $2 ORDER BY d.applicant_id COLLATE "C" FOR UPDATE OF a
                """, [city, String(setID)])
            guard members.contains(where: { $0[0] == keep }) else {
                throw StoreError(
                    .duplicateSetClosed, subject: .duplicateSet(setID),
                    problems: [StoreProblem("\(keep) is not a member of duplicate set \(setID)", at: .field("keep"))])
            }
            var rejected: [String] = []
            for m in members where m[0] != keep {
                let id = m[0] ?? "", status = m[1] ?? ""
                switch status {
                case "pending_review", "waiting":
                    rejected.append(id)
                case "offered", "housed":
                    throw StoreError(
                        .duplicateSetClosed, subject: .duplicateSet(setID),
                        problems: [StoreProblem("\(id) is \(status); keep \(id) instead, or resolve after the offer ends", at: .field("keep"))])
                default:
                    continue  // rejected, withdrawn, suspended: already out
                }
            }
            for id in rejected {
                try db.query(
                    """
                    UPDATE applicants SET status = 'rejected', review_reason = 'duplicate', review_note = $3, reviewed_at = now(),
                           reviewed_by = $4, version = version + 1, changed_by = 'bureau', updated_at = now()
                    WHERE city = $1 AND applicant_id = $2
                    """, [city, id, (note ?? "").isEmpty ? nil : note, actor])
                try audit("application.reject", entity: "applicant", id: id, details: ["reason": "duplicate", "duplicate_set": .int(Int(setID))])
                var message: [String: AuditValue] = ["reason": "duplicate"]
                if let note, !note.isEmpty { message["note"] = .string(note) }
                try enqueueNotification(.applicationRejected, applicant: id, entity: id, payload: message)
            }
            try db.query("UPDATE duplicate_members SET open = false WHERE city = $1 AND set_id = $2", [city, String(setID)])
            try db.query(
                """
                UPDATE duplicate_sets SET status = 'resolved', resolved_at = now(), resolved_by = $3, kept = $4
                WHERE city = $1 AND set_id = $2
                """, [city, String(setID), actor, keep])
            try audit(
                "duplicates.resolve", entity: "duplicate_set", id: String(setID),
                details: ["kept": .string(keep), "rejected": .array(rejected.map { .string($0) })])
            return try duplicateSets(openOnly: false, id: setID).first!
        }
    }

    /// How many waiting applicants a round would leave out because an open duplicate set
    /// holds them, and how many applications still await review.
    public func heldBack() throws -> (duplicates: Int, pendingReview: Int) {
        let row = try connection.query(
            """
            SELECT (SELECT count(*) FROM applicants a WHERE a.city = $1 AND a.status = 'waiting'
                      AND EXISTS (SELECT 1 FROM duplicate_members d WHERE d.city = a.city AND d.applicant_id = a.applicant_id AND d.open)),
                   (SELECT count(*) FROM applicants WHERE city = $1 AND status = 'pending_review')
            """, [city]
        ).first
        return (Int(row?[0] ?? "") ?? 0, Int(row?[1] ?? "") ?? 0)
    }
}
