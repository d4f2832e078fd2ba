import Allocation
import AllocationFiles
import Foundation
import Postgres

/// A published notice as listed: which round, which kind, its SHA-256 and its place in the
/// chain of corrections.
public struct NoticeInfo: Sendable, Equatable {
    public var noticeID: Int64
    public var roundID: String
    public var kind: NoticeKind
    public var sha256: String
    public var publishedAt: String
    public var supersedes: Int64?
    public var supersededBy: Int64?
    /// Days the notice stays open for objections (0...90, set at the freeze).
    public var objectionDays: Int = 7
    /// When its objection window closes: the end of day `objectionDays` after publication
    /// in the city's time zone (UTC, RFC 3339).
    public var objectionsCloseAt: String = ""
}

extension NoticeInfo {
    /// The notice's tables: its kind's, and `corrections.csv` for a corrected result notice
    /// (a result notice that supersedes another).
    public var tables: [String] { kind == .result && supersedes != nil ? kind.tables + ["corrections.csv"] : kind.tables }
}

/// What `round freeze` did.
public struct FreezeReport: Sendable {
    public var roundID: String
    public var freeze: Int
    public var applicants: Int
    public var places: Int
    public var notice: NoticeInfo
    /// The notice this freeze's notice superseded (a re-freeze).
    public var superseded: NoticeInfo?
}

extension Store {
    /// `round freeze`: under the lock `round run` takes, stores the city's pool (the
    /// contract's files, exactly what `round run` would snapshot) and the seed recipe,
    /// without drawing, and publishes the pre-draw notice. A frozen round may be frozen
    /// again until it is drawn: a new snapshot, and a notice superseding the last one.
    /// The recipe's public date must come after today (the city's day), so that its value
    /// cannot be known at the freeze.
    public func freezeRound(_ roundID: String, recipe: SeedRecipe, objectionDays: Int = Store.defaultObjectionDays) throws -> FreezeReport {
        guard Self.objectionDayRange.contains(objectionDays) else {
            throw StoreError(
                .invalidArgument, subject: .round(roundID),
                problems: [StoreProblem(
                    "\(objectionDays): the days a notice stays open for objections are a whole number from 0 to 90",
                    at: .field("objection_days"))])
        }
        let problems = recipe.problems
        guard problems.isEmpty else {
            throw StoreError(.seedPartMismatch, subject: .round(roundID), problems: problems.map { StoreProblem($0.message, at: .field($0.field)) })
        }
        return try connection.transaction { db in
            try db.query("SELECT pg_advisory_xact_lock(hashtextextended('anju.round-run:' || $1, 0))", [city])
            try raiseWorkMemForBulk()
            let info = try lockDraft(roundID)
            let today = try cityToday()
            guard recipe.publicDate > today else {
                throw StoreError(
                    .publicDateNotReached, subject: .round(roundID),
                    problems: [StoreProblem(
                        "\(recipe.publicDate) is not after today (\(today) in the city): the public value must appear after the freeze",
                        at: .field("public_date"))])
            }
            let policyText = try db.query(
                "SELECT policy_text FROM rounds WHERE city = $1 AND round_id = $2", [city, roundID]
            ).first?[0] ?? ""
            let snapshot = try readSnapshot(policy: Array(policyText.utf8))
            let input = try snapshot.parse()
            let digests = snapshot.digests
            let combined = RoundSnapshot.combinedDigest(digests)
            let witnesses = AuditValue.array(recipe.witnesses.map { .object(["name": .string($0.name), "commitment": .string($0.commitment)]) })
            let row = try db.query(
                """
                INSERT INTO round_freezes (city, round_id, freeze_no, projects_csv, slots_csv, applicants_csv, policy_json,
                                           digests, input_digest, bureau_commitment, public_source, public_date, witnesses,
                                           frozen_by)
                SELECT $1, $2, COALESCE(max(freeze_no), 0) + 1, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11::date, $12::jsonb, $13
                FROM round_freezes WHERE city = $1 AND round_id = $2
                RETURNING freeze_no, to_char(frozen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                """,
                [city, roundID] + snapshot.files.map { String(decoding: $0.bytes, as: UTF8.self) }
                    + [AuditValue.object(digests.mapValues { .string($0) }).json, combined, recipe.bureauCommitment,
                       recipe.publicSource, recipe.publicDate, witnesses.json, actor]
            ).first
            let freeze = try row?.decode(Int.self, at: 0) ?? 1
            let previous = try currentNotice(roundID, kind: .preDraw)
            let facts = PreDrawFacts(
                city: city, roundID: roundID, mechanism: info.mechanism, freeze: freeze, frozenAt: row?[1] ?? "",
                snapshotDigest: combined, policyText: policyText, recipe: recipe, supersedes: previous?.sha256, input: input)
            let notice = try publish(
                NoticeWriter.preDraw(facts), roundID: roundID, superseding: previous, objectionDays: objectionDays)
            let places = input.slots.count
            try audit(
                "round.freeze", entity: "round", id: roundID,
                details: [
                    "freeze": .int(freeze), "input_digest": .string(combined), "applicants": .int(input.applicants.count),
                    "places": .int(places), "notice_sha256": .string(notice.sha256), "objection_days": .int(objectionDays),
                    "bureau_commitment": .string(recipe.bureauCommitment), "public_source": .string(recipe.publicSource),
                    "public_date": .string(recipe.publicDate), "witnesses": witnesses,
                    "supersedes": previous.map { .string($0.sha256) } ?? .null,
                ])
            return FreezeReport(
                roundID: roundID, freeze: freeze, applicants: input.applicants.count, places: places, notice: notice,
                superseded: previous.map { var p = $0; p.supersededBy = notice.noticeID; return p })
        }
    }

