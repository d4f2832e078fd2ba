import AllocationFiles
import Foundation
import Postgres

/// A secret handed out once (an applicant token or an API key): 32 random bytes from the
/// system's cryptographic generator. Only `hash` — lowercase hex SHA-256 of the text —
/// is ever stored; `verify` compares hashes in constant time.
public enum Credential {
    /// 32 random bytes as unpadded base64url (43 characters: `A-Z a-z 0-9 - _`).
    public static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// 32 random bytes as 64 lowercase hex digits (the secret part of an API key).
    public static func newHexSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }

    /// Lowercase hex SHA-256 of the secret's UTF-8 bytes: what the database keeps.
    public static func hash(_ secret: String) -> String {
        InputFolder.sha256Hex(Array(secret.utf8))
    }

    /// True when `secret` hashes to `storedHash`. The comparison touches every byte
    /// whatever the first difference, so its timing says nothing about the stored hash.
    public static func verify(_ secret: String, against storedHash: String) -> Bool {
        let a = Array(hash(secret).utf8)
        let b = Array(storedHash.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}

/// One issued applicant token: the secret exists only in this value (and the export).
public struct IssuedToken: Sendable, Equatable {
    public var applicantID: String
    public var token: String
}

/// An API key as stored (without its secret).
public struct APIKey: Sendable, Equatable {
    /// What a key may do.
    public enum Role: String, Sendable {
        /// Reads and changes the slots of `projectIDs` only.
        case `operator`
        /// The bureau: rounds, reports, any applicant's status.
        case admin
    }

    public var id: Int64
    public var name: String
    public var role: Role
    /// The projects an operator key may see and change (empty for admin keys).
    public var projectIDs: [String]
    /// Lowercase hex SHA-256 of the whole key text.
    public var hash: String
    public var createdAt: String
    public var revokedAt: String?

    /// The key's text: `ak_<id>_<64 hex>`; the id lets the server find the row to compare.
    public static func text(id: Int64, secret: String) -> String { "ak_\(id)_\(secret)" }

    /// The key id in `ak_<id>_<64 lowercase hex>`, or nil when `text` is not shaped exactly
    /// like a key. Exactly: an applicant token (43 base64url characters) may itself begin
    /// with `ak_` — about one in 262,144 do — and must never be taken for a key.
    public static func id(in text: String) -> Int64? {
        guard text.hasPrefix("ak_") else { return nil }
        let rest = text.dropFirst(3)
        guard let underscore = rest.firstIndex(of: "_"), let id = Int64(rest[..<underscore]), id > 0 else { return nil }
        let secret = rest[rest.index(after: underscore)...].utf8
        guard secret.count == 64, secret.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            return nil
        }
        return id
    }
}

/// A key just created: the full text is shown once and never again.
public struct CreatedKey: Sendable {
    public var key: APIKey
    public var text: String
}

