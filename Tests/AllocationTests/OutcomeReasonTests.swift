import Foundation
import Testing
import TestSupport

@testable import Allocation

/// Every kind of reason in both languages, its stored JSON, and the engine's reasons on
/// random rounds: the English rendering is results.csv's text, the JSON reads back to the
/// same value, and the Chinese rendering holds no English sentence.
@Suite struct OutcomeReasonTests {
    typealias R = OutcomeReason

    /// One value of every kind, with the English text results.csv has always printed for it
    /// (written from the contract-era strings, not from the renderer) and the Chinese text.
    static let examples: [(R, String, String)] = [
        (.noPlaces, "No places are available in this round.", "本轮没有可分配的房源。"),
        (
            .category(category: "frontline_worker"),
            "No project with places this round is open to the frontline_worker category.",
            "本轮有房源的项目均不面向“一线职工”类别的申请人。"
        ),
        (
            .age(age: 36, roundDate: "2026-12-01", programme: "talent", maxAge: 35),
            "Over the age limit: you are 36 on 2026-12-01, and the talent programme admits applicants aged 35 or younger.",
            "超过年龄上限：截至2026年12月1日，您已满 36 岁，而“人才公寓”项目只接受 35 岁及以下的申请人。"
        ),
        (
            .income(income: 12_345, programme: "frontline", limit: 12_000),
            "Income above the limit: 12,345 yuan a month, and the frontline programme admits incomes up to 12,000.",
            "收入超过上限：您的月收入为 12,345 元，而“一线职工宿舍”项目的月收入上限为 12,000 元。"
        ),
        (
            .householdSize(household: 5, largest: 3),
            "No place this round fits a household of 5; the largest open to you holds 3.",
            "本轮没有能容纳 5 人家庭的房源；向您开放的房源最多容纳 3 人。"
        ),
        (
            .gender(gender: "female"), "No bed in a women's or mixed room is open to you this round.",
            "本轮没有向您开放的女性宿舍或混住宿舍床位。"
        ),
        (
            .gender(gender: "male"), "No bed in a men's or mixed room is open to you this round.",
            "本轮没有向您开放的男性宿舍或混住宿舍床位。"
        ),
        (.accessibility, "No step-free (accessible) place open to you is available this round.", "本轮没有向您开放的无障碍房源。"),
        (
            .rent(limit: 800, cheapest: 1_200),
            "No place open to you is within your rent limit of 800 yuan; the cheapest is 1,200 yuan.",
            "没有月租金在您的上限 800 元以内的房源；向您开放的房源中最便宜的为 1,200 元。"
        ),
        (
            .reservedEmployer, "The places otherwise open to you are reserved for other employers' workers.",
            "其余向您开放的房源均为其他用人单位的职工保留。"
        ),
        (
            .commute(limit: 60, nearest: "车墩馨苑", minutes: 117),
            "No place open to you within your 60-minute commute limit; the nearest, 车墩馨苑, is 117 minutes away.",
            "在您 60 分钟的通勤上限内没有向您开放的房源；最近的“车墩馨苑”通勤需 117 分钟。"
        ),
        (
            .commute(limit: 60, nearest: "车墩馨苑", minutes: nil),
            "No place open to you within your 60-minute commute limit; the nearest, 车墩馨苑, is more than 9223372036854775807 minutes away.",
            "在您 60 分钟的通勤上限内没有向您开放的房源；最近的“车墩馨苑”通勤需 超过 9223372036854775807 分钟。"
        ),
        (
            .outranked(
                mechanism: .deferredAcceptance, projects: 70, position: 121_042, applicants: 200_000, points: 0,
                nearest: [
                    .init(name: "江桥公共租赁住房二期, 11号楼", minutes: 21, cutoff: .localWorkersFirst(district: "Jiading")),
                    .init(name: "北新泾公共租赁住房", minutes: 22, cutoff: .localWorkersFirst(district: "Changning")),
                ]),
            "The places in all 70 projects open to you went to applicants ranked ahead of you there (your priority position: "
                + "121,042 of 200,000, 0 points). Nearest: 江桥公共租赁住房二期, 11号楼 (21 min): people working in Jiading come "
                + "first; 北新泾公共租赁住房 (22 min): people working in Changning come first.",
            "向您开放的全部 70 个项目的房源已分配给在该项目排序在您之前的申请人（您的优先顺位：第 121,042 位，共 200,000 人，积分 0 分）。"
                + "最近的项目：“江桥公共租赁住房二期, 11号楼”（21 分钟）：在Jiading工作的申请人优先；“北新泾公共租赁住房”（22 分钟）：在Changning工作的申请人优先。"
        ),
        (
            .outranked(
                mechanism: .serial, projects: 1, position: 7, applicants: 9, points: 3,
                nearest: [.init(name: "P", minutes: 5, cutoff: .morePoints(points: 12))]),
            "The places in the one project open to you were taken before your turn (your priority position: 7 of 9, 3 points). "
                + "Nearest: P (5 min): more priority points (cutoff 12).",
            "向您开放的唯一一个项目的房源在轮到您之前已被分配完（您的优先顺位：第 7 位，共 9 人，积分 3 分）。"
                + "最近的项目：“P”（5 分钟）：对方积分更高（最低入选积分 12 分）。"
        ),
        (
            .outranked(
                mechanism: .serial, projects: 2, position: 1_000, applicants: 1_000, points: 0,
                nearest: [
                    .init(name: "A", minutes: 5, cutoff: .earlierLotteryDraw), .init(name: "B", minutes: 6, cutoff: .noPlaceLeft),
                ]),
            "The places in all 2 projects open to you were taken before your turn (your priority position: 1,000 of 1,000, 0 points). "
                + "Nearest: A (5 min): same points, earlier lottery draw; B (6 min): no place left.",
            "向您开放的全部 2 个项目的房源在轮到您之前已被分配完（您的优先顺位：第 1,000 位，共 1,000 人，积分 0 分）。"
                + "最近的项目：“A”（5 分钟）：积分相同，对方摇号顺序在前；“B”（6 分钟）：已无剩余房源。"
        ),
        (
            .optimalElsewhere(projects: 3, nearest: .init(name: "宝山馨苑", minutes: 40, cutoff: nil)),
            "The allocation housing the most applicants with the least total commute gave the places in all 3 projects open "
                + "to you to others; nearest: 宝山馨苑 (40 min).",
            "为使获配人数最多且总通勤时间最短，向您开放的全部 3 个项目的房源分配给了其他申请人；最近的项目：“宝山馨苑”（40 分钟）。"
        ),
    ]

