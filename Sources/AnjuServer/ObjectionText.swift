import AllocationFiles
import Store

/// The words of objections to public notices in both languages, for the JSON status.
struct ObjectionText: Sendable {
    let language: Language

    init(_ language: Language) { self.language = language }

    private func pick(_ en: String, _ zh: String) -> String { language.pick(en, zh) }

    /// What the objection is about.
    func kind(_ kind: Objection.Kind) -> String {
        switch kind {
        case .pool: pick("Your place in the pool (pre-draw notice)", "您在摇号名单中的信息（摇号前公示）")
        case .outcome: pick("Your result (result notice)", "您的配租结果（结果公示）")
        }
    }

    /// Where the objection stands.
    func status(_ status: Objection.Status) -> String {
        switch status {
        case .open: pick("Objection received: the housing bureau will answer it", "异议已收到：住房保障部门将作出答复")
        case .upheld: pick("Objection upheld: the housing bureau will correct it", "异议成立：住房保障部门将予以更正")
        case .rejected: pick("Objection not upheld", "异议不成立")
        }
    }

    /// What follows from the answer, if anything: an upheld pool objection means a new
    /// freeze (a notice superseding the objected one).
    func nextStep(_ o: Objection) -> String? {
        guard o.status == .upheld, o.kind == .pool else { return nil }
        if let newer = o.noticeSupersededBy {
            return pick(
                "The pool was frozen again after the correction: notice \(newer) replaces notice \(o.noticeID).",
                "更正后已重新冻结摇号名单：第 \(newer) 号公示取代第 \(o.noticeID) 号公示。")
        }
        return pick(
            "Your data will be corrected and the pool frozen again; a new notice will replace notice \(o.noticeID).",
            "您的信息将被更正，摇号名单将重新冻结；新的公示将取代第 \(o.noticeID) 号公示。")
    }

    var heading: String { pick("Objections to public notices", "对公示的异议") }
    var filedLabel: String { pick("Filed", "提交时间") }
    var youWroteLabel: String { pick("You wrote", "您的异议") }
    var windowLabel: String { pick("Open for objections until", "异议受理截止") }
    var answeredLabel: String { pick("Answered", "答复时间") }
    var replyLabel: String { pick("Reply from the housing bureau", "住房保障部门答复") }
    var textLabel: String { pick("Your objection", "异议内容") }
    var button: String { pick("Send the objection", "提交异议") }
    var filed: String { pick("Your objection was sent; the housing bureau will answer it.", "异议已提交，住房保障部门将作出答复。") }
    var alreadyOpen: String { pick("You already have an objection to this notice awaiting its answer.", "您对该公示的异议尚待答复，请勿重复提交。") }
    var closed: String { pick("This notice is no longer open for objections.", "该公示的异议受理期已结束。") }
    var superseded: String { pick("This notice was replaced by a newer one; object to the newer notice.", "该公示已被新的公示取代，请对新公示提出异议。") }
    var notInNotice: String { pick("You do not appear in this notice.", "您不在该公示名单中。") }
    func invalidText(limit: Int) -> String {
        pick("Write your objection in 1 to \(limit) characters.", "请填写异议内容，不超过 \(limit) 个字。")
    }

    /// The invitation above a form to object to a notice.
    func invitation(round: String, notice: Int64, kind: NoticeKind, closes: String) -> String {
        switch kind {
        case .preDraw:
            pick(
                "Round \(round), notice \(notice) (before the draw) lists you in the pool. If your place in it is wrong, you may object until \(closes).",
                "第 \(round) 轮第 \(notice) 号公示（摇号前）列有您的信息。如有错误，可在 \(closes) 前提出异议。")
        case .result:
            pick(
                "Round \(round), notice \(notice) (the result) lists your outcome. If you think it is wrong, you may object until \(closes).",
                "第 \(round) 轮第 \(notice) 号公示（结果）列有您的配租结果。如有异议，可在 \(closes) 前提出。")
        }
    }
}