extension Store {
    /// `anju tokens issue`: a fresh token for each applicant (`nil`: every waiting
    /// applicant of the city), replacing — and so revoking — any earlier token, in one
    /// transaction with one audit row. Returns the tokens in applicant-id order; they are
    /// not kept anywhere else.
    ///
    /// - Throws: `StoreError.invalid` for an empty list; `StoreError.notFound` naming every
    ///   id that is not an applicant of this city (nothing is issued then).
    public func issueTokens(applicants ids: [String]?) throws -> [IssuedToken] {
        try connection.transaction { db in
            let chosen: [String]
            if let ids {
                let unique = Array(Set(ids)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                guard !unique.isEmpty else { throw StoreError.invalidField("applicants", "the list is empty") }
                let known = Set(try db.query(
                    "SELECT applicant_id FROM applicants WHERE city = $1 AND applicant_id = ANY($2::text[])",
                    [city, Self.textArray(unique)]
                ).map { $0[0] ?? "" })
                let missing = unique.filter { !known.contains($0) }
                guard missing.isEmpty else {
                    throw StoreError(
                        .applicantNotFound, subject: .applicants(missing),
                        "no applicant \(missing.joined(separator: ", ")) in city \(city); no token was issued")
                }
                chosen = unique
            } else {
                chosen = try db.query(
                    "SELECT applicant_id FROM applicants WHERE city = $1 AND status = 'waiting' ORDER BY applicant_id COLLATE \"C\"",
                    [city]
                ).map { $0[0] ?? "" }
            }
            let issued = chosen.map { IssuedToken(applicantID: $0, token: Credential.newToken()) }
            for chunk in stride(from: 0, to: issued.count, by: 5_000) {
                let part = issued[chunk..<min(chunk + 5_000, issued.count)]
                try db.query(
                    """
                    INSERT INTO applicant_tokens (city, applicant_id, token_hash, issued_by)
                    SELECT $1, t.id, t.hash, $4 FROM unnest($2::text[], $3::text[]) AS t(id, hash)
                    ON CONFLICT (city, applicant_id)
                    DO UPDATE SET token_hash = EXCLUDED.token_hash, issued_at = now(), issued_by = EXCLUDED.issued_by
                    """,
                    [city, Self.textArray(part.map(\.applicantID)), Self.textArray(part.map { Credential.hash($0.token) }), actor])
            }
            try audit(
                "tokens.issue", entity: "applicant_tokens", id: ids == nil ? "all-waiting" : "list",
                details: ["count": .int(issued.count)])
            return issued
        }
    }

    /// The stored hash of applicant `id`'s token, or nil when none was issued (or the
    /// applicant is unknown: the caller must not tell the two apart).
    public func applicantTokenHash(_ id: String) throws -> String? {
        try connection.preparedQuery(
            "SELECT token_hash FROM applicant_tokens WHERE city = $1 AND applicant_id = $2", [city, id]
        ).first?[0]
    }

    /// `anju keys create`: an operator key scoped to `projects` (each must be a project of
    /// the city), or an admin key when `role` is `.admin` (no projects). One audit row.
    public func createKey(name: String, role: APIKey.Role, projects: [String] = []) throws -> CreatedKey {
        var problems: [StoreProblem] = []
        let name = name.trimmingCharacters(in: .whitespaces)
        if name.isEmpty || name.count > 100 { problems.append(StoreProblem("1-100 characters", at: .field("name"))) }
        let projects = Array(Set(projects)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        if role == .operator, projects.isEmpty {
            problems.append(StoreProblem("an operator key needs at least one project", at: .field("projects")))
        }
        if role == .admin, !projects.isEmpty {
            problems.append(StoreProblem("an admin key is not scoped to projects", at: .field("projects")))
        }
        guard problems.isEmpty else { throw StoreError(.invalidArgument, problems: problems) }
        return try connection.transaction { db in
            if !projects.isEmpty {
                let known = Set(try db.query(
                    "SELECT project_id FROM projects WHERE city = $1 AND project_id = ANY($2::text[])",
                    [city, Self.textArray(projects)]
                ).map { $0[0] ?? "" })
                let missing = projects.filter { !known.contains($0) }
                guard missing.isEmpty else {
                    throw StoreError(
                        .projectNotFound, subject: .projects(missing),
                        "no project \(missing.joined(separator: ", ")) in city \(city); no key was created")
                }
            }
            // The id is part of the key text, and the hash covers the text: take the id
            // first, then store the hash of the finished key.
            let id = Int64(try db.query("SELECT nextval(pg_get_serial_sequence('api_keys', 'key_id'))")[0].decode(Int.self, at: 0))
            let text = APIKey.text(id: id, secret: Credential.newHexSecret())
            try db.query(
                """
                INSERT INTO api_keys (key_id, city, name, role, project_ids, key_hash, created_by)
                OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5::text[], $6, $7)
                """,
                [String(id), city, name, role.rawValue, Self.textArray(projects), Credential.hash(text), actor])
            try audit(
                "key.create", entity: "api_key", id: String(id),
                details: ["name": .string(name), "role": .string(role.rawValue), "projects": .array(projects.map(AuditValue.string))])
            return CreatedKey(key: try apiKey(id)!, text: text)
        }
    }

    /// `anju keys revoke`: the key stops working at once. Revoking a revoked key changes
    /// nothing. `StoreError.notFound` for an unknown id (or another city's key).
    @discardableResult
    public func revokeKey(_ id: Int64) throws -> APIKey {
        try connection.transaction { db in
            let changed = try db.query(
                """
                UPDATE api_keys SET revoked_at = now(), revoked_by = $3
                WHERE city = $1 AND key_id = $2 AND revoked_at IS NULL
                """,
                [city, String(id), actor]
            ).affectedRows
            guard let key = try apiKey(id) else { throw StoreError(.apiKeyNotFound, subject: .apiKey(id), "no API key \(id) in city \(city)") }
            if changed == 1 { try audit("key.revoke", entity: "api_key", id: String(id), details: ["name": .string(key.name)]) }
            return key
        }
    }

    /// API key `id` of this city, revoked or not; nil when there is none.
    public func apiKey(_ id: Int64) throws -> APIKey? {
        try keys(id).first
    }

    /// The city's API keys in id order (or just key `id`).
    public func keys(_ id: Int64? = nil) throws -> [APIKey] {
        try connection.preparedQuery(
            """
            SELECT key_id, name, role, array_to_json(project_ids)::text AS projects, key_hash,
                   \(Self.utc("created_at")) AS created_at, \(Self.utc("revoked_at")) AS revoked_at
            FROM api_keys WHERE city = $1 AND ($2::bigint IS NULL OR key_id = $2::bigint) ORDER BY key_id
            """,
            [city, id.map(String.init)]
        ).map { row in
            let projectsJSON = Data((try row.decode(String.self, "projects")).utf8)
            return APIKey(
                id: Int64(try row.decode(Int.self, "key_id")), name: try row.decode(String.self, "name"),
                role: APIKey.Role(rawValue: try row.decode(String.self, "role")) ?? .operator,
                projectIDs: (try? JSONDecoder().decode([String].self, from: projectsJSON)) ?? [],
                hash: try row.decode(String.self, "key_hash"), createdAt: try row.decode(String.self, "created_at"),
                revokedAt: try row.decode(String?.self, "revoked_at"))
        }
    }
}
