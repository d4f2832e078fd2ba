import Allocation
import AllocationFiles
import Postgres

/// A change the bureau makes to one applicant's published outcome after the draw.
public struct CorrectionRequest: Sendable, Equatable {
    public var applicantID: String
    /// The outcome after the change.
    public var after: NoticeOutcome
    /// The upheld outcome objection this answers, if any.
    public var objectionID: Int64?
    public var reason: CorrectionReason

    public init(applicantID: String, after: NoticeOutcome, objectionID: Int64? = nil, reason: CorrectionReason) {
        self.applicantID = applicantID
        self.after = after
        self.objectionID = objectionID
        self.reason = reason
    }
}

/// What `notice correct` published.
public struct CorrectionReport: Sendable {
    /// The corrected result notice.
    public var notice: NoticeInfo
    /// The result notice it superseded (still readable).
    public var superseded: NoticeInfo
    /// Every correction the new notice lists, the earlier notices' first.
    public var corrections: [NoticeCorrection]
}

extension StoreError.Code {
    /// A correction that cannot be made: the applicant is not in the result, the outcome is
    /// no change, the project does not exist, the objection is not this applicant's upheld
    /// outcome objection to this round (each problem at its field).
    public static let invalidCorrection = Self("invalid_correction", .invalid)
}

extension Store {
    /// `notice correct`: publishes a corrected result notice for a drawn round. It supersedes
    /// the round's current result notice (which stays readable, marked superseded) and keeps
    /// the draw's notice.json members, results.csv and offers.csv byte for byte — the seed,
    /// lottery numbers and priority order are the draw's and verify as before — adding
    /// `supersedes`, `corrected_at`, `corrections` and corrections.csv: every correction since
    /// the draw, each with the outcome before and after, the objection it answers and a reason
    /// code. Under the lock `round run` and `round freeze` take; audited (`notice.correct`).
    ///
    /// It publishes what the bureau decided; it does not itself make or withdraw offers.
    ///
    /// - Throws: `round_not_found`; `round_not_run` when the round has no result notice;
    ///   `invalid_correction` (nothing published) for any request that cannot be made.
    public func correctResult(_ roundID: String, corrections requests: [CorrectionRequest]) throws -> CorrectionReport {
        guard !requests.isEmpty else {
            throw StoreError(.invalidCorrection, subject: .round(roundID), problems: [StoreProblem("at least one correction", at: .field("corrections"))])
        }
        return try connection.transaction { db in
            try db.query("SELECT pg_advisory_xact_lock(hashtextextended('anju.round-run:' || $1, 0))", [city])
            guard try !db.query("SELECT 1 FROM rounds WHERE city = $1 AND round_id = $2 FOR UPDATE", [city, roundID]).isEmpty else {
                throw StoreError(.roundNotFound, subject: .round(roundID), "round \(roundID) in city \(city)")
            }
            let list = try notices(roundID)
            guard let current = list.first(where: { $0.kind == .result && $0.supersededBy == nil }),
                  let drawNotice = list.first(where: { $0.kind == .result && $0.supersedes == nil })
            else {
                throw StoreError(.roundNotRun, subject: .round(roundID), "round \(roundID) has no result notice: draw it first (anju round draw)")
            }
            func files(_ n: NoticeInfo) throws -> [String: [UInt8]] {
                Dictionary(uniqueKeysWithValues: try noticeFiles(n.noticeID).map { ($0.name, $0.bytes) })
            }
            let draw = try files(drawNotice)
            let earlier = current.noticeID == drawNotice.noticeID
                ? [] : (try files(current)["corrections.csv"]).flatMap(NoticeWriter.corrections) ?? []
            var now: [String: NoticeOutcome] = [:]
            for f in NoticeTable.read(draw["results.csv"] ?? [])?.rows ?? [] where f.count == 6 {
                if let o = ApplicantResult.Outcome(rawValue: f[4]) { now[f[0]] = NoticeOutcome(o, project: f[5]) }
            }
            for c in earlier { now[c.applicantID] = c.after }

            var problems: [StoreProblem] = []
            var added: [NoticeCorrection] = []
            for (i, r) in requests.enumerated() {
                let prefix = requests.count == 1 ? "" : "corrections[\(i)]."
                guard let before = now[r.applicantID] else {
                    problems.append(StoreProblem("\(r.applicantID) is not in round \(roundID)'s result notice", at: .field(prefix + "applicant_id")))
                    continue
                }
                var ok = true
                if r.after == before {
                    problems.append(StoreProblem("\(r.applicantID) is \(before) already: no change", at: .field(prefix + "outcome")))
                    ok = false
                }
                if r.after.outcome == .offered {
                    if r.after.projectID.isEmpty {
                        problems.append(StoreProblem("an offer names its project", at: .field(prefix + "project_id")))
                        ok = false
                    } else if try db.query("SELECT 1 FROM projects WHERE city = $1 AND project_id = $2", [city, r.after.projectID]).isEmpty {
                        problems.append(StoreProblem("no project \(r.after.projectID) in city \(city)", at: .field(prefix + "project_id")))
                        ok = false
                    }
                }
                if let id = r.objectionID {
                    let row = try db.query(
                        """
                        SELECT o.applicant_id, o.kind, o.status, n.round_id FROM objections o JOIN notices n USING (notice_id)
                        WHERE o.city = $1 AND o.objection_id = $2
                        """, [city, String(id)]).first
                    let at = StoreProblem.Location.field(prefix + "objection_id")
                    if let row {
                        if row[0] != r.applicantID {
                            problems.append(StoreProblem("objection \(id) is \(row[0] ?? "")'s, not \(r.applicantID)'s", at: at))
                        } else if row[1] != Objection.Kind.outcome.rawValue || row[3] != roundID {
                            problems.append(StoreProblem("objection \(id) is not an objection to round \(roundID)'s outcome", at: at))
                        } else if row[2] != Objection.Status.upheld.rawValue {
                            problems.append(StoreProblem("objection \(id) is \(row[2] ?? ""), not upheld: answer it first (anju objections answer)", at: at))
                        }
                    } else {
                        problems.append(StoreProblem("no objection \(id) in city \(city)", at: at))
                    }
                }
                if ok {
                    added.append(NoticeCorrection(applicantID: r.applicantID, before: before, after: r.after, objectionID: r.objectionID, reason: r.reason))
                    now[r.applicantID] = r.after
                }
            }
            guard problems.isEmpty else { throw StoreError(.invalidCorrection, subject: .round(roundID), problems: problems) }
            let correctedAt = try db.query("SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')").first?[0] ?? ""
            let all = earlier + added
            let notice = try publish(
                NoticeWriter.corrected(draw: draw, supersedes: current.sha256, correctedAt: correctedAt, corrections: all),
                roundID: roundID, superseding: current, objectionDays: current.objectionDays)
            try audit(
                "notice.correct", entity: "round", id: roundID,
                details: [
                    "notice_sha256": .string(notice.sha256), "supersedes": .string(current.sha256),
                    "corrections": .array(added.map { c in
                        .object([
                            "applicant_id": .string(c.applicantID), "before": .string(c.before.description),
                            "after": .string(c.after.description), "objection_id": c.objectionID.map { .int(Int($0)) } ?? .null,
                            "reason": .string(c.reason.rawValue),
                        ])
                    }),
                ])
            var superseded = current
            superseded.supersededBy = notice.noticeID
            return CorrectionReport(notice: notice, superseded: superseded, corrections: all)
        }
    }
}
