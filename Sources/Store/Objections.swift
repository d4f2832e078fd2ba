import AllocationFiles
import Postgres

/// An applicant's objection to a published notice — to their place in the pool (a pre-draw
/// notice) or to their outcome (a result notice) — and the bureau's answer. An applicant has
/// at most one open objection per notice (a partial unique index holds it); an answer is
/// final (a trigger holds it).
public struct Objection: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Their place in the pool: the pre-draw notice's row (category, points, or absence).
        case pool
        /// Their result: the result notice's row.
        case outcome

        /// The notice kind an objection of this kind is made to.
        public var noticeKind: NoticeKind { self == .pool ? .preDraw : .result }
    }

    public enum Status: String, Sendable, CaseIterable {
        case open
        /// The objection is right; the bureau will correct (a pool objection: the pool will
        /// be frozen again, a notice superseding this one).
        case upheld
        case rejected
    }

    public var id: Int64
    public var applicantID: String
    public var roundID: String
    public var noticeID: Int64
    public var kind: Kind
    /// The applicant's words (trimmed).
    public var text: String
    public var status: Status
    /// UTC, RFC 3339.
    public var filedAt: String
    public var answeredAt: String?
    public var answeredBy: String?
    public var reply: String?
    /// The notice that superseded the objected one, if any (after an upheld pool
    /// objection: the re-frozen pool).
    public var noticeSupersededBy: Int64?
    /// When the notice's window closes (UTC, RFC 3339).
    public var windowClosesAt: String
}

extension StoreError.Code {
    public static let objectionNotFound = Self("objection_not_found", .notFound)
    /// The objection was answered already: an answer is final.
    public static let objectionAnswered = Self("objection_answered", .conflict)
    /// An objection's text, or the bureau's reply to one: empty, too long or with a control
    /// character (each problem at its field).
    public static let invalidObjection = Self("invalid_objection", .invalid)
    /// The applicant already has an open objection to this notice.
    public static let objectionOpen = Self("objection_open", .conflict)
    /// The notice's objection window has closed.
    public static let objectionWindowClosed = Self("objection_window_closed", .conflict)
    /// The notice was superseded: object to the notice that replaced it.
    public static let noticeSuperseded = Self("notice_superseded", .conflict)
    /// The applicant does not appear in the notice.
    public static let notInNotice = Self("not_in_notice", .invalid)
    /// A pool objection to a result notice, or an outcome objection to a pre-draw notice.
    public static let objectionKindMismatch = Self("objection_kind_mismatch", .invalid)
}

extension Store {
    /// Default days a notice stays open for objections.
    public static let defaultObjectionDays = 7
    public static let objectionDayRange = 0...90
    /// Longest objection or reply kept (characters).
    public static let maxObjectionLength = 2000

    /// The instant the window checks use: PostgreSQL's clock, or `nowOverride` in tests.
    private func now(_ parameter: Int) -> String { "COALESCE($\(parameter)::timestamptz, now())" }