    @Test("numbers are grouped in threes with commas, as a plain formatter does", arguments: [UInt64(1), 2, 3])
    func groupedNumbers(seed: UInt64) {
        // An independent, plain rendering: digits right to left, a comma every three.
        func plain(_ v: Int) -> String {
            var out: [Character] = []
            for (i, c) in String(v.magnitude).reversed().enumerated() {
                if i > 0 && i % 3 == 0 { out.append(",") }
                out.append(c)
            }
            return (v < 0 ? "-" : "") + String(out.reversed())
        }
        var values = [0, 1, -1, 9, 99, 999, 1000, -1000, 12345, 123_456, 1_234_567, Int.max, Int.min, Int.max - 1, Int.min + 1]
        var rng = SplitMix64(seed: seed)
        for _ in 0..<2000 {
            let bits = Int(rng.next() % 64)
            values.append(Int(truncatingIfNeeded: rng.next() >> UInt64(bits)) &* (rng.next() % 2 == 0 ? 1 : -1))
        }
        for v in values {
            #expect(OutcomeReason.grouped(v) == plain(v), "\(v)")
            var text = UTF8Text(capacity: 0)
            text.add(v)
            #expect(text.string == String(v), "\(v)")
        }
    }

    @Test("every kind of reason in English and Chinese", arguments: examples.indices)
    func rendersBothLanguages(index: Int) throws {
        let (reason, english, chinese) = Self.examples[index]
        #expect(reason.english == english)
        #expect(reason.chinese == chinese)
        #expect(Self.englishRuns(in: reason.chinese, ignoring: Self.names(in: reason)).isEmpty, "\(reason.chinese)")
        #expect(try Self.decode(reason.json) == reason, "\(reason.json)")
    }

    @Test("the examples cover every kind and every cutoff")
    func examplesCoverEveryKind() {
        let kinds = Set(Self.examples.map(\.0.kind))
        #expect(kinds.count == 12, "\(kinds.sorted())")
        var cutoffs = Set<String>()
        for (reason, _, _) in Self.examples {
            if case .outranked(_, _, _, _, _, let nearest) = reason {
                for n in nearest { cutoffs.insert(n.cutoff.map { "\($0)".prefix(while: { $0 != "(" }).description } ?? "") }
            }
        }
        #expect(cutoffs == ["noPlaceLeft", "localWorkersFirst", "morePoints", "earlierLotteryDraw"])
    }

