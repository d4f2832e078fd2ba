import Dispatch
import Foundation
import Postgres
import PostgresTestSupport
import Store
import TestSupport

/// Rows for Store tests, inserted with plain SQL so that a test of one Store feature does
/// not depend on another (import, rounds, offers): each helper writes exactly the rows it
/// names, with defaults that satisfy the schema, so a test states only what it is about.
///
///     let db = try StoreFixtures.migrated("offers")          // a fresh database, city "c1"
///     try db.round("R1", policy: #"{"offers": {"max_refusals": 3}}"#)
///     try db.slot("S1")                                       // project P1 made on demand
///     try db.applicant("A1")
///     let offer = try db.offer(round: "R1", slot: "S1", applicant: "A1")   // live, 7 days
///     let store = try db.store()
///
/// Live offers mark their slot and applicant `offered` (as a round does) without bumping
/// the slot's version: fixtures set up the starting state, they are not changes. Nothing
/// here writes audit rows. Timestamps are relative to the database clock (`now()`), given
/// as PostgreSQL intervals such as `"7 days"`, `"-1 hour"` or `"0.2 seconds"`.
struct StoreFixtures {
    /// The test's connection (the same one `store()` uses).
    let connection: PostgresConnection
    /// The city every row is written in.
    let city: String

    /// Uses `connection` for `city`, creating the city's row if needed.
    init(connection: PostgresConnection, city: String = "c1") throws {
        self.connection = connection
        self.city = city
        try connection.query("INSERT INTO cities (city, name) VALUES ($1, $1) ON CONFLICT (city) DO NOTHING", [city])
    }

    /// A fresh migrated test database with `city` in it.
    static func migrated(_ label: String, city: String = "c1") throws -> StoreFixtures {
        try StoreFixtures(connection: try TestDatabase.migrated(label), city: city)
    }

    /// The same fixtures for another city of the same database.
    func inCity(_ other: String) throws -> StoreFixtures { try StoreFixtures(connection: connection, city: other) }

    /// A Store on this connection and city, acting as `actor`.
    func store(actor: String = "test:operator") throws -> Store {
        try Store(connection: connection, city: city, actor: actor)
    }

    /// A Store of this city on a NEW connection to the same database (for threads).
    func storeOnNewConnection(actor: String) throws -> Store {
        try Store(connection: try TestDatabase.connect(sameAs: connection), city: city, actor: actor)
    }

    // MARK: - Rows

    /// A project (at People's Square unless told otherwise); a second call is a no-op.
    func project(_ id: String = "P1", programme: String = "general", district: String = "Huangpu") throws {
        try connection.query(
            """
            INSERT INTO projects (city, project_id, name, district, lat, lon, programme)
            VALUES ($1, $2, $2, $3, 31.2304, 121.4737, $4) ON CONFLICT DO NOTHING
            """,
            [city, id, district, programme])
    }

    /// A dorm room of `project` (created if missing).
    func room(_ id: String, project: String = "P1", gender: String = "any") throws {
        try self.project(project)
        try connection.query(
            "INSERT INTO rooms (city, project_id, room_id, gender) VALUES ($1, $2, $3, $4)", [city, project, id, gender])
    }

    /// A slot of `project` (created if missing): an apartment for up to 3 by default, or a
    /// bed in `room` when `kind` is `"bed"`.
    func slot(
        _ id: String, project: String = "P1", kind: String = "apartment", room: String? = nil, rent: Int = 2500,
        status: String = "available", version: Int64 = 1
    ) throws {
        try self.project(project)
        try connection.query(
            """
            INSERT INTO slots (city, slot_id, project_id, kind, room_id, max_household, rent, status, version)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """,
            [city, id, project, kind, room, kind == "bed" ? "1" : "3", String(rent), status, String(version)])
    }

