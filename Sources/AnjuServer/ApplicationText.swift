import AllocationFiles
import Store

/// The words of applications in both languages: field labels, choices, each rule a field
/// can break, review decisions. The JSON API and the form use the same words.
public struct ApplicationText: Sendable {
    public let language: Language

    public init(_ language: Language) { self.language = language }

    private func pick(_ en: String, _ zh: String) -> String { language.pick(en, zh) }

    /// The label of an application field (its JSON / form name).
    public func label(_ field: String) -> String {
        switch field {
        case "category": pick("Category", "申请类别")
        case "household_size": pick("Household size (people)", "家庭人数")
        case "gender": pick("Gender", "性别")
        case "birth_date": pick("Date of birth", "出生日期")
        case "monthly_income": pick("Monthly income (yuan)", "月收入（元）")
        case "workplace_site": pick("Workplace (registered site)", "工作地点（登记的地点）")
        case "work_lat": pick("Workplace latitude", "工作地点纬度")
        case "work_lon": pick("Workplace longitude", "工作地点经度")
        case "work_district": pick("Workplace district", "工作地点所在区")
        case "max_commute_min": pick("Longest commute you accept (minutes)", "可接受的最长通勤时间（分钟）")
        case "max_rent": pick("Highest rent you can pay (yuan a month)", "可承受的最高月租金（元）")
        case "needs_accessible": pick("I need a step-free (accessible) home", "需要无障碍住房")
        case "employer_id": pick("Employer code", "用人单位编号")
        case "name": pick("Name", "姓名")
        case "phone": pick("Mobile phone", "手机号码")
        case "email": pick("Email", "电子邮箱")
        case "identity_number": pick("Identity document number", "身份证件号码")
        case "language": pick("Language for messages", "通知语言")
        case "priority_points": pick("Priority points", "优先积分")
        case "applicant_id": pick("Application number", "申请编号")
        case "version": pick("Version", "版本")
        default: field
        }
    }

    /// A choice's name (`youth_talent`, `female`, …).
    public func choice(_ value: String) -> String {
        switch value {
        case "youth_talent": pick("Youth talent (recent graduate)", "青年人才（高校毕业生）")
        case "frontline_worker": pick("Frontline city worker", "城市一线职工")
        case "general": pick("General", "一般申请人")
        case "female": pick("Female", "女")
        case "male": pick("Male", "男")
        case "employer_site": pick("Employer site", "用人单位地点")
        case "employment_centre": pick("Employment centre", "就业服务中心")
        case "zh-CN": "中文"
        case "en": "English"
        default: value
        }
    }

    /// What the contract expects in a field.
    func expectation(_ e: FieldRule.Expectation) -> String {
        switch e {
        case .identifier: pick("a code of 1 to 64 characters from A-Z a-z 0-9 _ - .", "1 至 64 位编号（可用 A-Z a-z 0-9 _ - .）")
        case .text: pick("some text", "非空内容")
        case .wholeNumber(let minimum): pick("a whole number of at least \(minimum)", "不小于 \(minimum) 的整数")
        case .latitude: pick("a latitude between -90 and 90, such as 31.2304", "-90 至 90 之间的纬度，例如 31.2304")
        case .longitude: pick("a longitude between -180 and 180, such as 121.4737", "-180 至 180 之间的经度，例如 121.4737")
        case .boolean: pick("yes or no (true or false)", "是或否（true 或 false）")
        case .oneOf(let values): pick("one of ", "以下之一：") + values.map(choice).joined(separator: pick(", ", "、"))
        case .date: pick("a date written YYYY-MM-DD, such as 1998-05-20", "日期，格式为 YYYY-MM-DD，例如 1998-05-20")
        case .timestamp: pick("a date and time", "日期和时间")
        }
    }

    /// The message for one problem with an application, in this language. Problems without
    /// a rule (none come from an application's fields) keep the store's English words.
    public func message(_ problem: StoreProblem) -> String {
        guard let rule = problem.rule else { return problem.message }
        switch rule {
        case .contract(let r):
            let expected = expectation(r.expected)
            switch r.problem {
            case .missing: return pick("Required: \(expected).", "此项必填：应为\(expected)。")
            case .malformed: return pick("Not valid: expected \(expected).", "格式不正确：应为\(expected)。")
            case .outOfRange: return pick("Out of range: expected \(expected).", "超出允许范围：应为\(expected)。")
            }
        case .name: return pick("Enter your name (1 to 100 characters).", "请填写姓名（1 至 100 个字）。")
        case .phone: return pick("A phone number has 5 to 20 digits, with an optional leading +.", "手机号码应为 5 至 20 位数字，可以 + 开头。")
        case .email: return pick("An email address looks like name@example.cn.", "电子邮箱格式应如 name@example.cn。")
        case .contactNeeded: return pick("Give a mobile phone number or an email address, or both.", "请至少填写手机号码或电子邮箱中的一项。")
        case .identityNumber:
            return pick("An identity document number has 6 to 32 letters and digits.", "身份证件号码应为 6 至 32 位字母或数字。")
        case .workplaceNeeded:
            return pick(
                "Choose your workplace from the list, or give its location (latitude, longitude and district).",
                "请从列表中选择工作地点，或填写工作地点的位置（纬度、经度和所在区）。")
        case .workplaceBoth:
            return pick(
                "Choose a workplace from the list or give a location, not both.", "请在列表选择与填写位置之间二选一，不要同时填写。")
        case .unknownSite: return pick("This workplace is not on the list; choose one from the list.", "列表中没有该工作地点，请从列表中选择。")
        case .language: return pick("Choose Chinese or English.", "请选择中文或英文。")
        case .notChangeable: return pick("This cannot be changed after applying.", "提交申请后不能修改此项。")
        case .tooLong(let limit): return pick("At most \(limit) characters.", "最多 \(limit) 个字。")
        case .atMost(let limit): return pick("Too large: at most \(limit).", "数值过大：最大为 \(limit)。")
        case .controlCharacters: return pick("Remove the control characters.", "请删除其中的控制字符。")
        case .versionNeeded:
            return pick(
                "Give the version you read (GET /v1/applicants/{id}/details).", "请提供读取时的版本号（GET /v1/applicants/{id}/details）。")
        }
    }

    /// The field a problem is at (`name`, `household_size`), or nil.
    public static func field(of problem: StoreProblem) -> String? {
        switch problem.location {
        case .field(let f): f
        case .file(_, _, let column): column
        case nil: nil
        }
    }

    /// A rejection reason as the applicant reads it.
    public func rejection(_ reason: String) -> String {
        switch reason {
        case "ineligible": pick("You do not meet the scheme's conditions.", "您不符合本保障计划的申请条件。")
        case "unverified": pick("Your identity or documents could not be verified.", "您的身份或证明材料未能核实。")
        case "incomplete": pick("The application is incomplete.", "申请材料不完整。")
        case "duplicate": pick("You have another application; it is the one that counts.", "您已有另一份申请，以该申请为准。")
        default: pick("Rejected by the housing bureau.", "住房保障部门未予通过。")
        }
    }

    /// The status of an application (before it reaches the pool).
    public func applicationStatus(_ status: String) -> String {
        switch status {
        case "pending_review": pick("Received: the housing bureau is reviewing your application", "已收到：住房保障部门正在审核您的申请")
        case "rejected": pick("Not approved", "未通过审核")
        default: language.stateLabel(status)
        }
    }
}
