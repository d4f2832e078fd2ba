import Testing

@testable import Allocation
import TestSupport

/// The reason of an applicant eligible for no slot names the nearest miss: the project
/// whose places pass the most rules in the contract's order, then the shortest commute,
/// then the lowest project id (byte-wise). Checked against a plain search over every
/// project, commutes by the contract's haversine formula, on random rounds.
@Suite struct NearestMissTests {
    @Test("an ineligible applicant's nearest miss equals a plain search", arguments: 0..<UInt64(300))
    func nearestMiss(instance: UInt64) {
        var g = RandomInstance(seed: 50_000 + instance, shape: instance % 3 == 0 ? .medium : .small)
        // Names tell the projects apart in the reason.
        for i in g.input.projects.indices { g.input.projects[i].name = g.input.projects[i].id }
        let m = Market(g.input, seed: g.seed)
        let lists = ProjectLists(m, progress: nil)
        // Every other round shares one memo over its applicants, so later ones may take an
        // earlier one's outcome; the plain search below knows nothing of it.
        let memo = instance % 2 == 0 ? IneligibleMemo() : nil
        for a in g.input.applicants.indices where lists.range(of: a).isEmpty {
            let reason = Explanations.ineligible(m, a, memo: memo)
            guard let (rule, project, minutes) = Self.plainNearestMiss(m, a) else {
                #expect(reason == .noPlaces, "instance \(instance), applicant \(a)")
                continue
            }
            if rule == .commute {
                let x = g.input.applicants[a]
                let expected = OutcomeReason.commute(
                    limit: Eligibility.maxCommute(of: x, policy: g.input.policy), nearest: g.input.projects[project].name,
                    minutes: minutes == CommuteModel.beyondEveryLimit ? nil : minutes)
                #expect(reason == expected, "instance \(instance), applicant \(a)")
            } else {
                #expect(Self.rule(of: reason) == rule, "instance \(instance), applicant \(a): \(reason) against \(rule)")
            }
        }
    }

    /// The memo is used (else the test above checks nothing of it): each round gets a
    /// copy of every applicant working elsewhere (a few km off, or across the globe), so
    /// the copies' reasons that name no project come from the memo — and each equals the
    /// search made without it.
    @Test("applicants whose rules read alike share the search for their reason")
    func memoShared() {
        var shareable = 0, keys = 0
        for instance in 0..<UInt64(200) {
            var g = RandomInstance(seed: 50_000 + instance, shape: instance % 3 == 0 ? .medium : .small)
            for (i, x) in g.input.applicants.enumerated() {
                var copy = x
                copy.id = "copy\(i)"
                copy.workLat = i % 2 == 0 ? x.workLat + 0.03 : -x.workLat
                copy.workLon = i % 2 == 0 ? x.workLon - 0.04 : x.workLon - 180
                g.input.applicants.append(copy)
            }
            let m = Market(g.input, seed: g.seed)
            let lists = ProjectLists(m, progress: nil)
            let memo = IneligibleMemo()
            for a in g.input.applicants.indices where lists.range(of: a).isEmpty {
                let plain = Explanations.ineligible(m, a)
                #expect(Explanations.ineligible(m, a, memo: memo) == plain, "instance \(instance), applicant \(a)")
                if let rule = Self.rule(of: plain), IneligibleMemo.keeps(rule) { shareable += 1 }
            }
            keys += memo.count
        }
        #expect(shareable >= 2 * keys, "\(shareable) shareable reasons, \(keys) keys")
    }

    /// Every project with places, one by one: its rule (the programme's, else the most
    /// rules any of its places pass), its commute, and the best by (rule, −minutes, id).
    static func plainNearestMiss(_ m: Market, _ a: Int) -> (IneligibilityRule, Int, Int)? {
        let x = m.input.applicants[a]
        var best: (rule: IneligibilityRule, project: Int, minutes: Int)?
        for p in m.input.projects.indices where !m.projectClasses[p].isEmpty {
            let rule: IneligibilityRule
            if let programme = m.input.policy.programmes[m.input.projects[p].programme] {
                rule =
                    Eligibility.programmeRule(of: x, for: programme, roundDate: m.input.policy.roundDate)
                    ?? m.projectClasses[p].map { m.slotRule($0, applicant: a) ?? .commute }.max()!
            } else {
                rule = .category
            }
            let minutes = m.input.policy.commute.minutes(
                fromLat: x.workLat, lon: x.workLon, toLat: m.input.projects[p].lat, lon: m.input.projects[p].lon)
            if let b = best {
                if rule < b.rule { continue }
                if rule == b.rule {
                    if minutes > b.minutes { continue }
                    if minutes == b.minutes && !m.input.projects[p].id.utf8Less(m.input.projects[b.project].id) { continue }
                }
            }
            best = (rule, p, minutes)
        }
        return best.map { ($0.rule, $0.project, $0.minutes) }
    }

    static func rule(of reason: OutcomeReason) -> IneligibilityRule? {
        switch reason {
        case .category: .category
        case .age: .age
        case .income: .income
        case .householdSize: .householdSize
        case .gender: .gender
        case .accessibility: .accessibility
        case .rent: .rent
        case .reservedEmployer: .reservedEmployer
        case .commute: .commute
        default: nil
        }
    }
}