    /// `round draw`: the revealed parts are checked against the newest freeze's recipe (any
    /// mismatch refuses the draw, nothing changes), the seed is formed from them, and the
    /// frozen snapshot is solved and written exactly as `round run` writes a round; the
    /// revealed parts and the result notice are stored in the same transaction.
    public func drawRound(
        _ roundID: String, reveal: SeedReveal,
        phase: (@Sendable (String) -> Void)? = nil, progress: (@Sendable (Double) -> Void)? = nil
    ) throws -> RoundRunReport {
        try runRound(roundID, reveal: reveal, attempts: 1, phase: phase, progress: progress)
    }

    /// A frozen round's newest freeze.
    struct Freeze {
        var number: Int
        var snapshot: RoundSnapshot
        var recipe: SeedRecipe
        var inputDigest: String
    }

    func latestFreeze(_ roundID: String) throws -> Freeze? {
        guard let row = try connection.query(
            """
            SELECT freeze_no, projects_csv, slots_csv, applicants_csv, policy_json, input_digest, bureau_commitment,
                   public_source, to_char(public_date, 'YYYY-MM-DD'),
                   (SELECT string_agg((w->>'name') || '=' || (w->>'commitment'), ' ' ORDER BY n)
                    FROM jsonb_array_elements(witnesses) WITH ORDINALITY AS x (w, n))
            FROM round_freezes WHERE city = $1 AND round_id = $2 ORDER BY freeze_no DESC LIMIT 1
            """,
            [city, roundID]
        ).first else { return nil }
        let witnesses = (row[9] ?? "").split(separator: " ").map { pair -> SeedRecipe.Witness in
            let parts = pair.split(separator: "=", maxSplits: 1)
            return .init(name: String(parts[0]), commitment: parts.count > 1 ? String(parts[1]) : "")
        }
        return Freeze(
            number: try row.decode(Int.self, at: 0),
            snapshot: RoundSnapshot(
                projects: Array((row[1] ?? "").utf8), slots: Array((row[2] ?? "").utf8),
                applicants: Array((row[3] ?? "").utf8), policy: Array((row[4] ?? "").utf8)),
            recipe: SeedRecipe(bureauCommitment: row[6] ?? "", publicSource: row[7] ?? "", publicDate: row[8] ?? "", witnesses: witnesses),
            inputDigest: row[5] ?? "")
    }

    /// Checks the revealed parts and the day, and writes the formed seed to the round, in
    /// the run's transaction (a refusal rolls it back). Returns the seed.
    func prepareDraw(_ roundID: String, _ freeze: Freeze, _ reveal: SeedReveal) throws -> String {
        let mismatches = SeedCeremony.mismatches(freeze.recipe, reveal)
        guard mismatches.isEmpty else {
            throw StoreError(
                .seedPartMismatch, subject: .round(roundID),
                problems: [StoreProblem("the draw is refused; nothing was changed")]
                    + mismatches.map { StoreProblem($0.message, at: .field($0.field)) })
        }
        let today = try cityToday()
        guard today >= freeze.recipe.publicDate else {
            throw StoreError(
                .publicDateNotReached, subject: .round(roundID),
                "the public value of \(freeze.recipe.publicSource) appears on \(freeze.recipe.publicDate); today is \(today) in the city")
        }
        let seed = SeedCeremony.seed(freeze.recipe, reveal)
        try connection.query("UPDATE rounds SET seed = $3 WHERE city = $1 AND round_id = $2", [city, roundID, seed])
        return seed
    }

