import AnjuBenchmarks
import Foundation
import Testing

/// `anju bench scale`'s arithmetic and table: the fitted growth exponent against known
/// power laws (with and without noise-free offsets), and the table's ratios and verdicts.
@Suite struct ScaleBenchmarkTests {
    @Test("the fitted exponent recovers y = c·x^k for several k and c", arguments: [0.5, 1.0, 1.5, 2.0])
    func recoversPowerLaws(k: Double) throws {
        for c in [0.001, 1, 37.5] {
            let points = [10_000.0, 100_000, 200_000, 1_000_000].map { (x: $0, y: c * pow($0, k)) }
            let fitted = try #require(ScaleBenchmark.growthExponent(points))
            #expect(abs(fitted - k) < 1e-9, "k \(k), c \(c): fitted \(fitted)")
        }
    }

    @Test("the fit is the least-squares slope in log–log, and needs two distinct sizes")
    func leastSquares() throws {
        // log y = 0, 1, 3 at log x = 0, 1, 2: slope (Σ(x−1)(y−4/3)) / Σ(x−1)² = 3/2.
        let e = M_E
        let fitted = try #require(ScaleBenchmark.growthExponent([(1, 1), (e, e), (e * e, e * e * e)]))
        #expect(abs(fitted - 1.5) < 1e-9)
        #expect(ScaleBenchmark.growthExponent([(10, 1)]) == nil)
        #expect(ScaleBenchmark.growthExponent([(10, 1), (10, 2)]) == nil)
        #expect(ScaleBenchmark.growthExponent([(0, 1), (-1, 2), (10, 3)]) == nil, "non-positive points are left out")
    }

    @Test("the table puts the baseline beside this build, with the speed-up and whether outputs matched")
    func table() {
        func row(_ n: Int, _ build: String, _ s: Double, _ same: Bool?) -> ScaleBenchmark.Row {
            ScaleBenchmark.Row(
                applicants: n, slots: n / 5, mechanism: "serial", build: build, medianSeconds: s, minSeconds: s,
                medianPeakRSSMiB: 100, identical: same)
        }
        let md = ScaleBenchmark.markdown([
            row(10_000, "this", 1, true), row(10_000, "baseline", 2, true), row(100_000, "this", 10, false),
            row(100_000, "baseline", 15, false),
        ])
        #expect(md.contains("| 10000 × 2000 | serial | 1.00 | 1.00 | 100 | 2.00 | 100 | 2.00× | yes |"), "\(md)")
        #expect(md.contains("| 100000 × 20000 | serial | 10.00 | 10.00 | 100 | 15.00 | 100 | 1.50× | **no** |"), "\(md)")
        // this: 1 → 10 over ×10 (k = 1); baseline: 2 → 15 (k = log10 7.5 ≈ 0.88).
        #expect(md.contains("| serial | this | 1.00 | 1.00 | 0.00 | 0.00 |"), "\(md)")
        #expect(md.contains("| serial | baseline | 0.88 | 0.88 |"), "\(md)")
    }
}
