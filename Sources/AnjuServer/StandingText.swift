import Allocation

/// "Where you stand" in words, in zh-CN and en, from the engine's figures (`Standing`):
/// what the position means under the round's mechanism, the competition at the nearest
/// projects open to the applicant, and what a longer commute or higher rent limit would
/// have opened. The JSON API and the status page use the same sentences.
struct StandingText: Sendable {
    let language: Language

    private func pick(_ en: String, _ zh: String) -> String { language.pick(en, zh) }
    private func n(_ v: Int) -> String { OutcomeReason.grouped(v) }

    /// The section's heading.
    var heading: String { pick("Where you stand", "您的排位") }

    /// Said when the applicant has been in no round: nothing to show yet.
    var notInRound: String {
        pick(
            "You have not been in an allocation round yet, so there is no standing to show; it appears here after your first round.",
            "您尚未参加任何分配轮次，暂无排位信息；参加第一轮分配后将在此显示。")
    }

    /// What the priority position is, and what it means under the round's mechanism.
    func position(_ s: Standing, round: String) -> String {
        let pos = n(s.position), all = n(s.applicants)
        switch s.mechanism {
        case .serial:
            return pick(
                "In round \(round) your priority position was \(pos) of \(all) (\(s.points) points). Places were handed out in this order: each applicant in turn took the best place still free.",
                "在轮次 \(round) 中，您的优先顺位为第 \(pos) 位（共 \(all) 人，积分 \(s.points) 分）。房源按此顺序分配：每位申请人依次选择仍空余的最合适房源。")
        case .deferredAcceptance:
            return pick(
                "In round \(round) your priority position was \(pos) of \(all) (\(s.points) points). Each project ranks its applicants in this order, with people working in its district first where the policy says so; your place in each project's own order is shown below.",
                "在轮次 \(round) 中，您的优先顺位为第 \(pos) 位（共 \(all) 人，积分 \(s.points) 分）。各项目按此顺序排列申请人，政策规定时在项目所在区工作的申请人优先；您在各项目中的排位见下文。")
        case .optimal:
            return pick(
                "Round \(round) had no queue: places went so that as many people as possible were housed, then with the least total commuting. Your priority position (\(pos) of \(all), \(s.points) points) only decided between otherwise equal choices.",
                "轮次 \(round) 不设排队顺序：房源的分配使获配人数最多，其次使总通勤时间最短。您的优先顺位（第 \(pos) 位，共 \(all) 人，积分 \(s.points) 分）仅在其他条件相同时起作用。")
        }
    }

    /// How many projects were open, or that none was.
    func open(_ s: Standing) -> String {
        if s.openProjects == 0 {
            return pick("No project was open to you in that round.", "该轮次没有向您开放的项目。")
        }
        return pick(
            "\(n(s.openProjects)) projects were open to you; the nearest:", "共有 \(n(s.openProjects)) 个项目向您开放，最近的几个：")
    }

    /// One project open to the applicant and the competition there.
    func line(_ l: Standing.ProjectLine) -> String {
        let head = pick("\(l.name) (\(l.district), \(l.minutes) min)", "\(l.name)（\(l.district)，通勤 \(l.minutes) 分钟）")
        let places = pick(
            "\(n(l.places)) places open to you, \(n(l.offered)) offered", "向您开放 \(n(l.places)) 套（个）房源，已分配 \(n(l.offered)) 套（个）")
        guard let position = l.position, let ahead = l.ahead else {
            return pick(
                "\(head): \(places); \(n(l.eligible)) applicants were eligible there.",
                "\(head)：\(places)；该项目共有 \(n(l.eligible)) 名符合条件的申请人。")
        }
        let cutoff = l.cutoff.map {
            pick("the last of them went to position \(n($0))", "最后一位获配者排第 \(n($0)) 位")
        } ?? pick("none of them went to anyone", "均无人获配")
        return pick(
            "\(head): \(places); \(cutoff). Your position in this project's order was \(n(position)), with \(n(ahead)) eligible applicants ahead of you.",
            "\(head)：\(places)；\(cutoff)。您在该项目的排序中为第 \(n(position)) 位，排在您前面的符合条件申请人有 \(n(ahead)) 位。")
    }

    /// A longer commute limit's effect.
    func longerCommute(_ w: Standing.WhatIf, _ s: Standing) -> String {
        let limit = s.commuteLimit.addingReportingOverflow(w.extra).overflow ? Int.max : s.commuteLimit + w.extra
        let what = pick("A commute limit \(w.extra) minutes longer (\(n(limit)) min)", "若通勤上限延长 \(w.extra) 分钟（\(n(limit)) 分钟）")
        return whatIf(what, w, s)
    }

    /// A higher rent limit's effect.
    func higherRent(_ w: Standing.WhatIf, _ s: Standing) -> String {
        let cap = s.rentLimit ?? 0
        let limit = cap.addingReportingOverflow(w.extra).overflow ? Int.max : cap + w.extra
        let what = pick("A rent limit \(n(w.extra)) yuan higher (\(n(limit)) yuan)", "若租金上限提高 \(n(w.extra)) 元（\(n(limit)) 元）")
        return whatIf(what, w, s)
    }

    private func whatIf(_ what: String, _ w: Standing.WhatIf, _ s: Standing) -> String {
        if w.projects == 0 {
            return pick("\(what) would have opened no other project.", "\(what)，也不会有更多项目向您开放。")
        }
        if w.likely == 0 {
            return s.mechanism == .optimal
                ? pick(
                    "\(what) would have opened \(n(w.projects)) more projects, but every place there open to you was offered to someone.",
                    "\(what)，将多 \(n(w.projects)) 个项目向您开放，但其中向您开放的房源均已分配。")
                : pick(
                    "\(what) would have opened \(n(w.projects)) more projects, but every place there open to you went to someone ranked ahead of you.",
                    "\(what)，将多 \(n(w.projects)) 个项目向您开放，但其中向您开放的房源均分配给了排在您之前的申请人。")
        }
        let below =
            s.mechanism == .optimal
            ? pick("a place went to no one", "有房源无人获配")
            : pick("a place went to someone ranked below you, or to no one", "有房源分配给了排在您之后的申请人或无人获配")
        return pick(
            "\(what) would have opened \(n(w.projects)) more projects; at \(n(w.likely)) of them \(below), so you would likely have been offered a place there.",
            "\(what)，将多 \(n(w.projects)) 个项目向您开放；其中 \(n(w.likely)) 个项目\(below)，您很可能会在那里获配。")
    }

    /// No promise about what comes next.
    func caveat(round: String) -> String {
        pick(
            "These figures describe round \(round) only. They promise nothing about a later round, whose applicants and places differ.",
            "以上数据仅反映轮次 \(round) 的情况，不代表对今后轮次的任何承诺，因为每轮的申请人和房源都不同。")
    }
}
