import Allocation
import AllocationFiles
import Foundation
import Postgres

/// A round as stored: its policy and seed from `create`, its digest and counts from `run`.
public struct RoundInfo: Sendable, Equatable {
    public var roundID: String
    public var status: String
    public var mechanism: Mechanism
    public var seed: String
    public var roundDate: String
    public var responseDays: Int
    public var maxRefusals: Int
    public var inputDigest: String?
    public var createdAt: String
    public var runAt: String?
    public var offerDeadline: String?
    /// summary.json of the run, as stored (nil before the run).
    public var summary: String?
    /// Which of several equally good `optimal` allocations the run returned (nil before the
    /// run): `.asFound` for rounds run before migration 015, which `verify` reproduces so.
    public var optimalTies: OptimalTies? = nil
}

/// What `run` did, for the terminal.
public struct RoundRunReport: Sendable {
    public var round: RoundInfo
    public var input: RoundInput
    public var result: RoundResult
    public var digests: [String: String]
    /// Attempts the run needed: more than 1 when the inventory changed under an attempt.
    public var attempts: Int
    /// Waiting applicants left out because an unresolved duplicate set holds them.
    public var heldAsDuplicates: Int = 0
    /// Applications not in the round because the bureau has not reviewed them yet.
    public var pendingReview: Int = 0
}

/// What `verify` found.
public struct RoundVerification: Sendable {
    public var round: RoundInfo
    /// Rows of the stored results (one per applicant of the snapshot).
    public var rows: Int
    public var offers: Int
    /// Empty when the re-solve matched the stored results and offers exactly.
    public var differences: [String]
}

/// The four contract files of a round's snapshot, as stored.
public struct RoundSnapshot: Sendable {
    public var projects: [UInt8]
    public var slots: [UInt8]
    public var applicants: [UInt8]
    public var policy: [UInt8]

    /// File name to bytes, named as `anju solve --input` expects.
    public var files: [(name: String, bytes: [UInt8])] {
        [("projects.csv", projects), ("slots.csv", slots), ("applicants.csv", applicants), ("policy.json", policy)]
    }

    /// File name to lowercase hex SHA-256, as summary.json publishes them.
    public var digests: [String: String] {
        Dictionary(uniqueKeysWithValues: files.map { ($0.name, InputFolder.sha256Hex($0.bytes)) })
    }

    /// One digest for the whole snapshot: SHA-256 of `name:digest\n` lines in name order.
    public static func combinedDigest(_ digests: [String: String]) -> String {
        let text = digests.keys.sorted().map { "\($0):\(digests[$0]!)\n" }.joined()
        return InputFolder.sha256Hex(Array(text.utf8))
    }

    /// Validates the files with the contract's parsers, exactly as `anju solve` does.
    public func parse() throws -> RoundInput {
        do {
            return try InputFolder.validate(projects: projects, slots: slots, applicants: applicants, policy: policy)
        } catch {
            switch error {
            case .invalid(let diagnostics):
                throw StoreError(
                    .invalidFile,
                    problems: [StoreProblem("the round's snapshot breaks the file contract (fix the data, then run again):")]
                        + Diagnostic.sorted(diagnostics).map(StoreProblem.init))
            case .missingFiles(let messages):
                throw StoreError(.invalidFile, problems: messages.map { StoreProblem($0) })
            }
        }
    }
}

