import Allocation
import RoundReport
import TestSupport
import Testing

/// Same round, same bytes: whatever the order of the input arrays, of the result rows and
/// of the dictionaries' insertion.
@Suite struct RoundReportDeterminismTests {
    /// `nil` when `a` and `b` are the same bytes, else where they part, with some context:
    /// a failure names the spot instead of printing two whole documents.
    static func difference(_ a: String, _ b: String) -> String? {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x != y else { return nil }
        let at = zip(x, y).prefix { $0 == $1 }.count
        func context(_ bytes: [UInt8]) -> String {
            String(decoding: bytes[max(0, at - 60)..<min(bytes.count, at + 60)], as: UTF8.self)
        }
        return "byte \(at) of \(x.count) / \(y.count): …\(context(x))… vs …\(context(y))…"
    }

    @Test func renderingTwiceGivesIdenticalBytes() {
        let report = ReportFixtures.solved(ReportFixtures.randomCity(seed: 11))
        #expect(Self.difference(report.html(), report.html()) == nil)
    }

    @Test(arguments: [11, 12, 13] as [UInt64])
    func shuffledInputsAndDictionariesGiveIdenticalBytes(seed: UInt64) {
        // Many projects and few districts, so fill rates and district sizes tie often.
        let report = ReportFixtures.solved(ReportFixtures.randomCity(seed: seed, applicants: 300, projects: 30))
        let reference = report.html()
        var rng = SplitMix64(seed: seed &* 31)
        for _ in 0..<4 {
            var shuffled = report
            rng.shuffle(&shuffled.input.projects)
            rng.shuffle(&shuffled.input.slots)
            rng.shuffle(&shuffled.input.applicants)
            var order = Mechanism.allCases
            rng.shuffle(&order)
            var results: [Mechanism: RoundResult] = [:]
            for mechanism in order {
                var result = report.results[mechanism]!
                rng.shuffle(&result.rows)
                results[mechanism] = result
            }
            shuffled.results = results
            var programmes: [String: Programme] = [:]
            for name in report.input.policy.programmes.keys.sorted().reversed() {
                programmes[name] = report.input.policy.programmes[name]
            }
            shuffled.input.policy.programmes = programmes
            #expect(Self.difference(shuffled.html(), reference) == nil)
        }
    }

    @Test func rowsInTheInputsOrderNeedNoLookupAndGiveTheSameReport() {
        // Applicants sorted byte-wise like the rows take the positional fast path; reversed
        // applicants force the id lookup. Both must say the same.
        var report = ReportFixtures.solved(ReportFixtures.randomCity(seed: 21))
        report.input.applicants.sort { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
        let sorted = report.html()
        report.input.applicants.reverse()
        #expect(Self.difference(report.html(), sorted) == nil)
    }
}
