@testable import AnjuBenchmarks
import Foundation
import Testing

/// `anju bench solve` reads two tools' own reports: the mechanism phase of
/// `anju solve --timings` and the OR-Tools script's JSON line with its solve call.
@Suite struct SolveBenchmarkTests {
    @Test("the mechanism phase is read from anju solve --timings, whatever the padding")
    func mechanismPhase() throws {
        let output = """
            timing: read files                         0.043 s
            timing: eligibility and preferences        0.715 s
            timing: mechanism (optimal)              111.632 s
            timing: results and reasons                0.514 s
            timing: total                            113.684 s

            """
        #expect(try SolveBenchmark.mechanismSeconds(output) == 111.632)
        #expect(try SolveBenchmark.mechanismSeconds("timing: mechanism (serial) 0.5 s\n") == 0.5)
        #expect(try SolveBenchmark.mechanismSeconds("timing: preferences and mechanism (deferred_acceptance) 0.75 s\n") == 0.75)
        // No phase line, or a line without a number: a clear error, not 0.
        #expect(throws: BenchmarkError.self) { try SolveBenchmark.mechanismSeconds("timing: total 1.0 s\n") }
        #expect(throws: BenchmarkError.self) { try SolveBenchmark.mechanismSeconds("timing: mechanism (optimal) fast s\n") }
        #expect(throws: BenchmarkError.self) { try SolveBenchmark.mechanismSeconds("") }
    }

    @Test("the peer's last line gives offered, total commute and its own solve call")
    func peerLine() throws {
        // The shape Tests/Benchmarks/ortools_optimal.py prints (json.dumps of its dict).
        let out = """
            some warning on stdout
            {"offered": 42330, "total_commute_min": 1142926, "seconds": {"read": 0.9, "eligibility": 2.1, "build": 1.3, "solve": 5.25, "total": 9.55}, "arcs": 1234}

            """
        let peer = try SolveBenchmark.readPeer(out)
        #expect(peer.offered == 42330 && peer.totalCommute == 1142926 && peer.solveSeconds == 5.25)
        // An integer number of seconds is still a number.
        let whole = try SolveBenchmark.readPeer(#"{"offered": 1, "total_commute_min": 2, "seconds": {"solve": 3}}"#)
        #expect(whole.solveSeconds == 3)
        #expect(throws: BenchmarkError.self) { try SolveBenchmark.readPeer(#"{"offered": 1, "total_commute_min": 2}"#) }
        #expect(throws: BenchmarkError.self) { try SolveBenchmark.readPeer("Traceback (most recent call last):") }
        #expect(throws: BenchmarkError.self) { try SolveBenchmark.readPeer("") }
    }

    private func outcome(_ seconds: Double, rss: Int = 1024) -> ChildProcess.Outcome {
        ChildProcess.Outcome(status: 0, seconds: seconds, peakRSSKiB: rss, stdout: "")
    }

    @Test("rows take medians; ratios pair optimal with the peer of the same city")
    func rowsAndRatios() {
        let size = (applicants: 100, slots: 50)
        let optimal = SolveBenchmark.row(
            size, "anju solve --mechanism optimal", [outcome(3), outcome(1), outcome(2)], solver: [0.5, 0.25, 2], (40, 900))
        #expect(optimal.medianSeconds == 2 && optimal.minSeconds == 1 && optimal.medianSolverSeconds == 0.5)
        let peer = SolveBenchmark.row(size, "OR-Tools min-cost flow (Python)", [outcome(8), outcome(6), outcome(7)], solver: [1, 2, 3], (40, 900))
        let other = SolveBenchmark.row(
            (applicants: 7, slots: 9), "OR-Tools min-cost flow (Python)", [outcome(1)], solver: [1], (1, 1))
        let serial = SolveBenchmark.row(size, "anju solve --mechanism serial", [outcome(1)], solver: [0.1], (39, 950))
        let ratios = SolveBenchmark.ratios([serial, optimal, other, peer])
        #expect(ratios.count == 1)
        #expect(ratios[0].applicants == 100 && ratios[0].slots == 50)
        #expect(ratios[0].endToEnd == 3.5 && ratios[0].solver == 4 && ratios[0].same)
        var differing = peer
        differing.totalCommute += 1
        #expect(SolveBenchmark.ratios([optimal, differing]).first?.same == false)
        let table = SolveBenchmark.markdown([serial, optimal, peer])
        #expect(table.contains("| 100 × 50 | anju solve --mechanism optimal | 2.00 | 1.00 | 0.50 | 1 | 40 | 900 |"))
        #expect(table.contains("| 100 × 50 | 3.50× | 4.00× | yes |"))
        // Without a peer there is no ratio table.
        #expect(!SolveBenchmark.markdown([optimal]).contains("÷"))
    }
}
