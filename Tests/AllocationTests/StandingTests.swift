import Testing

@testable import Allocation

/// "Where you stand" against a plain computation from the same round (`ReferenceStanding`),
/// for every applicant of many seeded random rounds and every mechanism, and at its edges.
@Suite struct StandingTests {
    @Test("standing figures equal the plain computation", arguments: 0..<UInt64(150))
    func matchesReference(instance: UInt64) {
        let g = RandomInstance(seed: instance, shape: instance % 3 == 0 ? .small : .medium)
        let ref = ReferenceAllocator(g.input, seed: g.seed)
        for mechanism in Mechanism.allCases {
            let result = Allocator.run(g.input, mechanism: mechanism, seed: g.seed)
            let book = StandingBook(input: g.input, result: result)
            let plain = ReferenceStanding(ref, result: result)
            for (a, x) in g.input.applicants.enumerated() {
                let engine = book.standing(of: x.id)
                let expected = plain.standing(of: a)
                #expect(engine == expected, "instance \(instance) \(mechanism) applicant \(x.id)")
            }
        }
    }

    /// The random rounds above reach every figure: cutoffs, applicants ahead, per-project
    /// positions that differ from the global one, and relaxed limits that open projects
    /// where a place went below the applicant — so agreement is not agreement on zeros.
    @Test("the random rounds exercise every figure")
    func randomRoundsReachEveryFigure() {
        var seen: Set<String> = []
        for instance in 0..<UInt64(150) {
            let g = RandomInstance(seed: instance, shape: instance % 3 == 0 ? .small : .medium)
            for mechanism in Mechanism.allCases {
                let book = StandingBook(input: g.input, result: Allocator.run(g.input, mechanism: mechanism, seed: g.seed))
                for x in g.input.applicants {
                    guard let s = book.standing(of: x.id), s.outcome != .offered else { continue }
                    let tag = mechanism.rawValue
                    if s.nearest.contains(where: { $0.cutoff != nil && $0.ahead! > 0 }) { seen.insert("\(tag) cutoff") }
                    if s.nearest.contains(where: { $0.position != nil && $0.position != s.position }) { seen.insert("\(tag) local") }
                    if s.longerCommute.contains(where: { $0.likely > 0 }) { seen.insert("\(tag) commute likely") }
                    if s.higherRent.contains(where: { $0.projects > 0 }) { seen.insert("\(tag) rent") }
                    if s.outcome == .ineligible && s.longerCommute.contains(where: { $0.projects > 0 }) { seen.insert("\(tag) ineligible") }
                }
            }
        }
        for tag in ["serial", "deferred_acceptance"] {
            for what in ["cutoff", "commute likely", "rent", "ineligible"] { #expect(seen.contains("\(tag) \(what)")) }
        }
        #expect(seen.contains("deferred_acceptance local"))
        #expect(!seen.contains("serial local"))
        #expect(seen.contains("optimal commute likely") && seen.contains("optimal rent"))
    }

    /// A hand-built round: two projects at one spot (a tie in commute, broken by id), one
    /// place each; four applicants with equal points (the lottery decides); one applicant
    /// whose work is far from everything and one outside every programme.
    static func edgeRound() -> RoundInput {
        let policy = Policy(roundDate: CivilDate(iso: "2026-12-01")!, seed: "edge", localPriority: false)
        let projects = [
            Project(id: "pB", name: "乙苑", district: "Putuo", lat: 31.23, lon: 121.47, programme: "general"),
            Project(id: "pA", name: "甲苑", district: "Putuo", lat: 31.23, lon: 121.47, programme: "general"),
        ]
        let slots = [
            Slot(id: "s1", projectID: "pA", kind: .apartment, maxHousehold: 2, rent: 1000),
            Slot(id: "s2", projectID: "pB", kind: .apartment, maxHousehold: 2, rent: 1000),
        ]
        func near(_ id: String, maxRent: Int? = nil) -> Applicant {
            Applicant(
                id: id, category: .general, gender: .female, birthDate: CivilDate(iso: "1995-01-01")!,
                monthlyIncome: 5000, workLat: 31.231, workLon: 121.47, workDistrict: "Putuo", maxRent: maxRent)
        }
        var far = near("far")
        far.workLat = 31.32  // 10 km north: 41 minutes, beyond 20 + 15 but within 20 + 30
        far.maxCommuteMin = 20
        return RoundInput(
            projects: projects, slots: slots, applicants: [near("a1"), near("a2"), near("a3"), near("cheap", maxRent: 800), far],
            policy: policy)
    }

    @Test("edges: eligible nowhere, no place left, ties, not in the round")
    func edges() throws {
        let input = Self.edgeRound()
        let result = Allocator.run(input, mechanism: .serial, seed: "edge")
        let book = StandingBook(input: input, result: result)
        let plain = ReferenceStanding(ReferenceAllocator(input, seed: "edge"), result: result)
        for (a, x) in input.applicants.enumerated() { #expect(book.standing(of: x.id) == plain.standing(of: a)) }
        #expect(book.standing(of: "nobody") == nil)

        // Eligible nowhere (rent): no open project, but +200 and +500 yuan each open both,
        // and both places went to applicants ahead of or behind them as the lottery fell.
        let cheap = try #require(book.standing(of: "cheap"))
        #expect(cheap.outcome == .ineligible && cheap.openProjects == 0 && cheap.nearest.isEmpty)
        #expect(cheap.higherRent.map(\.projects) == [2, 2])
        // Eligible nowhere (commute): a longer limit opens the two projects.
        let far = try #require(book.standing(of: "far"))
        #expect(far.nearest.isEmpty && far.higherRent.isEmpty)
        #expect(far.longerCommute.map(\.projects) == [0, 2])

        // Ties: equal points, so positions follow the lottery; equal commutes list pA first.
        let unplaced = input.applicants.map(\.id).filter { id in result.rows.first { $0.applicantID == id }!.outcome == .unmatched }
        let first = try #require(unplaced.first)
        let standing = try #require(book.standing(of: first))
        #expect(standing.nearest.map(\.projectID) == ["pA", "pB"])
        // No place left: both places were offered, to applicants ahead in the order.
        for line in standing.nearest {
            #expect(line.places == 1 && line.offered == 1)
            #expect(try #require(line.cutoff) < line.position!)
            #expect(line.ahead! >= 1)
        }
    }
}