    /// Applicant `id` objects to notice `noticeID` (or, when nil, to round `roundID`'s
    /// current notice of the kind's notice kind).
    ///
    /// - Throws: `invalid_objection` (422) for the text; `notice_not_found`; `objection_kind_mismatch`;
    ///   `notice_superseded`; `objection_window_closed`; `not_in_notice`; `objection_open`.
    public func fileObjection(applicant id: String, notice noticeID: Int64?, round roundID: String?, kind: Objection.Kind, text: String?) throws -> Objection {
        let text = try Self.checkedText(text, field: "text", limit: Self.maxObjectionLength, required: true, code: .invalidObjection)!
        return try retryingTransaction {
            guard try lockApplicant(id) != nil else {
                throw StoreError(.applicantNotFound, subject: .applicant(id), "no applicant \(id) in city \(city)")
            }
            let notice: NoticeInfo
            if let noticeID {
                guard let roundID = try connection.query(
                    "SELECT round_id FROM notices WHERE city = $1 AND notice_id = $2", [city, String(noticeID)]
                ).first?[0], let found = try notices(roundID).first(where: { $0.noticeID == noticeID }) else {
                    throw StoreError(.noticeNotFound, problems: [StoreProblem("no notice \(noticeID) in city \(city)", at: .field("notice_id"))])
                }
                notice = found
            } else if let roundID {
                guard let found = try currentNotice(roundID, kind: kind.noticeKind) else {
                    throw StoreError(
                        .noticeNotFound, subject: .round(roundID),
                        problems: [StoreProblem("round \(roundID) has no \(kind.noticeKind.rawValue) notice", at: .field("round"))])
                }
                notice = found
            } else {
                throw StoreError.invalidField("notice_id", "give notice_id or round")
            }
            guard notice.kind == kind.noticeKind else {
                throw StoreError(
                    .objectionKindMismatch,
                    problems: [StoreProblem(
                        "a \(kind.rawValue) objection is made to a \(kind.noticeKind.rawValue) notice; notice \(notice.noticeID) is a \(notice.kind.rawValue) notice",
                        at: .field("kind"))])
            }
            if let newer = notice.supersededBy {
                throw StoreError(
                    .noticeSuperseded, subject: .round(notice.roundID),
                    "notice \(notice.noticeID) was superseded by notice \(newer): object to that one")
            }
            let open = try connection.query(
                "SELECT \(now(1)) < $2::timestamptz", [nowOverride, notice.objectionsCloseAt]).first?[0] == "t"
            guard open else {
                throw StoreError(
                    .objectionWindowClosed, subject: .round(notice.roundID),
                    "notice \(notice.noticeID)'s objection window closed at \(notice.objectionsCloseAt)")
            }
            let file = notice.kind == .preDraw ? "pool.csv" : "results.csv"
            let appears = try connection.query(
                """
                SELECT 1 FROM notice_files WHERE notice_id = $1 AND name = $2
                AND position(E'\\n' || $3 || ',' in E'\\n' || content) > 0
                """, [String(notice.noticeID), file, id]).first != nil
            guard appears else {
                throw StoreError(.notInNotice, subject: .applicant(id), "applicant \(id) does not appear in notice \(notice.noticeID)")
            }
            if let other = try connection.query(
                "SELECT objection_id FROM objections WHERE city = $1 AND applicant_id = $2 AND notice_id = $3 AND status = 'open'",
                [city, id, String(notice.noticeID)]
            ).first?[0] {
                throw StoreError(
                    .objectionOpen, subject: .applicant(id),
                    "applicant \(id) already has objection \(other) open on notice \(notice.noticeID); wait for its answer")
            }
            let row = try connection.query(
                """
                INSERT INTO objections (city, applicant_id, notice_id, kind, body, filed_at)
                VALUES ($1, $2, $3, $4, $5, \(now(6)))
                RETURNING objection_id
                """, [city, id, String(notice.noticeID), kind.rawValue, text, nowOverride])
            let objectionID = Int64(try row[0].decode(Int.self, "objection_id"))
            try audit(
                "objection.file", entity: "objection", id: String(objectionID),
                details: [
                    "applicant_id": .string(id), "notice_id": .int(Int(notice.noticeID)), "round_id": .string(notice.roundID),
                    "kind": .string(kind.rawValue), "text": .string(text),
                ])
            return try objection(objectionID)
        }
    }

    /// The bureau answers open objection `id`: `upheld` or `rejected`, with a reply. Final.
    ///
    /// - Throws: `objection_not_found`; `objection_answered`; `invalid_objection` for the reply.
    public func answerObjection(_ id: Int64, decision: Objection.Status, reply: String?) throws -> Objection {
        guard decision != .open else {
            throw StoreError.invalidField("decision", "upheld or rejected")
        }
        let reply = try Self.checkedText(reply, field: "reply", limit: Self.maxObjectionLength, required: true, code: .invalidObjection)!
        return try retryingTransaction {
            let rows = try connection.query(
                """
                UPDATE objections SET status = $3, answered_at = now(), answered_by = $4, reply = $5
                WHERE city = $1 AND objection_id = $2 AND status = 'open' RETURNING applicant_id, kind
                """, [city, String(id), decision.rawValue, actor, reply])
            guard let row = rows.first else {
                let existing = try objection(id)
                throw StoreError(
                    .objectionAnswered, subject: .applicant(existing.applicantID),
                    "objection \(id) was answered already (\(existing.status.rawValue)): an answer is final")
            }
            try audit(
                "objection.answer", entity: "objection", id: String(id),
                details: [
                    "applicant_id": .string(row[0] ?? ""), "kind": .string(row[1] ?? ""), "decision": .string(decision.rawValue),
                    "reply": .string(reply),
                ])
            return try objection(id)
        }
    }

