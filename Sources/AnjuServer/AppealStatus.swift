import Store

/// An applicant's appeals and refusals, as their status shows them: read beside the status
/// (one more statement pair), and only for an applicant who has refused an offer or is
/// suspended, so the hot status lookup of everyone else stays one statement.
struct AppealRecord: Sendable {
    var appeals: [Appeal]
    var refusals: [RefusalRecord]

    /// The record for `status`, or nil when the applicant can have none.
    static func read(for status: ApplicantStatus, in session: DatabaseSession) throws -> AppealRecord? {
        let refused = status.history.contains { $0.offerStatus == "declined" || $0.offerStatus == "expired" }
        guard refused || status.refusals > 0 || status.standing == .suspended else { return nil }
        let reader = session.reader
        return AppealRecord(
            appeals: try reader.appeals(ofApplicant: status.applicantID), refusals: try reader.refusalRecords(status.applicantID))
    }
}

extension ApplicantStatusBody {
    /// An appeal as its applicant reads it (who answered stays the bureau's business).
    struct AppealView: Codable, Equatable {
        var appealId: Int64
        var status: String
        var statusLabel: String
        var reason: String
        var filedAt: String
        var answeredAt: String?
        /// For an upheld appeal: the bureau's reason code, and in the language asked for.
        var decisionReason: String?
        var decisionReasonLabel: String?
        var note: String?
        var refusalsAfter: Int?
    }

    /// One refusal, whether it counts now, and why not.
    struct RefusalView: Codable, Equatable {
        var offerId: Int64
        var roundId: String
        var kind: String
        var kindLabel: String
        var refusedAt: String
        var lapsesAt: String?
        /// counts, excused, forgiven or lapsed.
        var standing: String
        var standingLabel: String
        var excuseNote: String?
    }

    /// Adds the applicant's appeals and refusals; `refusals` becomes the count that holds
    /// now (lapsed ones no longer counted).
    mutating func add(_ record: AppealRecord?, language: Language) {
        guard let record else { return }
        let text = AppealText(language)
        let zone = timeZone
        func local(_ utc: String) -> String { CityTime(utc: utc, zone: zone)?.rfc3339 ?? utc }
        appeals = record.appeals.map {
            AppealView(
                appealId: $0.id, status: $0.status.rawValue, statusLabel: text.appealStatus($0.status), reason: $0.reason,
                filedAt: local($0.filedAt), answeredAt: $0.answeredAt.map(local), decisionReason: $0.upholdReason?.rawValue,
                decisionReasonLabel: $0.upholdReason.map(text.upholdReason), note: $0.note, refusalsAfter: $0.refusalsAfter)
        }
        refusalHistory = record.refusals.map {
            RefusalView(
                offerId: $0.offerID, roundId: $0.roundID, kind: $0.kind, kindLabel: text.refusalKind($0.kind),
                refusedAt: local($0.refusedAt), lapsesAt: $0.lapsesAt.map(local), standing: $0.standing.rawValue,
                standingLabel: text.refusalStanding($0.standing), excuseNote: $0.excuseReason)
        }
        refusals = record.refusals.filter { $0.standing == .counts }.count
    }
}
