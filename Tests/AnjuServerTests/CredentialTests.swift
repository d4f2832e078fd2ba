import Foundation
import Postgres
import PostgresTestSupport
import Store
import Testing

@Suite("Credentials in the store")
struct CredentialTests {
    @Test("tokens: only SHA-256 hashes are stored, one per applicant; unknown ids issue nothing")
    func tokens() async throws {
        let f = try ServerFixture.make("cred_tokens", poolSize: 1)
        let store = try f.store(actor: "test:bureau")
        let rows = try f.connection.query("SELECT applicant_id, token_hash FROM applicant_tokens ORDER BY applicant_id")
        #expect(rows.count == 5)
        for row in rows {
            let token = f.tokens[row[0]!]!
            #expect(token.count == 43)
            #expect(row[1] == Credential.hash(token))
            #expect(row[1] != token)
        }
        #expect(
            throws: StoreError(.applicantNotFound, subject: .applicants(["NOBODY"]), "no applicant NOBODY in city c1; no token was issued")
        ) { try store.issueTokens(applicants: ["A1", "NOBODY"]) }
        #expect(try store.applicantTokenHash("A1") == Credential.hash(f.tokens["A1"]!), "a failed issue changes nothing")
        #expect(throws: StoreError(.invalidArgument, problems: [StoreProblem("the list is empty", at: .field("applicants"))])) { try store.issueTokens(applicants: []) }
        // --all-waiting: the applicants the round did not offer a place.
        let waiting = try store.issueTokens(applicants: nil).map(\.applicantID)
        #expect(Set(waiting) == Set(["A1", "A2", "A3", "A4", "A5"]).subtracting(f.offers.keys))
    }

    @Test("keys: hashed, scoped to known projects, revocable; the text carries the id")
    func keys() async throws {
        let f = try ServerFixture.make("cred_keys", poolSize: 1)
        let store = try f.store(actor: "test:bureau")
        let created = try store.createKey(name: "Z", role: .operator, projects: ["P2", "P1", "P2"])
        #expect(created.key.projectIDs == ["P1", "P2"])
        #expect(APIKey.id(in: created.text) == created.key.id)
        #expect(created.text.count == "ak_\(created.key.id)_".count + 64)
        #expect(try f.connection.query("SELECT count(*) FROM api_keys WHERE key_hash = $1", [created.text]).first?[0] == "0")
        #expect(Credential.verify(created.text, against: created.key.hash))
        #expect(!Credential.verify(created.text + "0", against: created.key.hash))
        #expect(throws: StoreError(.projectNotFound, subject: .projects(["P404"]), "no project P404 in city c1; no key was created")) {
            try store.createKey(name: "Z", role: .operator, projects: ["P404"])
        }
        #expect(throws: StoreError.self) { try store.createKey(name: "Z", role: .operator, projects: []) }
        #expect(throws: StoreError.self) { try store.createKey(name: "Z", role: .admin, projects: ["P1"]) }
        #expect(throws: StoreError.self) { try store.createKey(name: " ", role: .admin) }
        let revoked = try store.revokeKey(created.key.id)
        #expect(revoked.revokedAt != nil)
        #expect(try store.revokeKey(created.key.id).revokedAt == revoked.revokedAt, "revoking again changes nothing")
        #expect(throws: StoreError(.apiKeyNotFound, subject: .apiKey(9999), "no API key 9999 in city c1")) { try store.revokeKey(9999) }
        #expect(try f.connection.query("SELECT count(*) FROM audit_log WHERE action = 'key.revoke'").first?[0] == "2")
        #expect(APIKey.id(in: "ak_0_x") == nil && APIKey.id(in: "ak__x") == nil && APIKey.id(in: "token") == nil)
        let hex = String(repeating: "0123456789abcdef", count: 4)
        #expect(APIKey.id(in: "ak_7_\(hex)") == 7)
        #expect(APIKey.id(in: "ak_7_\(hex.dropLast())") == nil, "63 digits")
        #expect(APIKey.id(in: "ak_7_\(hex)0") == nil, "65 digits")
        #expect(APIKey.id(in: "ak_7_\(hex.uppercased())") == nil, "upper-case hex")
        #expect(APIKey.id(in: "ak_7_\(hex.dropLast())g") == nil, "not hex")
    }

    /// Found by `anju bench api`: one wrk request in ~40,000 got a 401, because a token
    /// (43 base64url characters) beginning with `ak_` was read as a malformed API key.
    @Test("an applicant token that begins with ak_ is still an applicant token")
    func tokenShapedLikeAKeyPrefix() async throws {
        let f = try ServerFixture.make("cred_akprefix", poolSize: 1)
        let token = "ak_" + Credential.newToken().prefix(40)
        try f.connection.query(
            "UPDATE applicant_tokens SET token_hash = $2 WHERE city = 'c1' AND applicant_id = $1", ["A5", Credential.hash(token)])
        try await f.test { client in
            try await client.execute(uri: "/v1/applicants/A5", method: .get, headers: applicant("A5", token: token)) { r in
                #expect(r.status == .ok)
                #expect(r.object["applicant_id"] as? String == "A5")
            }
            // Without the applicant header it is a malformed key, said as such.
            try await client.execute(uri: "/v1/applicants/A5", method: .get, headers: bearer(token)) { r in
                #expect(r.status == .unauthorized)
                #expect((r.object["detail"] as? String)?.contains("malformed") == true)
            }
        }
    }
}
