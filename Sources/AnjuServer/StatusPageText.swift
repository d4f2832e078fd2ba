/// The status page's own words, in both languages. State, outcome and next-step labels come
/// from `Language` itself, so the page and the JSON API say the same thing.
struct StatusPageText: Sendable {
    let language: Language

    private func pick(_ en: String, _ zh: String) -> String { language.pick(en, zh) }

    var pageTitle: String { pick("Anju: your housing status", "安居：住房分配查询") }
    var brand: String { pick("Anju housing", "安居住房保障") }
    var intro: String {
        pick(
            "Enter the applicant id and the token from your notice to see your status and answer an offer.",
            "请输入通知书上的申请编号和查询口令，查看分配状态并答复房源。")
    }
    var applicantIDLabel: String { pick("Applicant id", "申请编号") }
    var tokenLabel: String { pick("Token", "查询口令") }
    var checkButton: String { pick("Check my status", "查询") }
    var privacyNote: String {
        pick(
            "Your token is sent only inside this form, never in the address bar. On a shared phone, close the page when you are done.",
            "口令只在表单中提交，不会出现在网址里。如使用他人手机，查询后请关闭本页。")
    }
    var wrongCredentials: String {
        pick(
            "The applicant id and token do not match. Check both against your notice and try again.",
            "申请编号与查询口令不匹配，请对照通知书核对后重试。")
    }
    var missingCredentials: String { pick("Enter both your applicant id and your token.", "请同时填写申请编号和查询口令。") }

    var applicantHeading: String { pick("Applicant", "申请人") }
    var refusalsLabel: String { pick("Refusals so far", "累计拒绝次数") }
    var offerHeading: String { pick("Your offer", "您获得的房源") }
    var homeHeading: String { pick("Your home", "您的住房") }
    var projectLabel: String { pick("Project", "项目") }
    var districtLabel: String { pick("District", "区") }
    var rentLabel: String { pick("Rent", "月租金") }
    var commuteLabel: String { pick("Commute", "通勤时间") }
    var deadlineLabel: String { pick("Answer by", "答复截止") }
    var roundLabel: String { pick("Round", "轮次") }
    var sinceLabel: String { pick("Since", "入住时间") }
    var placeLabel: String { pick("Place", "房源") }
    var offerLabel: String { pick("Offer", "答复") }
    var dateLabel: String { pick("Date", "日期") }
    var outcomeLabel: String { pick("Outcome", "结果") }

    func rent(_ yuan: Int) -> String { pick("¥\(yuan) a month", "每月 \(yuan) 元") }
    func minutes(_ minutes: Int) -> String { pick("\(minutes) min", "\(minutes) 分钟") }

    var acceptButton: String { pick("Accept this place", "接受此房源") }
    var declineSummary: String { pick("Decline this offer…", "拒绝此房源…") }
    func declineWarning(refusals: Int) -> String {
        pick(
            "Declining counts as a refusal (you have \(refusals) so far); too many refusals suspend you from the scheme.",
            "拒绝将计为一次拒绝（目前已拒绝 \(refusals) 次）；拒绝次数过多将暂停保障资格。")
    }
    var reasonFieldLabel: String { pick("Reason (optional)", "原因（可选）") }
    var declineButton: String { pick("Decline the offer", "确认拒绝") }

    var historyHeading: String { pick("Round history", "历次分配记录") }
    var noHistory: String { pick("No allocation round has considered you yet.", "您尚未参加过分配轮次。") }
    var checkAnother: String { pick("Sign out", "退出") }
    var backToStart: String { pick("Back to the status page", "返回查询页") }

    /// What became of an offer (`offers.status`).
    func offerStatus(_ status: String) -> String {
        switch (language, status) {
        case (.en, "offered"): "awaiting your answer"
        case (.en, "accepted"): "accepted"
        case (.en, "declined"): "declined"
        case (.en, "expired"): "expired (no answer in time)"
        case (.en, "withdrawn"): "withdrawn by the bureau"
        case (.zhCN, "offered"): "待答复"
        case (.zhCN, "accepted"): "已接受"
        case (.zhCN, "declined"): "已拒绝"
        case (.zhCN, "expired"): "已过期（逾期未答复）"
        case (.zhCN, "withdrawn"): "已由住房保障部门撤回"
        default: status
        }
    }

    /// The message shown above the status after an answer (or a failed one).
    func notice(_ notice: StatusPageNotice) -> String {
        switch notice {
        case .accepted: pick("You accepted the place. Welcome home!", "您已接受该房源，欢迎入住！")
        case .alreadyAccepted: pick("You had already accepted this offer.", "您此前已接受该房源。")
        case .declined: pick("You declined the offer.", "您已拒绝该房源。")
        case .alreadyDeclined: pick("You had already declined this offer.", "您此前已拒绝该房源。")
        case .cannotAnswer:
            pick(
                "This offer can no longer be answered that way: it was already answered, withdrawn, or its deadline has passed.",
                "该房源已无法这样答复：可能已答复、已撤回或已过答复截止时间。")
        case .offerNotFound: pick("That offer is not among your offers.", "未找到您名下的该房源。")
        case .reasonTooLong(let limit):
            pick("The reason is too long: at most \(limit) characters.", "原因过长：最多 \(limit) 个字符。")
        }
    }

    /// The message of an error page, by HTTP status.
    func errorMessage(status: Int) -> String {
        switch status {
        case 413: pick("The form is too large.", "提交的内容过长。")
        case 415, 400: pick("The form could not be read. Please go back and try again.", "无法读取提交的表单，请返回重试。")
        case 503:
            pick(
                "The service is busy or cannot reach its database. Please try again in a minute.",
                "服务繁忙或暂时无法连接数据库，请稍后重试。")
        case 400..<500: pick("The request could not be handled.", "无法处理该请求。")
        default: pick("Something went wrong on our side. Please try again later.", "系统出现错误，请稍后重试。")
        }
    }
}

/// What the page tells the applicant after an accept or decline form.
enum StatusPageNotice: Sendable, Equatable {
    case accepted, alreadyAccepted, declined, alreadyDeclined
    /// 409: answered otherwise, withdrawn, expired, or past its deadline.
    case cannotAnswer
    /// 404: unknown offer, or another applicant's.
    case offerNotFound
    /// 422: the decline reason is longer than the limit.
    case reasonTooLong(Int)

    /// Whether this notice reports a change or a harmless repeat (shown as success).
    var isSuccess: Bool {
        switch self {
        case .accepted, .alreadyAccepted, .declined, .alreadyDeclined: true
        default: false
        }
    }
}
