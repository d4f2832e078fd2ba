import Testing

@testable import Allocation

/// Output-contract properties shared by every mechanism: classification, slot columns,
/// byte-wise row order, reasons, determinism and independence of input order.
@Suite struct EngineDeterminismTests {
    @Test(
        "every mechanism: well-formed rows, deterministic, independent of input order",
        arguments: Mechanism.allCases, 5000..<UInt64(5200))
    func wellFormedAndDeterministic(mechanism: Mechanism, instance: UInt64) {
        let g = RandomInstance(seed: instance, shape: .small)
        let ref = ReferenceAllocator(g.input, seed: g.seed)
        // `run` records every break of the output contract (classification, columns, order, reasons).
        let first = EnginePropertyTests.run(g, ref, mechanism, instance: instance).result
        let second = Allocator.run(g.input, mechanism: mechanism, seed: g.seed)
        let rerunDiff = Self.rowDifferences(first, second)
        #expect(rerunDiff.isEmpty, "instance \(instance): two runs differ: \(rerunDiff)")

        let shuffledInput = g.shuffled(seed: instance)
        let shuffled = Allocator.run(shuffledInput, mechanism: mechanism, seed: g.seed)
        let shuffleDiff = Self.rowDifferences(first, shuffled)
        func report() -> Comment {
            Comment(
                rawValue: InstanceDescription.report(
                    "\(mechanism): shuffled input (second) changes the result:\n  "
                        + shuffleDiff.joined(separator: "\n  "),
                    instance: instance, ref, engine: first.rows, reference: shuffled.rows))
        }
        if mechanism == .optimal {
            // The contract leaves the choice among equally good allocations open: only the
            // count and total commute are fixed.
            #expect(first.offered == shuffled.offered && first.totalCommuteMin == shuffled.totalCommuteMin, report())
            let again = EngineChecks.assignment(
                from: shuffled, ReferenceAllocator(shuffledInput, seed: g.seed), mechanism: mechanism)
            #expect(again.problems.isEmpty, "\(again.problems)")
        } else {
            #expect(shuffleDiff.isEmpty, report())
        }
    }

    /// Every difference between two results, row by row (reasons included), then the summary.
    static func rowDifferences(_ x: RoundResult, _ y: RoundResult) -> [String] {
        var diff: [String] = []
        for (r, t) in zip(x.rows, y.rows) where r != t {
            diff.append(
                "\(r.applicantID): \(r.outcome) \(r.slotID ?? "-") \"\(r.reason)\" vs \(t.applicantID): \(t.outcome) \(t.slotID ?? "-") \"\(t.reason)\""
            )
        }
        if x.rows.count != y.rows.count { diff.append("\(x.rows.count) rows vs \(y.rows.count)") }
        if x.slotsAvailable != y.slotsAvailable || x.mechanism != y.mechanism || x.seed != y.seed {
            diff.append("summary fields differ")
        }
        return diff
    }

    @Test("an ineligible applicant's reason does not depend on project order", arguments: Mechanism.allCases)
    func reasonIgnoresProjectOrder(mechanism: Mechanism) {
        // Two projects at one address whose programmes both exclude a 45-year-old: the
        // nearest-miss tie (same rule, same commute) must not be broken by input order.
        let programmes = [
            "frontline": Programme(categories: [.general], maxAge: 40),
            "general": Programme(categories: [.general], maxAge: 29),
        ]
        let here = RuleFixtures.here
        let p55 = Project(id: "p55", name: "Estate", district: "Putuo", lat: here.lat, lon: here.lon, programme: "frontline")
        let p63 = Project(id: "P63", name: "Estate", district: "Putuo", lat: here.lat, lon: here.lon, programme: "general")
        let slots = [
            Slot(id: "s1", projectID: "p55", kind: .apartment, maxHousehold: 2, rent: 1000),
            Slot(id: "s2", projectID: "P63", kind: .apartment, maxHousehold: 2, rent: 1000),
        ]
        let a = RuleFixtures.applicant(id: "983", birthDate: "1981-06-01")
        let policy = RuleFixtures.policy(programmes: programmes)
        let x = Allocator.run(RoundInput(projects: [p55, p63], slots: slots, applicants: [a], policy: policy), mechanism: mechanism, seed: "s")
        let y = Allocator.run(RoundInput(projects: [p63, p55], slots: slots, applicants: [a], policy: policy), mechanism: mechanism, seed: "s")
        #expect(x.rows.map(\.outcome) == [.ineligible])
        #expect(x.rows.map(\.reason) == y.rows.map(\.reason))
    }

    @Test("the seed argument, not the policy's, draws the lottery")
    func seedArgumentDecides() {
        // Two applicants wanting the one slot; the winner is fixed by the lottery numbers.
        let round = CivilDate(iso: "2026-12-01")!
        let project = Project(id: "p", name: "P", district: "Putuo", lat: 31.23, lon: 121.47, programme: "general")
        let slot = Slot(id: "s", projectID: "p", kind: .apartment, maxHousehold: 2, rent: 1000)
        func applicant(_ id: String) -> Applicant {
            Applicant(
                id: id, category: .general, gender: .female, birthDate: CivilDate(iso: "1990-05-05")!,
                monthlyIncome: 5000,
                workLat: 31.231, workLon: 121.471, workDistrict: "Jing'an")
        }
        let policy = Policy(roundDate: round, mechanism: .serial, seed: "policy seed is ignored")
        let input = RoundInput(
            projects: [project], slots: [slot], applicants: [applicant("A1"), applicant("a10")], policy: policy)
        // Known answers (Python hashlib): "seed:A1" → 3785811200986099088, "seed:a10" → 15404051407948124539,
        // so A1 draws first with seed "seed".
        for mechanism in Mechanism.allCases where mechanism != .optimal {
            let result = Allocator.run(input, mechanism: mechanism, seed: "seed")
            #expect(result.rows.map(\.applicantID) == ["A1", "a10"])
            #expect(result.rows.map(\.outcome) == [.offered, .unmatched], "\(mechanism)")
            #expect(result.seed == "seed")
        }
    }
}
