import Foundation

/// The languages applicant-facing text comes in. The engine's reasons are rendered in the
/// chosen language from the data stored with each result (`LocalizedReason`).
public enum Language: String, Sendable, CaseIterable {
    case en
    case zhCN = "zh-CN"

    /// The English or the Chinese text, as this language reads.
    public func pick(_ en: String, _ zh: String) -> String { self == .en ? en : zh }

    /// The best language for an `Accept-Language` header: the highest-weighted tag that is
    /// Chinese (`zh`, `zh-CN`, `zh-Hans`, …) or English; English when none is.
    public static func preferred(by header: String?) -> Language {
        guard let header else { return .en }
        var best: (language: Language, weight: Double)?
        for (index, item) in header.split(separator: ",").enumerated() {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first?.lowercased(), !tag.isEmpty else { continue }
            var weight = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                weight = Double(parameter.dropFirst(2)) ?? 0
            }
            let language: Language? =
                tag == "zh" || tag.hasPrefix("zh-") ? .zhCN : (tag == "en" || tag.hasPrefix("en-") ? .en : nil)
            // Ties keep the earlier tag; a tiny index penalty makes that explicit.
            let ranked = weight - Double(index) * 1e-9
            if let language, weight > 0, ranked > (best?.weight ?? -1) { best = (language, ranked) }
        }
        return best?.language ?? .en
    }

    /// The label of an applicant's state (`waiting`, `offered`, …).
    public func stateLabel(_ state: String) -> String {
        switch (self, state) {
        case (.en, "pending_review"): "Received: the housing bureau is reviewing your application"
        case (.en, "rejected"): "Not approved"
        case (.zhCN, "pending_review"): "已收到：住房保障部门正在审核您的申请"
        case (.zhCN, "rejected"): "未通过审核"
        case (.en, "waiting"): "Waiting for the next allocation round"
        case (.en, "offered"): "You have an offer"
        case (.en, "housed"): "Housed: you accepted a place"
        case (.en, "unmatched"): "Not matched in the latest round"
        case (.en, "ineligible"): "No eligible place in the latest round"
        case (.en, "suspended"): "Suspended after too many refusals"
        case (.en, "withdrawn"): "Withdrawn from the scheme"
        case (.zhCN, "waiting"): "等待下一轮分配"
        case (.zhCN, "offered"): "您已获得房源"
        case (.zhCN, "housed"): "已入住：您已接受房源"
        case (.zhCN, "unmatched"): "上一轮未能匹配到房源"
        case (.zhCN, "ineligible"): "上一轮没有符合条件的房源"
        case (.zhCN, "suspended"): "因多次拒绝已暂停资格"
        case (.zhCN, "withdrawn"): "已退出保障计划"
        default: state
        }
    }

    /// The label of a round outcome (`offered`, `unmatched`, `ineligible`).
    public func outcomeLabel(_ outcome: String) -> String {
        switch (self, outcome) {
        case (.en, "offered"): "Offered a place"
        case (.en, "unmatched"): "Not matched"
        case (.en, "ineligible"): "No eligible place"
        case (.zhCN, "offered"): "获得房源"
        case (.zhCN, "unmatched"): "未匹配"
        case (.zhCN, "ineligible"): "无符合条件的房源"
        default: outcome
        }
    }

    /// The heading before the engine's reason.
    public var reasonLabel: String {
        switch self {
        case .en: "Why (the allocation engine's published explanation)"
        case .zhCN: "原因（分配系统公布的说明）"
        }
    }

    /// What to do next, for each state.
    public func nextStep(_ state: String) -> String {
        switch (self, state) {
        case (.en, "offered"): "Accept or decline before the deadline; no answer by then counts as a refusal."
        case (.en, "waiting"), (.en, "unmatched"), (.en, "ineligible"): "You stay in the pool for the next round."
        case (.en, "suspended"): "Contact the housing bureau to be reinstated."
        case (.en, "pending_review"): "You enter allocation rounds once the bureau approves your application."
        case (.zhCN, "pending_review"): "申请审核通过后，您将参加分配轮次。"
        case (.zhCN, "offered"): "请在截止时间前接受或拒绝；逾期未答复视为拒绝一次。"
        case (.zhCN, "waiting"), (.zhCN, "unmatched"), (.zhCN, "ineligible"): "您将继续参加下一轮分配。"
        case (.zhCN, "suspended"): "如需恢复资格，请联系住房保障部门。"
        default: ""
        }
    }
}