    /// An applicant (a 30-year-old general applicant working at People's Square).
    func applicant(_ id: String, status: String = "waiting", refusals: Int = 0, category: String = "general") throws {
        try connection.query(
            """
            INSERT INTO applicants (city, applicant_id, category, household_size, gender, birth_date, monthly_income,
                                    work_lat, work_lon, work_district, status, refusals)
            VALUES ($1, $2, $3, 1, 'female', '1996-05-01', 8000, 31.2304, 121.4737, 'Huangpu', $4, $5)
            """,
            [city, id, category, status, String(refusals)])
        if refusals > 0 { try pastRefusals(id, count: refusals) }
    }

    /// `count` declined offers of applicant `id` in a closed round `R-past`, each with its
    /// refusal row (refused `ago` before now), so that refusals are counted from rows as
    /// the store counts them. Returns the offer ids, oldest first.
    @discardableResult
    func pastRefusals(_ id: String, count: Int, ago: String = "1 day", round: String = "R-past") throws -> [Int64] {
        if try int("SELECT count(*) FROM rounds WHERE city = $1 AND round_id = $2", [city, round]) == 0 {
            try self.round(round, status: "closed")
        }
        var offers: [Int64] = []
        for k in 1...count {
            let slotID = "S-past-\(id)-\(round)-\(k)"
            try slot(slotID)
            let offerID = try offer(round: round, slot: slotID, applicant: id, deadlineIn: "-1 day", status: "declined")
            try connection.query(
                """
                INSERT INTO refusals (city, offer_id, applicant_id, round_id, kind, refused_at)
                VALUES ($1, $2, $3, $4, 'declined', now() - $5::interval - make_interval(secs => $6::int))
                """,
                [city, String(offerID), id, round, ago, String(count - k)])
            offers.append(offerID)
        }
        return offers
    }

    /// A round in `status` (default `run`) with `policy` as its policy.json (jsonb text).
    func round(_ id: String, status: String = "run", policy: String = #"{"round_date": "2026-12-01", "seed": "test"}"#) throws {
        try connection.query(
            """
            INSERT INTO rounds (city, round_id, status, policy, seed, input_digest, run_at, optimal_ties)
            VALUES ($1, $2, $3, $4::jsonb, 'test', 'fixture', now(), 'canonical')
            """,
            [city, id, status, policy])
    }

    /// An offer of `slot` to `applicant` in `round`, due `deadlineIn` from now. A live one
    /// (`status` offered) marks the slot and the applicant `offered`; an answered one gets
    /// `answered_at` now and changes nothing else. Returns the offer id.
    @discardableResult
    func offer(
        round: String, slot: String, applicant: String, deadlineIn: String = "7 days", status: String = "offered"
    ) throws -> Int64 {
        let row = try connection.query(
            """
            INSERT INTO offers (city, round_id, slot_id, applicant_id, status, deadline, answered_at, answered_by)
            VALUES ($1, $2, $3, $4, $5, now() + $6::interval,
                    CASE WHEN $5 = 'offered' THEN NULL ELSE now() END, CASE WHEN $5 = 'offered' THEN NULL ELSE 'fixture' END)
            RETURNING offer_id
            """,
            [city, round, slot, applicant, status, deadlineIn])
        if status == "offered" {
            try connection.query("UPDATE slots SET status = 'offered' WHERE city = $1 AND slot_id = $2", [city, slot])
            try connection.query("UPDATE applicants SET status = 'offered' WHERE city = $1 AND applicant_id = $2", [city, applicant])
        }
        return Int64(try row[0].decode(Int.self, "offer_id"))
    }

    /// A tenant: an accepted offer in `round` and an active tenancy; the slot `occupied`,
    /// the applicant `housed`. Returns the tenancy id.
    @discardableResult
    func tenancy(slot: String, applicant: String, round: String) throws -> Int64 {
        let offerID = try offer(round: round, slot: slot, applicant: applicant, deadlineIn: "-1 day", status: "accepted")
        let row = try connection.query(
            "INSERT INTO tenancies (city, slot_id, applicant_id, offer_id) VALUES ($1, $2, $3, $4) RETURNING tenancy_id",
            [city, slot, applicant, String(offerID)])
        try connection.query("UPDATE slots SET status = 'occupied' WHERE city = $1 AND slot_id = $2", [city, slot])
        try connection.query("UPDATE applicants SET status = 'housed' WHERE city = $1 AND applicant_id = $2", [city, applicant])
        return Int64(try row[0].decode(Int.self, "tenancy_id"))
    }