    /// Refuses the draw unless every frozen applicant is still waiting with the same data,
    /// and every frozen place still available and unchanged (`live` is read with the
    /// inventory locked). The check does not depend on the seed.
    func checkPoolUnchanged(_ roundID: String, frozen: RoundInput, live: RoundInput) throws {
        let applicants = Set(live.applicants)
        let slots = Set(live.slots)
        let projects = Set(live.projects)
        var problems: [StoreProblem] = []
        for a in frozen.applicants where !applicants.contains(a) {
            problems.append(StoreProblem("applicant \(a.id) is no longer waiting with the data frozen", at: .field("applicants")))
        }
        for s in frozen.slots where !slots.contains(s) {
            problems.append(StoreProblem("slot \(s.id) is no longer available as frozen", at: .field("slots")))
        }
        for p in frozen.projects where !projects.contains(p) {
            problems.append(StoreProblem("project \(p.id) changed since the freeze", at: .field("projects")))
        }
        guard problems.isEmpty else {
            throw StoreError(
                .poolChanged, subject: .round(roundID),
                problems: [StoreProblem("the pool changed since the freeze: freeze the round again (a new notice), then draw")]
                    + problems.prefix(20))
        }
    }

    /// After the draw's writes, in its transaction: the revealed parts and the result notice.
    func recordDraw(_ roundID: String, _ freeze: Freeze, _ reveal: SeedReveal, seed: String, input: RoundInput, result: RoundResult) throws {
        let info = try round(roundID)
        let row = try connection.query(
            """
            INSERT INTO round_draws (city, round_id, freeze_no, bureau_secret, public_value, witness_secrets, seed, drawn_by)
            VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)
            RETURNING to_char(drawn_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            """,
            [city, roundID, String(freeze.number), reveal.bureauSecret, reveal.publicValue,
             AuditValue.object(reveal.witnessSecrets.mapValues { .string($0) }).json, seed, actor]
        ).first
        guard let preDraw = try currentNotice(roundID, kind: .preDraw) else {
            throw StoreError(.roundNotFrozen, subject: .round(roundID), "round \(roundID) has no pre-draw notice")
        }
        let facts = ResultFacts(
            preDraw: PreDrawFacts(
                city: city, roundID: roundID, mechanism: info.mechanism, freeze: freeze.number, frozenAt: "",
                snapshotDigest: freeze.inputDigest, policyText: "", recipe: freeze.recipe, supersedes: nil, input: input),
            preDrawSHA256: preDraw.sha256, drawnAt: row?[0] ?? "", reveal: reveal, seed: seed, result: result)
        let notice = try publish(
            NoticeWriter.result(facts), roundID: roundID, superseding: nil, objectionDays: preDraw.objectionDays)
        try audit(
            "round.draw", entity: "round", id: roundID,
            details: [
                "freeze": .int(freeze.number), "seed": .string(seed), "public_value": .string(reveal.publicValue),
                "notice_sha256": .string(notice.sha256), "pre_draw_notice": .string(preDraw.sha256),
            ])
    }

    /// Locks a draft round's row; refuses a round that has run.
    private func lockDraft(_ roundID: String) throws -> RoundInfo {
        let rows = try connection.query(
            "SELECT status FROM rounds WHERE city = $1 AND round_id = $2 FOR UPDATE", [city, roundID])
        guard let status = rows.first?[0] else { throw StoreError(.roundNotFound, subject: .round(roundID), "round \(roundID) in city \(city)") }
        guard status == "draft" else {
            throw StoreError(.roundAlreadyRun, subject: .round(roundID), "round \(roundID) is \(status), not draft: a round is drawn once")
        }
        return try round(roundID)
    }

