import Store

/// The words of objections to public notices in both languages, for the JSON status.
struct ObjectionText: Sendable {
    let language: Language

    init(_ language: Language) { self.language = language }

    private func pick(_ en: String, _ zh: String) -> String { language == .en ? en : zh }

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
}
