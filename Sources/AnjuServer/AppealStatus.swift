import Store

/// An applicant's appeals and refusals, as their status shows them: read beside the status
/// (one more statement pair), and only for an applicant who has refused an offer or is
/// suspended, so the hot status lookup of everyone else stays one statement.
struct AppealRecord: Sendable {
    var appeals: [Appeal]
    var refusals: [RefusalRecord]
    /// Objections to public notices (one indexed statement, read only for an applicant whose
    /// status lookup found one).
    var objections: [Objection] = []
    /// False when only objections were read (the applicant can have no appeal or refusal).
    var appealsRead = true
    /// Notices the applicant may object to now (read for the status page only).
    var openNotices: [ObjectableNotice] = []

    /// The record for `status`, or nil when the applicant has neither appeals, refusals
    /// nor objections.
    static func read(for status: ApplicantStatus, in session: DatabaseSession, openNotices: Bool = false) throws -> AppealRecord? {
        let reader = session.reader
        // The status lookup already said whether there is any: almost always none.
        let objections = status.mayHaveObjections ? try reader.objections(ofApplicant: status.applicantID) : []
        let notices = openNotices ? try reader.objectableNotices(applicant: status.applicantID) : []
        let refused = status.history.contains { $0.offerStatus == "declined" || $0.offerStatus == "expired" }
        guard refused || status.refusals > 0 || status.standing == .suspended else {
            return objections.isEmpty && notices.isEmpty
                ? nil : AppealRecord(appeals: [], refusals: [], objections: objections, appealsRead: false, openNotices: notices)
        }
        return AppealRecord(
            appeals: try reader.appeals(ofApplicant: status.applicantID), refusals: try reader.refusalRecords(status.applicantID),
            objections: objections, openNotices: notices)
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

    /// An objection to a public notice as its applicant reads it.
    struct ObjectionView: Codable, Equatable {
        var objectionId: Int64
        var roundId: String
        var noticeId: Int64
        var kind: String
        var kindLabel: String
        var text: String
        var status: String
        var statusLabel: String
        var filedAt: String
        var windowClosesAt: String
        var answeredAt: String?
        var reply: String?
        /// The notice that replaced the objected one (a new freeze), if any.
        var noticeSupersededBy: Int64?
        /// What follows from an upheld pool objection, in the language asked for.
        var nextStep: String?
    }

    /// Adds the applicant's appeals and refusals; `refusals` becomes the count that holds
    /// now (lapsed ones no longer counted).
    mutating func add(_ record: AppealRecord?, language: Language) {
        guard let record else { return }
        if !record.objections.isEmpty {
            let words = ObjectionText(language)
            let zone = timeZone
            func local(_ utc: String) -> String { CityTime(utc: utc, zone: zone)?.rfc3339 ?? utc }
            objections = record.objections.map {
                ObjectionView(
                    objectionId: $0.id, roundId: $0.roundID, noticeId: $0.noticeID, kind: $0.kind.rawValue, kindLabel: words.kind($0.kind),
                    text: $0.text, status: $0.status.rawValue, statusLabel: words.status($0.status), filedAt: local($0.filedAt),
                    windowClosesAt: local($0.windowClosesAt), answeredAt: $0.answeredAt.map(local), reply: $0.reply,
                    noticeSupersededBy: $0.noticeSupersededBy, nextStep: words.nextStep($0))
            }
        }
        guard record.appealsRead else { return }
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