    // MARK: - Reading state back

    /// The single value of a one-row, one-column query, as text (nil for NULL or no row).
    func value(_ sql: String, _ parameters: [String?] = []) throws -> String? {
        try connection.query(sql, parameters).first?[0]
    }

    /// The single integer of a one-row, one-column query (e.g. a `count(*)`).
    func int(_ sql: String, _ parameters: [String?] = []) throws -> Int {
        guard let text = try value(sql, parameters), let number = Int(text) else {
            throw PostgresError(message: "expected one integer from: \(sql)", operation: "fixture")
        }
        return number
    }

    /// A slot's status and version.
    func slotState(_ id: String) throws -> (status: String, version: Int64) {
        let row = try connection.query("SELECT status, version FROM slots WHERE city = $1 AND slot_id = $2", [city, id])[0]
        return (try row.decode(String.self, "status"), Int64(try row.decode(Int.self, "version")))
    }

    /// An applicant's status and refusals.
    func applicantState(_ id: String) throws -> (status: String, refusals: Int) {
        let row = try connection.query("SELECT status, refusals FROM applicants WHERE city = $1 AND applicant_id = $2", [city, id])[0]
        return (try row.decode(String.self, "status"), try row.decode(Int.self, "refusals"))
    }

    /// An offer's status.
    func offerStatus(_ id: Int64) throws -> String? {
        try value("SELECT status FROM offers WHERE offer_id = $1", [String(id)])
    }

    /// A round's status.
    func roundStatus(_ id: String) throws -> String? {
        try value("SELECT status FROM rounds WHERE city = $1 AND round_id = $2", [city, id])
    }

    /// Audit rows of this city, optionally only one action and/or one entity id.
    func auditCount(action: String? = nil, entityID: String? = nil) throws -> Int {
        try int(
            """
            SELECT count(*) FROM audit_log
            WHERE city = $1 AND ($2::text IS NULL OR action = $2) AND ($3::text IS NULL OR entity_id = $3)
            """,
            [city, action, entityID])
    }

    /// The details of the latest audit row with `action`, as JSON text (keys sorted by jsonb).
    func lastAuditDetails(action: String) throws -> String? {
        try value(
            "SELECT details::text FROM audit_log WHERE city = $1 AND action = $2 ORDER BY audit_id DESC LIMIT 1",
            [city, action])
    }
}

/// Real threads for tests of blocking database code.
enum TestThreads {
    /// Runs `body(k)` for k in 0..<count, each on an OS thread of its own, all released
    /// together once every thread exists; waits for all and returns what they threw.
    /// `before` runs on the calling thread after the threads are released and before
    /// waiting for them (e.g. to commit a transaction they are blocked on).
    static func run(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void, before: () -> Void = {}) -> [String] {
        let finished = DispatchGroup()
        let gate = DispatchSemaphore(value: 0)
        let failures = Locked<[String]>([])
        for k in 0..<count {
            finished.enter()
            Thread {
                gate.wait()
                do { try body(k) } catch { failures.withLock { $0.append("thread \(k): \(error)") } }
                finished.leave()
            }.start()
        }
        for _ in 0..<count { gate.signal() }
        before()
        finished.wait()
        return failures.withLock { $0 }
    }
}

extension StoreError {
    /// A file error as its lines read (`FILE:LINE: COLUMN: message`, the contract's form),
    /// each problem located at its file, line and column.
    static func file(_ code: Code, subject: Subject? = nil, _ lines: [String]) -> StoreError {
        StoreError(
            code, subject: subject,
            problems: lines.map { line in
                let parts = line.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
                let message = parts[3].dropFirst()  // the space after the colon
                return StoreProblem(
                    String(message), at: .file(String(parts[0]), line: Int(parts[1])!, column: String(parts[2].dropFirst())))
            })
    }
}
