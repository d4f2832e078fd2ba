import Store

/// The words of appeals and refusals in both languages, for the JSON status and the status
/// page alike (as `ApplicationText.rejection` is for review decisions).
struct AppealText: Sendable {
    let language: Language

    init(_ language: Language) { self.language = language }

    private func pick(_ en: String, _ zh: String) -> String { language.pick(en, zh) }

    /// Why the bureau upheld a suspension, as the applicant reads it.
    func upholdReason(_ reason: Appeal.UpholdReason) -> String {
        switch reason {
        case .refusalsStand: pick("Your refusals stand: they were made as recorded.", "您的拒绝记录属实，维持原决定。")
        case .noGoodCause: pick("The reason you gave does not justify refusing the offers.", "您所述理由不足以说明拒绝房源的正当性。")
        case .missingEvidence:
            pick("Your reason may count, but the evidence for it is missing.", "您的理由可能成立，但缺少相应证明材料。")
        case .other: pick("The housing bureau kept your suspension.", "住房保障部门维持暂停资格的决定。")
        }
    }

    /// An appeal's status.
    func appealStatus(_ status: Appeal.Status) -> String {
        switch status {
        case .open: pick("Appeal received: the housing bureau will answer it", "申诉已收到：住房保障部门将作出答复")
        case .reinstated: pick("Appeal granted: you are back in the pool", "申诉成立：您已恢复保障资格")
        case .upheld: pick("Appeal not granted: the suspension stays", "申诉未获支持：维持暂停资格")
        }
    }

    /// Whether a refusal counts, and why not.
    func refusalStanding(_ standing: RefusalRecord.Standing) -> String {
        switch standing {
        case .counts: pick("Counts", "计入")
        case .excused: pick("Excused by the housing bureau: does not count", "经住房保障部门认定为合理拒绝，不计入")
        case .forgiven: pick("Cleared when you were reinstated: does not count", "恢复资格时已清除，不计入")
        case .lapsed: pick("Too old: no longer counts", "已超过计算期限，不再计入")
        }
    }

    /// A refusal's kind.
    func refusalKind(_ kind: String) -> String {
        kind == "expired" ? pick("Not answered in time", "逾期未答复") : pick("Declined", "拒绝")
    }

    var appealsHeading: String { pick("Your appeal", "申诉") }
    var refusalsHeading: String { pick("Your refusals", "拒绝记录") }
    var appealIntro: String {
        pick(
            "You may appeal your suspension once at a time. Say why your refusals should not count, in your own words.",
            "您可以对暂停资格提出申诉（同一时间只能有一份待处理的申诉）。请说明您的拒绝为何不应计入。")
    }
    var appealReasonLabel: String { pick("Your reason", "申诉理由") }
    var appealButton: String { pick("Send the appeal", "提交申诉") }
    var filedLabel: String { pick("Filed", "提交时间") }
    var answeredLabel: String { pick("Answered", "答复时间") }
    var yourReasonLabel: String { pick("You wrote", "您的理由") }
    var decisionLabel: String { pick("Reason for the decision", "决定理由") }
    var bureauNoteLabel: String { pick("Note from the housing bureau", "住房保障部门附言") }
    var lapsesLabel: String { pick("Stops counting on", "失效日期") }
    var countingLabel: String { pick("Refusals that count now", "当前计入的拒绝次数") }
    func refusalsAfter(_ n: Int) -> String { pick("Refusals still counting after reinstatement: \(n)", "恢复资格后仍计入的拒绝次数：\(n)") }
    var filed: String { pick("Your appeal was sent. The housing bureau will answer it here.", "申诉已提交，住房保障部门的答复将显示在本页。") }
    var appealOpen: String { pick("You already have an appeal waiting for an answer.", "您已有一份待答复的申诉。") }
    var notSuspended: String { pick("Only a suspension can be appealed.", "只有被暂停资格时才能提出申诉。") }
    func invalidReason(limit: Int) -> String {
        pick(
            "Write a reason of 1 to \(limit) characters, without special control characters.",
            "请填写 1 至 \(limit) 个字的理由，不要包含特殊控制字符。")
    }
}
