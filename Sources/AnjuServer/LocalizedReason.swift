import Allocation
import Store

/// A round's reason as one reader sees it: rendered in their language from the data the
/// round stored, or, for a round run before reasons were stored as data, the stored
/// English text, said to be English.
struct LocalizedReason: Sendable, Equatable {
    /// The reason's text.
    var text: String
    /// The language `text` is in (`en` for a stored English text, whatever was asked).
    var language: String
    /// `OutcomeReason.kind` (`commute`, `outranked`, …); nil for a stored English text.
    var kind: String?
    /// Whether this is the stored English text of an older round, not a rendering.
    var isStoredEnglish: Bool { kind == nil }

    /// The reason of `outcome` for a reader of `language`; nil for an offer (no reason).
    init?(_ outcome: ApplicantStatus.RoundOutcome, language: Language) {
        if let data = outcome.reasonData {
            text = language == .en ? data.english : data.chinese
            self.language = language.rawValue
            kind = data.kind
        } else if !outcome.reason.isEmpty {
            text = outcome.reason
            self.language = Language.en.rawValue
            kind = nil
        } else {
            return nil
        }
    }
}

extension Language {
    /// Said after a reason shown in English to a reader of another language: the round ran
    /// before reasons were kept in a form that can be translated.
    var storedEnglishNote: String? {
        switch self {
        case .en: nil
        case .zhCN: "（该轮次在系统支持中文说明之前运行，仅保存了英文原文。）"
        }
    }
}
