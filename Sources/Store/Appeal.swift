import Foundation
import Postgres

/// A suspended applicant's appeal against their suspension, and the bureau's answer. An
/// applicant has at most one open appeal (a partial unique index holds it); an answered
/// appeal is final, and a later suspension is appealed anew.
public struct Appeal: Sendable, Equatable {
    /// Where an appeal stands.
    public enum Status: String, Sendable, CaseIterable {
        /// Filed, not yet answered.
        case open
        /// The bureau lifted the suspension (or excused refusals until it lifted itself).
        case reinstated
        /// The bureau kept the suspension, with a reason code.
        case upheld
    }

    /// Why the bureau upheld a suspension; the applicant reads it in their language.
    public enum UpholdReason: String, Sendable, CaseIterable {
        /// The refusals were made and no reason given makes them reasonable.
        case refusalsStand = "refusals_stand"
        /// The reason given does not justify refusing the offers.
        case noGoodCause = "no_good_cause"
        /// The reason may justify it, but the evidence for it is missing.
        case missingEvidence = "missing_evidence"
        /// Explained in the bureau's note.
        case other
    }

    public var id: Int64
    public var applicantID: String
    public var status: Status
    /// The applicant's reason, as they wrote it (trimmed).
    public var reason: String
    /// Refusals that counted when the appeal was filed.
    public var refusalsAtFiling: Int
    /// UTC, RFC 3339.
    public var filedAt: String
    public var answeredAt: String?
    public var answeredBy: String?
    /// For an upheld appeal.
    public var upholdReason: UpholdReason?
    /// The bureau's note, in its own words.
    public var note: String?
    /// Refusals still counting right after the reinstatement.
    public var refusalsAfter: Int?
    /// The applicant's status now (for the bureau's list).
    public var applicantStatus: String
}

extension StoreError.Code {
    /// An appeal's or an excuse's text breaks a rule (too long, empty, control characters).
    public static let invalidAppeal = Self("invalid_appeal", .invalid)
    public static let appealNotFound = Self("appeal_not_found", .notFound)
    /// The appeal was answered already: an answer is final.
    public static let appealAnswered = Self("appeal_answered", .conflict)
    /// The applicant already has an open appeal.
    public static let appealOpen = Self("appeal_open", .conflict)
    /// Appeal (or answer an appeal) for an applicant who is not suspended.
    public static let applicantNotSuspended = Self("applicant_not_suspended", .conflict)
    /// Excuse an offer that was not refused (not declined or expired).
    public static let offerNotRefused = Self("offer_not_refused", .conflict)
    /// Excuse a refusal that is excused already.
    public static let refusalExcused = Self("refusal_excused", .conflict)
}

extension Store {
    /// Longest appeal reason kept (characters).
    public static let maxAppealLength = 2000
    /// Longest note of the bureau's answer, or reason of an excuse (characters).
    public static let maxNoteLength = 500

    /// Text an applicant or the bureau wrote: at most `limit` Unicode scalars as sent (as JSON
    /// Schema counts them), CRLF made LF, trimmed, no control character but tab and line breaks (so no
    /// NUL ever reaches PostgreSQL); nil or empty is nil, or refused when `required`.
    static func checkedText(
        _ text: String?, field: String, limit: Int, required: Bool, code: StoreError.Code = .invalidAppeal
    ) throws -> String? {
        let normalized = (text ?? "").replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [StoreProblem] = []
        if normalized.isEmpty {
            if required { problems.append(StoreProblem("is required: say why, in your own words", at: .field(field))) }
        }
        // Counted as sent, as JSON Schema's maxLength counts, so the API document holds.
        if let text, text.unicodeScalars.count > limit {
            problems.append(StoreProblem("\(text.unicodeScalars.count) characters; at most \(limit) are kept", at: .field(field)))
        }
        if let bad = normalized.unicodeScalars.first(where: { !"\t\n\r".unicodeScalars.contains($0) && ($0.value < 0x20 || $0.value == 0x7F) }) {
            problems.append(StoreProblem(
                "holds the control character U+\(String(format: "%04X", bad.value)); only text, tabs and line breaks are kept", at: .field(field)))
        }
        guard problems.isEmpty else { throw StoreError(code, problems: problems) }
        return normalized.isEmpty ? nil : normalized
    }

    static let appealColumns = """
        p.appeal_id, p.applicant_id, p.status, p.reason, p.refusals_at_filing, \(utc("p.filed_at")) AS filed_at,
        \(utc("p.answered_at")) AS answered_at, p.answered_by, p.uphold_reason, p.answer_note, p.refusals_after,
        a.status AS applicant_status
        """

    /// Appeal `id` of this city.
    public func appeal(_ id: Int64) throws -> Appeal {
        guard
            let row = try connection.query(
                """
                SELECT \(Self.appealColumns) FROM appeals p JOIN applicants a ON a.city = p.city AND a.applicant_id = p.applicant_id
                WHERE p.city = $1 AND p.appeal_id = $2
                """, [city, String(id)]
            ).first
        else { throw Self.noAppeal(id, city: city) }
        return try Appeal(row: row)
    }

    /// Appeals of this city in `status` (nil: all), oldest first.
    public func appeals(status: Appeal.Status? = .open, limit: Int = 1000) throws -> [Appeal] {
        try connection.query(
            """
            SELECT \(Self.appealColumns) FROM appeals p JOIN applicants a ON a.city = p.city AND a.applicant_id = p.applicant_id
            WHERE p.city = $1 AND ($2::text IS NULL OR p.status = $2) ORDER BY p.filed_at, p.appeal_id LIMIT $3
            """, [city, status?.rawValue, String(limit)]
        ).map(Appeal.init(row:))
    }

    /// Applicant `id`'s appeals, newest first.
    public func appeals(ofApplicant id: String) throws -> [Appeal] {
        try connection.query(
            """
            SELECT \(Self.appealColumns) FROM appeals p JOIN applicants a ON a.city = p.city AND a.applicant_id = p.applicant_id
            WHERE p.city = $1 AND p.applicant_id = $2 ORDER BY p.filed_at DESC, p.appeal_id DESC
            """, [city, id]
        ).map(Appeal.init(row:))
    }

    static func noAppeal(_ id: Int64, city: String) -> StoreError {
        StoreError(.appealNotFound, subject: .appeal(id), "no appeal \(id) in city \(city)")
    }
}

extension Appeal {
    init(row: PostgresRow) throws {
        let statusText = try row.decode(String.self, "status")
        guard let status = Status(rawValue: statusText) else {
            throw PostgresError(message: "appeal status \"\(statusText)\" is unknown", operation: "decode")
        }
        self.init(
            id: Int64(try row.decode(Int.self, "appeal_id")), applicantID: try row.decode(String.self, "applicant_id"),
            status: status, reason: try row.decode(String.self, "reason"),
            refusalsAtFiling: try row.decode(Int.self, "refusals_at_filing"), filedAt: try row.decode(String.self, "filed_at"),
            answeredAt: try row.decode(String?.self, "answered_at"), answeredBy: try row.decode(String?.self, "answered_by"),
            upholdReason: try row.decode(String?.self, "uphold_reason").flatMap(UpholdReason.init(rawValue:)),
            note: try row.decode(String?.self, "answer_note"), refusalsAfter: try row.decode(Int?.self, "refusals_after"),
            applicantStatus: try row.decode(String.self, "applicant_status"))
    }
}