extension Store {
    /// `round create`: validates policy.json with the contract's parser, then stores it
    /// with the mechanism and seed the run will use (the overrides win, as in `anju solve`).
    public func createRound(
        id: String?, policy bytes: [UInt8], fileName: String = "policy.json",
        mechanism: Mechanism? = nil, seed: String? = nil
    ) throws -> RoundInfo {
        let parsed = PolicyFile.parse(bytes, fileName: fileName)
        guard let policy = parsed.policy else {
            throw StoreError.invalidFile(parsed.diagnostics, code: .invalidPolicy)
        }
        let offerSettings = PolicyFile.parseOfferSettings(bytes, fileName: fileName)
        guard offerSettings.diagnostics.isEmpty else {
            throw StoreError.invalidFile(offerSettings.diagnostics, code: .invalidPolicy)
        }
        let offers = offerSettings.settings
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw StoreError(.invalidPolicy, problems: [StoreProblem("not UTF-8", at: .file(fileName, line: 1, column: "-"))])
        }
        if let seed, seed.isEmpty { throw StoreError.invalidField("seed", "must not be empty") }
        let roundID = try id ?? nextRoundID(date: policy.roundDate.description)
        guard ContractRules.isIdentifier(roundID) else {
            throw StoreError(.invalidArgument, subject: .round(roundID), "round id \"\(roundID)\" is not an identifier (1-64 of A-Z a-z 0-9 _ - .)")
        }
        let chosenMechanism = mechanism ?? policy.mechanism
        let chosenSeed = seed ?? policy.seed
        return try connection.transaction { db in
            do {
                // jsonb of the policy: the parser has already rejected duplicate keys.
                try db.query(
                    """
                    INSERT INTO rounds (city, round_id, status, policy, policy_text, seed, mechanism, created_by)
                    VALUES ($1, $2, 'draft', $3::jsonb, $3, $4, $5, $6)
                    """,
                    [city, roundID, text, chosenSeed, chosenMechanism.rawValue, actor])
            } catch let error as PostgresError where error.sqlState == .uniqueViolation {
                throw StoreError(.roundExists, subject: .round(roundID), "round \(roundID) already exists in city \(city)")
            }
            try audit(
                "round.create", entity: "round", id: roundID,
                details: [
                    "mechanism": .string(chosenMechanism.rawValue), "seed": .string(chosenSeed),
                    "round_date": .string(policy.roundDate.description),
                    "response_days": .int(offers.responseDays), "max_refusals": .int(offers.maxRefusals),
                ])
            return try round(roundID)
        }
    }

    /// `<round_date>-<n>`, one more than the rounds already dated so in this city.
    private func nextRoundID(date: String) throws -> String {
        let rows = try connection.query(
            "SELECT count(*) FROM rounds WHERE city = $1 AND round_id LIKE $2", [city, date + "-%"])
        var n = (Int(rows.first?[0] ?? "0") ?? 0) + 1
        while try !connection.query(
            "SELECT 1 FROM rounds WHERE city = $1 AND round_id = $2", [city, "\(date)-\(n)"]
        ).isEmpty {
            n += 1
        }
        return "\(date)-\(n)"
    }

    /// One round, or `notFound`.
    public func round(_ roundID: String) throws -> RoundInfo {
        guard let info = try rounds(roundID).first else {
            throw StoreError(.roundNotFound, subject: .round(roundID), "round \(roundID) in city \(city)")
        }
        return info
    }

    /// Every round of the city, newest first (or just `roundID`).
    public func rounds(_ roundID: String? = nil) throws -> [RoundInfo] {
        let rows = try connection.query(
            """
            SELECT round_id, status, mechanism, seed, policy->>'round_date',
                   COALESCE((policy->'offers'->>'response_days')::int, 7),
                   COALESCE((policy->'offers'->>'max_refusals')::int, 2),
                   input_digest, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   to_char(run_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   to_char(offer_deadline AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), summary::text,
                   optimal_ties
            FROM rounds WHERE city = $1 AND ($2::text IS NULL OR round_id = $2)
            ORDER BY created_at DESC, round_id DESC
            """,
            [city, roundID])
        return try rows.map { row in
            RoundInfo(
                roundID: row[0] ?? "", status: row[1] ?? "",
                mechanism: Mechanism(rawValue: row[2] ?? "") ?? .deferredAcceptance, seed: row[3] ?? "",
                roundDate: row[4] ?? "", responseDays: try row.decode(Int.self, at: 5),
                maxRefusals: try row.decode(Int.self, at: 6), inputDigest: row[7], createdAt: row[8] ?? "",
                runAt: row[9], offerDeadline: row[10], summary: row[11], optimalTies: row[12].flatMap(OptimalTies.init))
        }
    }

    /// `round run`: in ONE transaction, under a per-city lock that keeps two runs from
    /// overlapping, snapshots the available slots and waiting applicants as the contract's
    /// files, solves them, and writes the results, the offers (with a response deadline),
    /// the slots and applicants marked offered, the snapshot and its digest, and the
    /// summary. A crash or kill at any point leaves nothing: the transaction never commits.
    ///
    /// The snapshot is read without locking the inventory, so operators are not blocked
    /// while the engine runs. If a snapshot slot or applicant changed before the offers
    /// are written, the attempt rolls back and runs again on a fresh snapshot; the last
    /// attempt locks the snapshot's rows first, so it cannot be overtaken.
    public func runRound(
        _ roundID: String, attempts maxAttempts: Int = 3,
        phase: (@Sendable (String) -> Void)? = nil, progress: (@Sendable (Double) -> Void)? = nil
    ) throws -> RoundRunReport {
        try runRound(roundID, reveal: nil, attempts: maxAttempts, phase: phase, progress: progress)
    }

    /// `runRound`, or with `reveal` the draw of a frozen round (`drawRound`): the same code
    /// writes both, on the frozen snapshot with the seed the revealed parts form. Every round
    /// runs by the canonical tie rule (sql/015); `ties` lets a test stand in for a build
    /// from before it.
    func runRound(
        _ roundID: String, reveal: SeedReveal?, attempts maxAttempts: Int, ties: OptimalTies = .canonical,
        phase: (@Sendable (String) -> Void)? = nil, progress: (@Sendable (Double) -> Void)? = nil
    ) throws -> RoundRunReport {
        var attempt = 1
        while true {
            do {
                return try runRoundOnce(
                    roundID, reveal: reveal, lockInventory: attempt == maxAttempts, attempt: attempt, ties: ties,
                    phase: phase, progress: progress)
            } catch let changed as InventoryChanged where attempt < maxAttempts {
                phase?("the inventory changed during the run (\(changed.what)); running again")
                attempt += 1
            } catch let changed as InventoryChanged {
                throw StoreError(.busy, subject: .round(roundID), "the inventory kept changing during the run: \(changed.what)")
            }
        }
    }

    private struct InventoryChanged: Error { var what: String }

    private func runRoundOnce(
        _ roundID: String, reveal: SeedReveal?, lockInventory: Bool, attempt: Int, ties: OptimalTies,
        phase: (@Sendable (String) -> Void)?, progress: (@Sendable (Double) -> Void)?
    ) throws -> RoundRunReport {
        try connection.transaction { db in
            phase?("locking the round")
            try db.query("SELECT pg_advisory_xact_lock(hashtextextended('anju.round-run:' || $1, 0))", [city])
            try raiseWorkMemForBulk()
            let rows = try db.query(
                "SELECT status FROM rounds WHERE city = $1 AND round_id = $2 FOR UPDATE", [city, roundID])
            guard let status = rows.first?[0] else { throw StoreError(.roundNotFound, subject: .round(roundID), "round \(roundID) in city \(city)") }
            guard status == "draft" else {
                throw StoreError(.roundAlreadyRun, subject: .round(roundID), "round \(roundID) is \(status), not draft: a round runs once")
            }
            let freeze = try latestFreeze(roundID)
            if reveal == nil, freeze != nil {
                throw StoreError(
                    .roundFrozen, subject: .round(roundID),
                    "round \(roundID) is frozen and its pre-draw notice published: draw it with anju round draw and the revealed seed parts")
            }
            if reveal != nil, freeze == nil {
                throw StoreError(.roundNotFrozen, subject: .round(roundID), "round \(roundID) is not frozen: anju round freeze first")
            }
            var drawSeed: String?
            if let reveal, let freeze {
                phase?("checking the revealed seed parts")
                drawSeed = try prepareDraw(roundID, freeze, reveal)
            }
            let info = try round(roundID)
            if lockInventory {
                phase?("locking the inventory")
                try db.query(
                    "SELECT 1 FROM slots WHERE city = $1 AND status = 'available' ORDER BY slot_id FOR UPDATE", [city])
                try db.query(
                    "SELECT 1 FROM applicants WHERE city = $1 AND status = 'waiting' ORDER BY applicant_id FOR UPDATE",
                    [city])
            }
            let held = try heldBack()
            phase?("reading the snapshot")
            let policyText = try db.query(
                "SELECT policy_text FROM rounds WHERE city = $1 AND round_id = $2", [city, roundID]
            ).first?[0] ?? ""
            var snapshot = try readSnapshot(policy: Array(policyText.utf8))
            var input = try snapshot.parse()
            if let freeze {
                // The draw solves the frozen pool, which must still be the live one.
                let frozen = try freeze.snapshot.parse()
                try checkPoolUnchanged(roundID, frozen: frozen, live: input)
                (snapshot, input) = (freeze.snapshot, frozen)
            }
            let digests = snapshot.digests
            let combined = RoundSnapshot.combinedDigest(digests)

            phase?("solving (\(info.mechanism.rawValue))")
            // The snapshot goes to the server first: PostgreSQL compresses and stores it
            // while the engine solves (nothing else may use the connection meanwhile).
            try sendSnapshot(roundID, snapshot, digests: digests)
            let result: RoundResult
            do throws(RoundLimitError) {
                result = try Allocator.solve(input, mechanism: info.mechanism, seed: info.seed, ties: ties, progress: progress)
            } catch {
                // A round the engine cannot compute exactly is refused like invalid input.
                try db.finishSent()
                throw StoreError.roundLimit(error, round: roundID)
            }
            try db.finishSent()
            // Stored commutes are 32-bit (like every imported number); only a policy's own
            // limit and overhead can make an offered commute longer: refuse it by name.
            if let row = result.rows.first(where: { ($0.commuteMin ?? 0) > Int(Int32.max) }) {
                throw StoreError(
                    .invalidPolicy, subject: .round(roundID),
                    problems: [
                        StoreProblem(
                            "\(row.applicantID) would be offered a commute of \(row.commuteMin ?? 0) minutes, above the "
                                + "2147483647 a round stores; lower default_max_commute_min or the commute settings",
                            at: .file("policy.json", line: 1, column: "commute.overhead_min"))
                    ])
            }

            phase?("writing offers")
            // The result rows' COPY text is encoded on another thread from now on, while the
            // server marks the offered slots and applicants and inserts the offers; the rows
            // then stream in while the rest is still being encoded.
            let resultRows = RoundResultRows(
                city: city, roundID: roundID, rows: result.rows, rowsPerChunk: resultsPerChunk)
            defer { resultRows.stop() }
            // The offers' ids travel as arrays: no statement joins the round's new rows, of
            // which the planner has no statistics inside this transaction (a join plan once
            // took minutes at 200k).
            let offers = result.rows.filter { $0.outcome == .offered }
            let offered = offers.count
            let marked = try markOffered(
                roundID, slotIDs: Self.textArray(offers.map { $0.slotID ?? "" }),
                applicantIDs: Self.textArray(offers.map(\.applicantID)), responseDays: info.responseDays)
            guard marked.slots == offered else {
                throw InventoryChanged(what: "\(offered - marked.slots) offered slot(s) no longer available")
            }
            guard marked.applicants == offered else {
                throw InventoryChanged(what: "\(offered - marked.applicants) offered applicant(s) no longer waiting")
            }
            try db.copyIn(RoundResultRows.copy, chunks: resultRows.next)
            // Every offer's message, in this transaction and in one statement (sql/009).
            try enqueueRoundOffers(roundID)
            let summary = String(decoding: SummaryJSON.render(result: result, digests: digests), as: UTF8.self)
            try db.query(
                """
                UPDATE rounds SET status = 'run', input_digest = $3, summary = $4::jsonb, run_at = now(),
                       run_by = $5, offer_deadline = now() + make_interval(days => $6), optimal_ties = $7
                WHERE city = $1 AND round_id = $2
                """,
                [city, roundID, combined, summary, actor, String(info.responseDays), ties.rawValue])
            try audit(
                "round.run", entity: "round", id: roundID,
                details: [
                    "input_digest": .string(combined), "applicants": .int(result.rows.count),
                    "slots_available": .int(result.slotsAvailable), "offered": .int(offered),
                    "unmatched": .int(result.unmatched), "ineligible": .int(result.ineligible),
                    "attempt": .int(attempt), "held_as_duplicates": .int(held.duplicates),
                    "pending_review": .int(held.pendingReview),
                ])
            if let reveal, let freeze, let drawSeed {
                phase?("publishing the result notice")
                try recordDraw(roundID, freeze, reveal, seed: drawSeed, input: input, result: result)
            }
            var report = RoundRunReport(
                round: try round(roundID), input: input, result: result, digests: digests, attempts: attempt)
            (report.heldAsDuplicates, report.pendingReview) = held
            return report
        }
    }

    /// The city's current inventory and pool as the contract's four files: every project of
    /// the city (so a slot that turns available between two statements always finds its
    /// project), the available slots, the waiting applicants, each ordered by id byte-wise,
    /// so the same data always gives the same bytes.
    func readSnapshot(policy: [UInt8]) throws -> RoundSnapshot {
        // COPY takes no parameters: the city travels as a bound setting instead.
        try connection.query("SELECT set_config('anju.city', $1, true)", [city])
        let projects = try connection.copyOut(
            """
            COPY (SELECT p.project_id, p.name, p.district, p.lat, p.lon, p.programme
                  FROM projects p
                  WHERE p.city = current_setting('anju.city')
                  ORDER BY p.project_id COLLATE "C")
            TO STDOUT WITH (FORMAT csv, HEADER true)
            """)
        let slots = try connection.copyOut(
            """
            COPY (SELECT slot_id, project_id, kind, room_id, max_household, rent, gender,
                         accessible::text AS accessible, status, reserved_employer_id
                  FROM slots
                  WHERE city = current_setting('anju.city') AND status = 'available'
                  ORDER BY slot_id COLLATE "C")
            TO STDOUT WITH (FORMAT csv, HEADER true)
            """)
        let applicants = try connection.copyOut(
            """
            COPY (SELECT applicant_id, category, household_size, gender,
                         to_char(birth_date, 'YYYY-MM-DD') AS birth_date, monthly_income,
                         work_lat, work_lon, work_district, max_commute_min, max_rent,
                         needs_accessible::text AS needs_accessible, priority_points, employer_id
                  FROM applicants
                  WHERE city = current_setting('anju.city') AND status = 'waiting'
                    AND NOT EXISTS (SELECT 1 FROM duplicate_members d
                                    WHERE d.city = applicants.city AND d.applicant_id = applicants.applicant_id AND d.open)
                  ORDER BY applicant_id COLLATE "C")
            TO STDOUT WITH (FORMAT csv, HEADER true)
            """)
        return RoundSnapshot(projects: projects, slots: slots, applicants: applicants, policy: policy)
    }

    /// Sends the snapshot's row without waiting (`finishSent` collects it).
    private func sendSnapshot(_ roundID: String, _ snapshot: RoundSnapshot, digests: [String: String]) throws {
        let digestJSON = AuditValue.object(digests.mapValues { .string($0) }).json
        try connection.send(
            """
            INSERT INTO round_snapshots (city, round_id, projects_csv, slots_csv, applicants_csv, policy_json, digests)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
            """,
            [city, roundID] + snapshot.files.map { String(decoding: $0.bytes, as: UTF8.self) } + [digestJSON])
    }

    /// Rows per chunk of the results COPY: the text of 25,000 results (reason and reason
    /// data) is ~10 MB; at most three chunks exist at once (two ready, one being sent).
    static let defaultResultsPerChunk = 25_000

    /// In ONE statement: marks the offered slots `offered` (only those still available) and
    /// the offered applicants `offered` (only those still waiting), and — only when every
    /// one of them was — inserts the offers in the engine's order, with their deadline.
    /// Returns how many slots and applicants it marked; fewer than offers means the
    /// inventory changed under the run, and then no offer was written (the caller rolls the
    /// attempt back).
    private func markOffered(
        _ roundID: String, slotIDs: String, applicantIDs: String, responseDays: Int
    ) throws -> (slots: Int, applicants: Int) {
        let row = try connection.query(
            """
            WITH marked_slots AS (
                UPDATE slots SET status = 'offered', version = version + 1, updated_at = now()
                WHERE city = $1 AND slot_id = ANY ($3::text[]) AND status = 'available'
                RETURNING 1
            ), marked_applicants AS (
                UPDATE applicants SET status = 'offered', updated_at = now()
                WHERE city = $1 AND applicant_id = ANY ($4::text[]) AND status = 'waiting'
                RETURNING 1
            ), counts AS (
                SELECT (SELECT count(*) FROM marked_slots) AS slots, (SELECT count(*) FROM marked_applicants) AS applicants
            ), inserted AS (
                INSERT INTO offers (city, round_id, slot_id, applicant_id, deadline)
                SELECT $1, $2, o.slot_id, o.applicant_id, now() + make_interval(days => $5)
                FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS o (slot_id, applicant_id, n), counts
                WHERE counts.slots = cardinality($3::text[]) AND counts.applicants = cardinality($4::text[])
                ORDER BY o.n
            )
            SELECT counts.slots, counts.applicants FROM counts
            """,
            [city, roundID, slotIDs, applicantIDs, String(responseDays)]
        ).first
        return (try row?.decode(Int.self, at: 0) ?? 0, try row?.decode(Int.self, at: 1) ?? 0)
    }

    /// The stored snapshot of a round that has run.
    public func snapshot(_ roundID: String) throws -> RoundSnapshot {
        let rows = try connection.query(
            """
            SELECT projects_csv, slots_csv, applicants_csv, policy_json
            FROM round_snapshots WHERE city = $1 AND round_id = $2
            """,
            [city, roundID])
        guard let row = rows.first else {
            _ = try round(roundID)  // notFound when the round itself is unknown
            throw StoreError(.roundNotRun, subject: .round(roundID), "round \(roundID) has not run yet: it has no snapshot")
        }
        return RoundSnapshot(
            projects: Array((row[0] ?? "").utf8), slots: Array((row[1] ?? "").utf8),
            applicants: Array((row[2] ?? "").utf8), policy: Array((row[3] ?? "").utf8))
    }

    /// The stored results of a round, ordered by applicant id byte-wise (results.csv order).
    public func results(_ roundID: String) throws -> RoundResult {
        let info = try round(roundID)
        guard info.inputDigest != nil else {
            throw StoreError(.roundNotRun, subject: .round(roundID), "round \(roundID) has not run yet: it has no results")
        }
        let rows = try connection.query(
            """
            SELECT applicant_id, outcome, slot_id, project_id, commute_min, rent, reason
            FROM round_results WHERE city = $1 AND round_id = $2
            """,
            [city, roundID])
        var results: [ApplicantResult] = []
        results.reserveCapacity(rows.count)
        for row in rows {
            results.append(ApplicantResult(
                applicantID: row[0] ?? "", outcome: ApplicantResult.Outcome(rawValue: row[1] ?? "") ?? .unmatched,
                slotID: row[2], projectID: row[3], commuteMin: row[4].flatMap { Int($0) },
                rent: row[5].flatMap { Int($0) }, reason: row[6] ?? ""))
        }
        results.sort { $0.applicantID.utf8Less($1.applicantID) }
        let slotsAvailable = try connection.query(
            "SELECT (summary->>'slots_available')::int FROM rounds WHERE city = $1 AND round_id = $2",
            [city, roundID]
        ).first?[0].flatMap { Int($0) } ?? 0
        return RoundResult(mechanism: info.mechanism, seed: info.seed, rows: results, slotsAvailable: slotsAvailable)
    }

    /// `round verify`: re-reads the stored snapshot, checks its digests, solves it again
    /// and compares every result row and every offer of the round with what is stored.
    public func verifyRound(_ roundID: String, progress: (@Sendable (Double) -> Void)? = nil) throws -> RoundVerification {
        let info = try round(roundID)
        let snapshot = try snapshot(roundID)
        var differences: [String] = []
        let digests = snapshot.digests
        let storedDigests = try connection.query(
            """
            SELECT d.key, d.value FROM round_snapshots s, jsonb_each_text(s.digests) d
            WHERE s.city = $1 AND s.round_id = $2
            """,
            [city, roundID])
        if Dictionary(uniqueKeysWithValues: storedDigests.map { ($0[0] ?? "", $0[1] ?? "") }) != digests {
            differences.append("the snapshot's file digests differ from those stored at the run")
        }
        if RoundSnapshot.combinedDigest(digests) != info.inputDigest {
            differences.append("the snapshot's digest differs from the round's input_digest \(info.inputDigest ?? "-")")
        }
        let input = try snapshot.parse()
        let fresh: RoundResult
        do throws(RoundLimitError) {
            // By the tie rule the round was run with (migration 015), so older rounds still verify.
            fresh = try Allocator.solve(
                input, mechanism: info.mechanism, seed: info.seed, ties: info.optimalTies ?? .canonical, progress: progress)
        } catch {
            throw StoreError.roundLimit(error, round: roundID)
        }
        let stored = try results(roundID)
        if fresh.rows.count != stored.rows.count {
            differences.append("the snapshot has \(fresh.rows.count) applicants; \(stored.rows.count) results are stored")
        }
        for (a, b) in zip(fresh.rows, stored.rows) where a != b {
            differences.append("applicant \(a.applicantID): re-solved \(Self.describe(a)); stored \(Self.describe(b))")
            if differences.count >= 20 { break }
        }
        differences += try reasonDataDifferences(roundID, fresh: fresh, limit: max(0, 20 - differences.count))
        let offerRows = try connection.query(
            "SELECT applicant_id, slot_id FROM offers WHERE city = $1 AND round_id = $2", [city, roundID])
        let storedOffers = Set(offerRows.map { "\($0[0] ?? "")\u{0}\($0[1] ?? "")" })
        let freshOffers = Set(fresh.rows.filter { $0.outcome == .offered }.map { "\($0.applicantID)\u{0}\($0.slotID ?? "")" })
        if storedOffers != freshOffers {
            differences.append(
                "offers differ: \(freshOffers.subtracting(storedOffers).count) re-solved offer(s) not stored, "
                    + "\(storedOffers.subtracting(freshOffers).count) stored offer(s) not re-solved")
        }
        return RoundVerification(round: info, rows: stored.rows.count, offers: storedOffers.count, differences: differences)
    }

    /// Rows whose stored reason data is not the re-solve's, byte for byte (rows stored
    /// without data, by rounds run before migration 008, are not compared).
    private func reasonDataDifferences(_ roundID: String, fresh: RoundResult, limit: Int) throws -> [String] {
        guard limit > 0 else { return [] }
        let rows = try connection.query(
            """
            SELECT applicant_id, reason_data::text FROM round_results
            WHERE city = $1 AND round_id = $2 AND reason_data IS NOT NULL
            """,
            [city, roundID])
        var stored: [String: String] = [:]
        stored.reserveCapacity(rows.count)
        for row in rows { stored[row[0] ?? ""] = row[1] ?? "" }
        guard !stored.isEmpty else { return [] }
        var differences: [String] = []
        for row in fresh.rows {
            guard let data = stored[row.applicantID], data != row.explanation?.json else { continue }
            differences.append(
                "applicant \(row.applicantID): re-solved reason data \(row.explanation?.json ?? "none"); stored \(data)")
            if differences.count >= limit { break }
        }
        return differences
    }

    private static func describe(_ row: ApplicantResult) -> String {
        row.outcome == .offered
            ? "offered \(row.slotID ?? "") at \(row.projectID ?? ""), \(row.commuteMin ?? 0) min, \(row.rent ?? 0) yuan"
            : "\(row.outcome.rawValue): \(row.reason)"
    }

    /// Offers of a round by status, for `round show`.
    public func offerCounts(_ roundID: String) throws -> [(status: String, count: Int)] {
        try connection.query(
            "SELECT status, count(*) FROM offers WHERE city = $1 AND round_id = $2 GROUP BY status ORDER BY status",
            [city, roundID]
        ).map { ($0[0] ?? "", Int($0[1] ?? "0") ?? 0) }
    }
}

extension StoreError {
    /// A round the engine cannot compute exactly (`RoundLimitError`), refused like invalid
    /// input and located at the policy key to change.
    static func roundLimit(_ error: RoundLimitError, round roundID: String) -> StoreError {
        StoreError(
            .invalidPolicy, subject: .round(roundID),
            problems: [StoreProblem(error.message, at: .file("policy.json", line: 1, column: error.policyKey))])
    }
}
