/// The words of the application pages (apply, change my details, withdraw) in both
/// languages. Field labels, choices and problems come from `ApplicationText`, so the pages
/// and the JSON API word a field the same way.
struct ApplicationPageText: Sendable {
    let language: Language

    var fields: ApplicationText { ApplicationText(language) }

    private func pick(_ en: String, _ zh: String) -> String { language.pick(en, zh) }

    // MARK: Apply

    var applyTitle: String { pick("Anju: apply for housing", "安居：申请保障性租赁住房") }
    var applyHeading: String { pick("Apply for affordable housing", "申请保障性租赁住房") }
    var applyIntro: String {
        pick(
            "Fill in this form to apply. Fields marked optional may be left empty. You will then get an application number and a token to follow your application.",
            "填写本表即可提交申请，标注“可选”的项目可以不填。提交后您将获得申请编号和查询口令，用于查询申请进度。")
    }
    var applyLink: String { pick("Not applied yet? Apply for housing", "还没有申请？在线申请住房") }
    var optional: String { pick(" (optional)", "（可选）") }
    var choose: String { pick("Choose…", "请选择…") }
    var householdHeading: String { pick("You and your household", "个人及家庭情况") }
    var workplaceHeading: String { pick("Where you work", "工作地点") }
    var pointSummary: String { pick("My workplace is not on the list", "列表中没有我的工作地点") }
    var pointExplanation: String {
        pick(
            "Choosing your workplace from the list is enough. Only if it is not listed, give its location here: latitude and longitude (a map app shows them) and its district.",
            "从列表中选择工作地点即可。只有列表中没有您的工作地点时，才需在此填写其位置：纬度、经度（可在地图应用中查到）和所在区。")
    }
    var limitsHeading: String { pick("What you can accept", "您的要求") }
    var limitsHint: String { pick("Leave empty for no limit.", "不填表示没有限制。") }
    var employerHint: String { pick("Only if your employer gave you a code.", "仅在用人单位提供了编号时填写。") }
    var contactHeading: String { pick("How we reach you", "联系方式") }
    var contactHint: String { pick("Give a mobile phone number or an email address, or both.", "请至少填写手机号码或电子邮箱中的一项。") }
    var identityHint: String {
        pick(
            "Used only to find duplicate applications; kept as a keyed fingerprint and never shown again.",
            "仅用于识别重复申请，以加密指纹形式保存，不会再次显示。")
    }
    var identityRetype: String {
        pick(
            "For your safety the identity document number is not shown again: please type it again.",
            "为保护您的信息，身份证件号码不会回显，请重新填写。")
    }
    var submitButton: String { pick("Submit my application", "提交申请") }
    var applicationsClosed: String {
        pick(
            "Applications are not taken online at the moment. Please contact the housing bureau.",
            "目前暂不受理网上申请，请联系住房保障部门。")
    }

    /// The heading of the list of problems above a form.
    func problemSummary(_ count: Int) -> String {
        pick(count == 1 ? "Please correct 1 problem:" : "Please correct \(count) problems:", "请修改以下 \(count) 处问题：")
    }

    // MARK: Submitted

    var submittedHeading: String { pick("Your application has been received", "您的申请已提交") }
    var keepThese: String {
        pick(
            "Write down your application number and token now, or take a photo of this page: the token is shown only this once and cannot be shown again. You need both to check your status.",
            "请立即记下申请编号和查询口令，或将本页拍照保存：查询口令只显示这一次，之后无法再次查看。查询申请状态时需要同时提供两者。")
    }
    var seeStatusButton: String { pick("See my status", "查看申请状态") }

    // MARK: On the status page

    var applicationHeading: String { pick("Your application", "您的申请") }
    var changeDetailsButton: String { pick("Change my details", "修改我的信息") }
    var withdrawButton: String { pick("Withdraw my application…", "撤回申请…") }
    var rejectionHeading: String { pick("Reason for the decision", "审核意见") }
    var bureauNoteLabel: String { pick("Note from the housing bureau", "住房保障部门的说明") }

    // MARK: Change my details

    var detailsHeading: String { pick("Change my details", "修改我的信息") }
    var detailsIntro: String {
        pick(
            "Changes count from the next allocation round. Category, gender, date of birth and identity number cannot be changed.",
            "修改自下一轮分配起生效。申请类别、性别、出生日期和身份证件号码不能修改。")
    }
    var saveButton: String { pick("Save my changes", "保存修改") }
    var backToStatusButton: String { pick("Back to my status", "返回我的状态") }
    var nothingChanged: String { pick("Nothing was changed: your details are as they were.", "信息与之前相同，没有修改。") }

    /// What a saved change did, naming the fields that changed.
    func saved(_ fieldNames: [String]) -> String {
        let labels = fieldNames.map(fields.label)
        return pick("Saved. Changed: \(labels.joined(separator: "; ")).", "已保存。修改了：\(labels.joined(separator: "、"))。")
    }
    var staleDetails: String {
        pick(
            "Your details changed since you opened this page; here they are now. Make your change again if it is still needed.",
            "您打开本页后信息已有变动，以下为当前信息。如仍需修改，请重新填写。")
    }
    var notChangeable: String {
        pick(
            "Your application cannot be changed or withdrawn as it stands now (a live offer, a home, or a closed application). Answer your offer first, or contact the housing bureau.",
            "您的申请当前不能修改或撤回（有待答复的房源、已入住或申请已结束）。请先答复房源，或联系住房保障部门。")
    }

    // MARK: Withdraw

    var withdrawHeading: String { pick("Withdraw your application?", "确认撤回申请？") }
    var withdrawWarning: String {
        pick(
            "You will leave the scheme: no allocation round will consider you again, and this cannot be undone. To apply again you would make a new application.",
            "撤回后您将退出保障计划，不再参加任何分配轮次，且无法恢复。如需再次申请，须重新提交申请。")
    }
    var confirmWithdrawButton: String { pick("Yes, withdraw my application", "确认撤回") }
    var keepApplicationButton: String { pick("No, keep my application", "不撤回，返回") }
    var withdrawn: String { pick("Your application has been withdrawn.", "您的申请已撤回。") }
    var staleWithdraw: String {
        pick(
            "Your details changed since you opened this page. Look at your status again before withdrawing.",
            "您打开本页后信息已有变动，请重新查看状态后再决定是否撤回。")
    }
}