    @Test("stored JSON: hostile names escaped, a general encoder's output reads back the same")
    func jsonRoundTrip() throws {
        let hostile = R.commute(limit: 9, nearest: "a\"b\\c\nd\u{1}e 安居", minutes: Int.max - 1)
        #expect(hostile.json == #"["commute",9,"a\"b\\c\nd\u0001e 安居",9223372036854775806]"#)
        let outranked = R.outranked(
            mechanism: .serial, projects: 2, position: 3, applicants: 4, points: 5,
            nearest: [.init(name: "A", minutes: 6, cutoff: .localWorkersFirst(district: "Putuo")), .init(name: "B", minutes: 7, cutoff: .morePoints(points: 8))])
        #expect(outranked.json == #"["outranked","serial",2,3,4,5,[["A",6,"local_workers_first","Putuo"],["B",7,"more_points",8]]]"#)
        #expect(R.optimalElsewhere(projects: 1, nearest: .init(name: "C", minutes: 9, cutoff: nil)).json == #"["optimal_elsewhere",1,["C",9]]"#)
        for reason in Self.examples.map(\.0) + [hostile] {
            #expect(try Self.decode(reason.json) == reason)
            let encoded = try JSONEncoder().encode(reason)
            #expect(try JSONDecoder().decode(R.self, from: encoded) == reason)
        }
        #expect(throws: DecodingError.self) { try Self.decode(#"["moon"]"#) }
        #expect(throws: DecodingError.self) { try Self.decode(#"["rent",1,2,3]"#) }
    }

    /// On random rounds of every mechanism: each unplaced row carries its explanation, whose
    /// English is the row's results.csv reason and whose JSON reads back to it; offers have
    /// none; no Chinese reason has an English sentence.
    @Test("the engine's reasons on random rounds: English is results.csv's text, JSON round-trips, Chinese has no English",
        arguments: 0..<UInt64(150))
    func engineReasons(instance: UInt64) throws {
        let g = RandomInstance(seed: 70_000 + instance, shape: instance % 3 == 0 ? .medium : .small)
        for mechanism in Mechanism.allCases {
            let result = Allocator.run(g.input, mechanism: mechanism, seed: g.seed)
            for row in result.rows {
                guard row.outcome != .offered else {
                    #expect(row.explanation == nil)
                    continue
                }
                let reason = try #require(row.explanation, "\(mechanism) \(row.applicantID)")
                #expect(reason.english == row.reason)
                #expect(try Self.decode(reason.json) == reason)
                let runs = Self.englishRuns(in: reason.chinese, ignoring: Self.names(in: reason))
                #expect(runs.isEmpty, "\(mechanism) \(row.applicantID): \(reason.chinese)")
                switch (row.outcome, reason) {
                case (.unmatched, .outranked), (.unmatched, .optimalElsewhere): break
                case (.unmatched, _): Issue.record("unmatched row with an ineligibility reason: \(reason)")
                case (.ineligible, .outranked), (.ineligible, .optimalElsewhere): Issue.record("ineligible row: \(reason)")
                default: break
                }
            }
        }
    }

    static func decode(_ json: String) throws -> R { try JSONDecoder().decode(R.self, from: Data(json.utf8)) }

    /// The names a reason carries from the data (projects, districts, programmes,
    /// categories the bureau named): not sentences of ours, so not counted as English.
    static func names(in reason: R) -> [String] {
        switch reason {
        case .category(let c): [c]
        case .age(_, _, let p, _), .income(_, let p, _): [p]
        case .commute(_, let nearest, _): [nearest]
        case .outranked(_, _, _, _, _, let nearest):
            nearest.flatMap { n -> [String] in
                if case .localWorkersFirst(let d) = n.cutoff { return [n.name, d] }
                return [n.name]
            }
        case .optimalElsewhere(_, let n): [n.name]
        default: []
        }
    }

    /// Runs of three or more ASCII words in `text`, `names` removed (TestSupport's one check).
    static func englishRuns(in text: String, ignoring names: [String]) -> [String] {
        TestSupport.englishRuns(in: text, ignoring: names)
    }
}
