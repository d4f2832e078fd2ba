import Allocation

/// Why the bureau changed an applicant's outcome after the draw. The codes are published in
/// `corrections.csv`; the pages render them in zh-CN and en.
public enum CorrectionReason: String, Sendable, CaseIterable {
    /// The applicant's data was wrong (an upheld objection, say) and the bureau re-assessed them.
    case dataCorrected = "data_corrected"
    /// The bureau offered a place by hand.
    case offerByHand = "offer_by_hand"
    /// An offer withdrawn or refused in error was reinstated.
    case reinstated
    /// A clerical error in the published outcome.
    case clericalError = "clerical_error"

    /// The reason in zh-CN.
    public var chinese: String {
        switch self {
        case .dataCorrected: "申请人信息有误，经更正后重新审核"
        case .offerByHand: "主管部门人工配租"
        case .reinstated: "误撤销的配租予以恢复"
        case .clericalError: "公示结果存在笔误，予以更正"
        }
    }

    /// The reason in English.
    public var english: String {
        switch self {
        case .dataCorrected: "the applicant's data was wrong and has been corrected and re-assessed"
        case .offerByHand: "a place offered by hand by the bureau"
        case .reinstated: "an offer withdrawn in error, reinstated"
        case .clericalError: "a clerical error in the published outcome, corrected"
        }
    }
}

/// One applicant's outcome as a notice shows it: offered (at a project), unmatched or ineligible.
public struct NoticeOutcome: Sendable, Equatable, CustomStringConvertible {
    public var outcome: ApplicantResult.Outcome
    /// The project offered; empty unless offered.
    public var projectID: String

    public init(_ outcome: ApplicantResult.Outcome, project: String = "") {
        self.outcome = outcome
        self.projectID = outcome == .offered ? project : ""
    }

    public var description: String { outcome == .offered ? "offered at \(projectID)" : outcome.rawValue }
}

/// A change made after the draw to one applicant's published outcome.
public struct NoticeCorrection: Sendable, Equatable {
    public var applicantID: String
    public var before: NoticeOutcome
    public var after: NoticeOutcome
    /// The upheld objection the change answers, if any.
    public var objectionID: Int64?
    public var reason: CorrectionReason

    public init(applicantID: String, before: NoticeOutcome, after: NoticeOutcome, objectionID: Int64?, reason: CorrectionReason) {
        self.applicantID = applicantID
        self.before = before
        self.after = after
        self.objectionID = objectionID
        self.reason = reason
    }
}

extension NoticeFormat {
    public static let correctionsHeader = "seq,applicant_id,outcome_before,project_before,outcome_after,project_after,objection_id,reason"
}

extension NoticeWriter {
    /// A corrected result notice: the draw's own notice.json with three members added at its
    /// end (`supersedes`, the SHA-256 of the result notice it replaces; `corrected_at`;
    /// `corrections`, how many rows corrections.csv has), the draw's results.csv and
    /// offers.csv unchanged byte for byte — the draw stays as it was and verifies as before —
    /// and `corrections.csv`: every correction since the draw, oldest first, numbered from 1.
    ///
    /// `draw` is the files of the round's first result notice (the draw's); `corrections` all
    /// of them, the earlier notices' included.
    public static func corrected(
        draw: [String: [UInt8]], supersedes: String, correctedAt: String, corrections: [NoticeCorrection]
    ) -> PublishedNotice {
        var csv = NoticeCSV(header: NoticeFormat.correctionsHeader)
        for (i, c) in corrections.enumerated() {
            csv.row([String(i + 1), c.applicantID, c.before.outcome.rawValue, c.before.projectID, c.after.outcome.rawValue,
                     c.after.projectID, c.objectionID.map(String.init) ?? "", c.reason.rawValue])
        }
        // NoticeJSON ends every document with "\n}\n": the members go before the brace.
        var json = String(decoding: draw["notice.json"] ?? [], as: UTF8.self)
        if json.hasSuffix("\n}\n") { json.removeLast(3) } else { json = "{" }
        json += ",\n  \"supersedes\": \(SummaryJSON.jsonString(supersedes)),\n  \"corrected_at\": \(SummaryJSON.jsonString(correctedAt)),\n"
        json += "  \"corrections\": \(corrections.count)\n}\n"
        return PublishedNotice(
            kind: .result,
            content: [NoticeFile(name: "notice.json", bytes: Array(json.utf8)),
                      NoticeFile(name: "results.csv", bytes: draw["results.csv"] ?? []),
                      NoticeFile(name: "offers.csv", bytes: draw["offers.csv"] ?? []),
                      NoticeFile(name: "corrections.csv", bytes: csv.bytes)])
    }

    /// The corrections a corrected result notice lists (its corrections.csv), nil when the
    /// file does not read as one.
    public static func corrections(_ bytes: [UInt8]) -> [NoticeCorrection]? {
        guard let table = NoticeTable.read(bytes), table.header.joined(separator: ",") == NoticeFormat.correctionsHeader else { return nil }
        var list: [NoticeCorrection] = []
        for f in table.rows {
            guard f.count == 8, let before = ApplicantResult.Outcome(rawValue: f[2]), let after = ApplicantResult.Outcome(rawValue: f[4]),
                  let reason = CorrectionReason(rawValue: f[7]) else { return nil }
            list.append(NoticeCorrection(
                applicantID: f[1], before: NoticeOutcome(before, project: f[3]), after: NoticeOutcome(after, project: f[5]),
                objectionID: Int64(f[6]), reason: reason))
        }
        return list
    }
}