    static let objectionColumns = """
        o.objection_id, o.applicant_id, n.round_id, o.notice_id, o.kind, o.body, o.status, \(utc("o.filed_at")) AS filed_at,
        \(utc("o.answered_at")) AS answered_at, o.answered_by, o.reply, n.superseded_by,
        \(utc("objection_window_closes(n.published_at, n.objection_days, c.time_zone)")) AS closes_at
        FROM objections o JOIN notices n USING (notice_id) JOIN cities c ON c.city = o.city
        """

    /// Objection `id` of this city.
    public func objection(_ id: Int64) throws -> Objection {
        guard let row = try connection.query(
            "SELECT \(Self.objectionColumns) WHERE o.city = $1 AND o.objection_id = $2", [city, String(id)]
        ).first else {
            throw StoreError(.objectionNotFound, "no objection \(id) in city \(city)")
        }
        return try Objection(row: row)
    }

    /// Objections of this city in `status` (nil: all), oldest first.
    public func objections(status: Objection.Status? = .open, limit: Int = 1000) throws -> [Objection] {
        try connection.query(
            """
            SELECT \(Self.objectionColumns) WHERE o.city = $1 AND ($2::text IS NULL OR o.status = $2)
            ORDER BY o.filed_at, o.objection_id LIMIT $3
            """, [city, status?.rawValue, String(limit)]
        ).map(Objection.init(row:))
    }

    /// Applicant `id`'s objections, newest first.
    public func objections(ofApplicant id: String) throws -> [Objection] {
        try connection.query(
            "SELECT \(Self.objectionColumns) WHERE o.city = $1 AND o.applicant_id = $2 ORDER BY o.objection_id DESC", [city, id]
        ).map(Objection.init(row:))
    }
}

extension Objection {
    init(row: PostgresRow) throws {
        guard let kind = Kind(rawValue: try row.decode(String.self, "kind")),
            let status = Status(rawValue: try row.decode(String.self, "status"))
        else { throw PostgresError(message: "objection kind or status is unknown", operation: "decode") }
        self.init(
            id: Int64(try row.decode(Int.self, "objection_id")), applicantID: try row.decode(String.self, "applicant_id"),
            roundID: try row.decode(String.self, "round_id"), noticeID: Int64(try row.decode(Int.self, "notice_id")),
            kind: kind, text: try row.decode(String.self, "body"), status: status,
            filedAt: try row.decode(String.self, "filed_at"), answeredAt: try row.decode(String?.self, "answered_at"),
            answeredBy: try row.decode(String?.self, "answered_by"), reply: try row.decode(String?.self, "reply"),
            noticeSupersededBy: try row.decode(Int?.self, "superseded_by").map(Int64.init),
            windowClosesAt: try row.decode(String.self, "closes_at"))
    }
}

/// A current notice an applicant appears in whose window is open and to which they have no
/// open objection: one they may object to now.
public struct ObjectableNotice: Sendable, Equatable {
    public var noticeID: Int64
    public var roundID: String
    public var kind: NoticeKind
    /// UTC, RFC 3339.
    public var closesAt: String
}

extension Store {
    /// The notices applicant `id` may object to now, oldest first. Scans the notices' files
    /// for the id: for the status page, not the hot JSON status.
    public func objectableNotices(applicant id: String) throws -> [ObjectableNotice] {
        try connection.query(
            """
            SELECT n.notice_id, n.round_id, n.kind,
                   \(Self.utc("objection_window_closes(n.published_at, n.objection_days, c.time_zone)"))
            FROM notices n JOIN cities c ON c.city = n.city
            JOIN notice_files f ON f.notice_id = n.notice_id
                AND f.name = CASE n.kind WHEN 'pre_draw' THEN 'pool.csv' ELSE 'results.csv' END
            WHERE n.city = $1 AND n.superseded_by IS NULL
              AND COALESCE($3::timestamptz, now()) < objection_window_closes(n.published_at, n.objection_days, c.time_zone)
              AND position(E'\\n' || $2 || ',' in E'\\n' || f.content) > 0
              AND NOT EXISTS (SELECT 1 FROM objections o WHERE o.city = n.city AND o.applicant_id = $2
                              AND o.notice_id = n.notice_id AND o.status = 'open')
            ORDER BY n.notice_id
            """, [city, id, nowOverride]
        ).map {
            ObjectableNotice(
                noticeID: Int64($0[0] ?? "") ?? 0, roundID: $0[1] ?? "", kind: NoticeKind(rawValue: $0[2] ?? "") ?? .preDraw,
                closesAt: $0[3] ?? "")
        }
    }
}
