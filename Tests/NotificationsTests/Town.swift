import Foundation
import Postgres
import PostgresTestSupport
import Store

/// A small city for notification tests: one project, slots, applicants with (or without)
/// contacts, written with plain SQL; rounds and answers go through the Store, as in use.
struct Town {
    let connection: PostgresConnection
    let url: String
    let city = "c1"

    static func migrated(_ label: String) throws -> Town {
        let (connection, url) = try TestDatabase.migratedWithURL(label)
        let town = Town(connection: connection, url: url)
        try connection.query("INSERT INTO cities (city, name) VALUES ($1, $1)", [town.city])
        try connection.query(
            """
            INSERT INTO projects (city, project_id, name, district, lat, lon, programme)
            VALUES ($1, 'P1', 'Riverside Homes', 'Huangpu', 31.2304, 121.4737, 'general')
            """, [town.city])
        return town
    }

    func store(actor: String = "test:bureau") throws -> Store { try Store(connection: connection, city: city, actor: actor) }

    /// A store of this town on a connection of its own (for threads).
    func storeOnNewConnection(actor: String = "test:sender") throws -> Store {
        try Store(connection: try TestDatabase.connect(sameAs: connection), city: city, actor: actor)
    }

    func slots(_ count: Int, prefix: String = "S") throws {
        try connection.query(
            """
            INSERT INTO slots (city, slot_id, project_id, kind, max_household, rent, status, version)
            SELECT $1, $2 || n, 'P1', 'apartment', 3, 2500, 'available', 1 FROM generate_series(1, $3::integer) n
            """, [city, prefix, String(count)])
    }

    /// Waiting applicants `prefix1…prefixN`; contacts by `contact(n)`: email, phone, language
    /// (nil: no contact at all).
    func applicants(
        _ count: Int, prefix: String = "A", contact: (Int) -> (email: String?, phone: String?, language: String)? = { n in
            ("a\(n)@example.test", nil, "zh-CN")
        }
    ) throws {
        for n in 1...count {
            try connection.query(
                """
                INSERT INTO applicants (city, applicant_id, category, household_size, gender, birth_date, monthly_income,
                                        work_lat, work_lon, work_district, status, refusals)
                VALUES ($1, $2, 'general', 1, 'female', '1996-05-01', 8000, 31.2304, 121.4737, 'Huangpu', 'waiting', 0)
                """, [city, "\(prefix)\(n)"])
            if let c = contact(n) {
                try connection.query(
                    "INSERT INTO applicant_contacts (city, applicant_id, name, email, phone, language) VALUES ($1, $2, $3, $4, $5, $6)",
                    [city, "\(prefix)\(n)", "Person \(n)", c.email, c.phone, c.language])
            }
        }
    }

    static let policy = Array(#"{"round_date": "2026-12-01", "mechanism": "serial", "seed": "notify", "offers": {"response_days": 7, "max_refusals": 1}}"#.utf8)

    /// Creates and runs round `id` on what is available and waiting.
    @discardableResult
    func runRound(_ id: String) throws -> RoundRunReport {
        let store = try store()
        _ = try store.createRound(id: id, policy: Town.policy)
        return try store.runRound(id)
    }

    func int(_ sql: String, _ parameters: [String?] = []) throws -> Int {
        Int(try connection.query(sql, parameters).first?[0] ?? "") ?? -1
    }

    /// The outbox's keys of `kind` (channel:key), sorted.
    func keys(kind: String) throws -> [String] {
        try connection.query(
            "SELECT channel || ':' || idempotency_key FROM outbox WHERE kind = $1 ORDER BY 1", [kind]
        ).map { $0[0] ?? "" }
    }
}
