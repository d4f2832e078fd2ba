/// Project names in the bureau's style — neighbourhood + programme word + phase —
/// including a few with a comma or double quotes, so that CSV quoting gets exercised.
struct ProjectNamer {
    private var seen: [String: Int] = [:]

    static func words(for programme: Programme) -> [String] {
        switch programme {
        case .talent: ["人才公寓", "青年人才公寓", "人才安居苑", "青年汇", "人才驿站"]
        case .frontline: ["骑手之家", "城市建设者之家", "一张床宿舍", "职工公寓", "新时代城市建设者管理者之家", "蓝领公寓"]
        case .general: ["公租房", "公共租赁住房", "馨苑", "安居苑", "保障性租赁住房"]
        }
    }
    static let phases = ["", "二期", "三期", "四期", "五期", "六期", "七期", "八期", "九期", "十期"]

    mutating func name(at place: String, programme: Programme, index: Int, _ rng: inout CityRandom) -> String {
        let words = ProjectNamer.words(for: programme)
        let base = place + words[rng.int(in: 0...(words.count - 1))]
        let n = seen[base, default: 0]
        seen[base] = n + 1
        let phase = n < ProjectNamer.phases.count ? ProjectNamer.phases[n] : "\(n + 1)期"
        let name = base + phase
        // Project 2 always carries a comma and project 3 double quotes; a few others too.
        if index == 1 || (index > 2 && rng.chance(0.04)) {
            return name + ", \(rng.int(in: 1...12))号楼"
        }
        if index == 2 || (index > 2 && rng.chance(0.02)) {
            return name + (programme == .frontline ? "\"小哥驿站\"" : "\"青年之家\"")
        }
        return name
    }
}