    /// Today in the city's time zone, YYYY-MM-DD (`cityDateOverride` in tests).
    func cityToday() throws -> String {
        if let cityDateOverride { return cityDateOverride }
        return try connection.query(
            "SELECT to_char((now() AT TIME ZONE time_zone)::date, 'YYYY-MM-DD') FROM cities WHERE city = $1", [city]
        ).first?[0] ?? ""
    }

    /// Stores a notice and its files; marks `superseding` superseded by it.
    func publish(
        _ notice: PublishedNotice, roundID: String, superseding previous: NoticeInfo?, objectionDays: Int
    ) throws -> NoticeInfo {
        let id = try connection.query(
            """
            INSERT INTO notices (city, round_id, kind, sha256, supersedes, published_by, objection_days)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING notice_id
            """,
            [city, roundID, notice.kind.rawValue, notice.sha256, previous.map { String($0.noticeID) }, actor, String(objectionDays)]
        ).first?[0] ?? ""
        for file in notice.files {
            try connection.query(
                "INSERT INTO notice_files (notice_id, name, content, sha256) VALUES ($1, $2, $3, $4)",
                [id, file.name, String(decoding: file.bytes, as: UTF8.self), InputFolder.sha256Hex(file.bytes)])
        }
        if let previous {
            try connection.query("UPDATE notices SET superseded_by = $2 WHERE notice_id = $1", [String(previous.noticeID), id])
        }
        guard let info = try notices(roundID).first(where: { String($0.noticeID) == id }) else {
            throw StoreError(.noticeNotFound, subject: .round(roundID), "notice \(id) vanished")
        }
        return info
    }

    /// The round's current (not superseded) notice of `kind`.
    func currentNotice(_ roundID: String, kind: NoticeKind) throws -> NoticeInfo? {
        try notices(roundID).first { $0.kind == kind && $0.supersededBy == nil }
    }

    /// Every notice of a round, oldest first.
    public func notices(_ roundID: String) throws -> [NoticeInfo] {
        try connection.query(
            """
            SELECT notice_id, round_id, kind, sha256,
                   to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), supersedes, superseded_by,
                   objection_days,
                   to_char(objection_window_closes(published_at, objection_days, c.time_zone) AT TIME ZONE 'UTC',
                           'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            FROM notices JOIN cities c USING (city) WHERE city = $1 AND round_id = $2 ORDER BY notice_id
            """,
            [city, roundID]
        ).map { row in
            NoticeInfo(
                noticeID: Int64(row[0] ?? "") ?? 0, roundID: row[1] ?? "",
                kind: NoticeKind(rawValue: row[2] ?? "") ?? .preDraw, sha256: row[3] ?? "", publishedAt: row[4] ?? "",
                supersedes: row[5].flatMap { Int64($0) }, supersededBy: row[6].flatMap { Int64($0) },
                objectionDays: Int(row[7] ?? "") ?? 7, objectionsCloseAt: row[8] ?? "")
        }
    }

    /// A notice's files as published, byte for byte.
    public func noticeFiles(_ noticeID: Int64) throws -> [NoticeFile] {
        let rows = try connection.query(
            "SELECT name, content FROM notice_files WHERE notice_id = $1 ORDER BY name COLLATE \"C\"", [String(noticeID)])
        guard !rows.isEmpty else { throw StoreError(.noticeNotFound, "notice \(noticeID)") }
        return rows.map { NoticeFile(name: $0[0] ?? "", bytes: Array(($0[1] ?? "").utf8)) }
    }
}

extension Store {
    /// Rounds of the city with at least one published notice, newest notice first.
    public func roundsWithNotices() throws -> [(roundID: String, lastPublished: String)] {
        try connection.query(
            """
            SELECT round_id, to_char(max(published_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            FROM notices WHERE city = $1 GROUP BY round_id ORDER BY max(notice_id) DESC
            """,
            [city]
        ).map { ($0[0] ?? "", $0[1] ?? "") }
    }

    /// One file of a notice of this city's round, byte for byte as published; nil when the
    /// round, the notice or the file is not there.
    public func noticeFile(round roundID: String, notice noticeID: Int64, name: String) throws -> [UInt8]? {
        try connection.query(
            """
            SELECT f.content FROM notice_files f JOIN notices n USING (notice_id)
            WHERE n.city = $1 AND n.round_id = $2 AND n.notice_id = $3 AND f.name = $4
            """,
            [city, roundID, String(noticeID), name]
        ).first.map { Array(($0[0] ?? "").utf8) }
    }
}
