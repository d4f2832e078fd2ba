extension OutcomeReason {
    /// The same reason in Simplified Chinese, for the status page and the API (zh-CN).
    /// Figures are grouped as in English (12,345); dates read 2026年12月1日; names of
    /// projects and districts are the bureau's own, as stored.
    public var chinese: String {
        switch self {
        case .noPlaces:
            return "本轮没有可分配的房源。"
        case .category(let category):
            return "本轮有房源的项目均不面向“\(Self.categoryName(category))”类别的申请人。"
        case .age(let age, let roundDate, let programme, let maxAge):
            return "超过年龄上限：截至\(Self.chineseDate(roundDate))，您已满 \(age) 岁，"
                + "而“\(Self.programmeName(programme))”项目只接受 \(maxAge) 岁及以下的申请人。"
        case .income(let income, let programme, let limit):
            return "收入超过上限：您的月收入为 \(Self.grouped(income)) 元，"
                + "而“\(Self.programmeName(programme))”项目的月收入上限为 \(Self.grouped(limit)) 元。"
        case .householdSize(let household, let largest):
            return "本轮没有能容纳 \(household) 人家庭的房源；向您开放的房源最多容纳 \(largest) 人。"
        case .gender(let gender):
            return "本轮没有向您开放的\(gender == Applicant.Gender.female.rawValue ? "女性" : "男性")宿舍或混住宿舍床位。"
        case .accessibility:
            return "本轮没有向您开放的无障碍房源。"
        case .rent(let limit, let cheapest):
            return "没有月租金在您的上限 \(Self.grouped(limit)) 元以内的房源；向您开放的房源中最便宜的为 \(Self.grouped(cheapest)) 元。"
        case .reservedEmployer:
            return "其余向您开放的房源均为其他用人单位的职工保留。"
        case .commute(let limit, let nearest, let minutes):
            let far = minutes.map { "\($0) 分钟" } ?? "超过 \(Int.max) 分钟"
            return "在您 \(limit) 分钟的通勤上限内没有向您开放的房源；最近的“\(nearest)”通勤需 \(far)。"
        case .outranked(let mechanism, let projects, let position, let applicants, let points, let nearest):
            let taken = mechanism == .serial ? "在轮到您之前已被分配完" : "已分配给在该项目排序在您之前的申请人"
            let parts = nearest.map { "\(Self.describe($0))：\($0.cutoff?.chinese ?? "")" }
            return "\(Self.scope(projects))的房源\(taken)（您的优先顺位：第 \(Self.grouped(position)) 位，"
                + "共 \(Self.grouped(applicants)) 人，积分 \(points) 分）。最近的项目：" + parts.joined(separator: "；") + "。"
        case .optimalElsewhere(let projects, let nearest):
            return "为使获配人数最多且总通勤时间最短，\(Self.scope(projects))的房源分配给了其他申请人；"
                + "最近的项目：\(Self.describe(nearest))。"
        }
    }

    private static func scope(_ projects: Int) -> String {
        projects == 1 ? "向您开放的唯一一个项目" : "向您开放的全部 \(projects) 个项目"
    }

    private static func describe(_ project: NearbyProject) -> String { "“\(project.name)”（\(project.minutes) 分钟）" }

    /// `2026-12-01` as 2026年12月1日; anything else unchanged.
    public static func chineseDate(_ iso: String) -> String {
        let parts = iso.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return iso }
        return "\(y)年\(m)月\(d)日"
    }

    /// The contract's categories by their Chinese names; an unknown one as given.
    public static func categoryName(_ category: String) -> String {
        switch Applicant.Category(rawValue: category) {
        case .youthTalent: "青年人才"
        case .frontlineWorker: "一线职工"
        case .general: "普通申请人"
        case nil: category
        }
    }

    /// The contract's default programmes by their Chinese names; a bureau's own programme
    /// keeps the name its policy gives it.
    public static func programmeName(_ programme: String) -> String {
        switch programme {
        case "talent": "人才公寓"
        case "frontline": "一线职工宿舍"
        case "general": "公共租赁住房"
        default: programme
        }
    }
}

extension OutcomeReason.Cutoff {
    /// The clause after a project's name in the Chinese reason.
    public var chinese: String {
        switch self {
        case .noPlaceLeft: "已无剩余房源"
        case .localWorkersFirst(let district): "在\(district)工作的申请人优先"
        case .morePoints(let points): "对方积分更高（最低入选积分 \(points) 分）"
        case .earlierLotteryDraw: "积分相同，对方摇号顺序在前"
        }
    }
}
