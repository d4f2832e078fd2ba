import Foundation

/// A message as the applicant reads it: a subject line (the email's) and a body (the email's
/// text, the SMS's text). Rendered at send time from the event's data in the language the
/// applicant's contact has then, times in the city's zone.
public struct RenderedMessage: Sendable, Equatable {
    public var subject: String
    public var body: String
}

/// The words of every notification in zh-CN and en, beside the kinds of `NotificationKind`.
/// Kept with the sender (it renders them); the same voice as the status page's texts.
public struct MessageText: Sendable {
    public let english: Bool
    public let timeZone: TimeZone

    /// `language` is the contact's (`zh-CN` or `en`; anything else reads Chinese, the default).
    public init(language: String, timeZone: TimeZone) {
        self.english = language == "en"
        self.timeZone = timeZone
    }

    private func pick(_ en: String, _ zh: String) -> String { english ? en : zh }

    /// The message of `kind` with `payload` (the outbox row's JSON object) for `name`.
    public func render(kind: String, payload: [String: Any], name: String, applicantID: String) -> RenderedMessage {
        let greeting = pick("Dear \(name),", "\(name)，您好：")
        let closing = pick(
            "Anju housing bureau. Your application number is \(applicantID).", "安居住房保障部门。您的申请编号：\(applicantID)。")
        let project = payload["project"] as? String ?? payload["slot_id"] as? String ?? ""
        let district = payload["district"] as? String ?? ""
        let place = english ? "\(project) (\(district))" : "\(district)\(project)"
        let deadline = (payload["deadline"] as? String).map(localTime) ?? ""
        let subject: String
        let text: String
        switch kind {
        case "application_received":
            subject = pick("Your application was received", "我们已收到您的申请")
            text = pick(
                "We received your application. The bureau will review it; you will hear from us when it is decided.",
                "我们已收到您的申请，住房保障部门将进行审核，审核结果会另行通知您。")
        case "application_approved":
            subject = pick("Your application was approved", "您的申请已通过审核")
            text = pick(
                "Your application was approved. You now wait for the next allocation round.",
                "您的申请已通过审核，请等待下一轮配租。")
        case "application_rejected":
            subject = pick("Your application was not approved", "您的申请未通过审核")
            let reason = reasonText(payload["reason"] as? String ?? "other")
            var t = pick("Your application was not approved: \(reason).", "您的申请未通过审核：\(reason)。")
            if let note = payload["note"] as? String { t += "\n" + pick("The bureau's note: ", "审核意见：") + note }
            text = t
        case "offer_made":
            subject = pick("A home is offered to you", "您获得了配租房源")
            text = pick(
                "In round \(payload["round_id"] as? String ?? "") you are offered \(place). Please accept or decline by \(deadline); an offer not answered by then counts as a refusal.",
                "在第 \(payload["round_id"] as? String ?? "") 轮配租中，您获得了\(place)的房源。请在 \(deadline) 前接受或放弃；逾期未答复视为放弃。")
        case "offer_reminder":
            subject = pick("Reminder: your offer ends soon", "提醒：您的房源即将过期")
            text = pick(
                "Your offer of \(place) ends at \(deadline). Please accept or decline it before then.",
                "您获得的\(place)房源将于 \(deadline) 过期，请在此之前接受或放弃。")
        case "offer_expired":
            subject = pick("Your offer has expired", "您的房源已过期")
            text = pick(
                "Your offer of \(place) was not answered by \(deadline) and has expired. It counts as a refusal.",
                "您获得的\(place)房源未在 \(deadline) 前答复，已过期，视为放弃一次。")
        case "suspended":
            let count = payload["refusals"] as? Int ?? 0
            subject = pick("You are suspended from allocation rounds", "您已被暂停参加配租")
            text = pick(
                "You have refused \(count) offers, so you take no part in rounds until the bureau reinstates you. You may appeal on your status page.",
                "您已放弃 \(count) 次房源，在住房保障部门恢复您的资格之前，您将不参加配租。您可以在申请状态页面提出申诉。")
        case "appeal_answered" where payload["status"] as? String == "upheld":
            subject = pick("Your appeal was not granted", "您的申诉未获支持")
            var t = pick(
                "The bureau upheld your suspension: \(upholdText(payload["reason"] as? String ?? "other")).",
                "住房保障部门维持了暂停决定：\(upholdText(payload["reason"] as? String ?? "other"))。")
            if let note = payload["note"] as? String { t += "\n" + pick("The bureau's note: ", "处理意见：") + note }
            text = t
        case "appeal_answered":
            subject = pick("Your appeal was granted", "您的申诉已获支持")
            text = pick("The bureau granted your appeal.", "住房保障部门支持了您的申诉。")
        case "reinstated":
            let count = payload["refusals"] as? Int ?? 0
            subject = pick("You are back in the allocation rounds", "您已恢复参加配租的资格")
            text = pick(
                "You take part in allocation rounds again; \(count) refusal(s) still count.",
                "您已恢复参加配租的资格，目前仍计 \(count) 次放弃。")
        default:
            subject = pick("A message about your application", "关于您的申请的通知")
            text = pick("Please look at your status page.", "请查看您的申请状态页面。")
        }
        return RenderedMessage(subject: subject, body: greeting + "\n\n" + text + "\n\n" + closing + "\n")
    }

    /// Why an application was rejected, in the applicant's words.
    func reasonText(_ reason: String) -> String {
        switch reason {
        case "ineligible": pick("you do not meet the programme's conditions", "不符合申请条件")
        case "unverified": pick("the details could not be verified", "所填信息无法核实")
        case "incomplete": pick("the application is incomplete", "申请材料不完整")
        case "duplicate": pick("you have applied more than once", "重复申请")
        default: pick("see the bureau's note", "详见审核意见")
        }
    }

    /// Why an appeal was not granted, in the applicant's words.
    func upholdText(_ reason: String) -> String {
        switch reason {
        case "refusals_stand": pick("the refusals stand", "放弃记录成立")
        case "no_good_cause": pick("the reason given does not justify the refusals", "所述理由不足以说明放弃的正当性")
        case "missing_evidence": pick("the evidence for the reason is missing", "缺少相关证明材料")
        default: pick("see the bureau's note", "详见处理意见")
        }
    }

    /// A UTC instant (`2026-12-08T04:00:00Z`) in the city's zone with its offset.
    func localTime(_ utc: String) -> String {
        let parse = ISO8601DateFormatter()
        guard let date = parse.date(from: utc) else { return utc }
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = timeZone
        format.dateFormat = "yyyy-MM-dd HH:mm (xxx)"
        return format.string(from: date).replacingOccurrences(of: "(", with: "(UTC")
    }
}
