import ArgumentParser
import Testing

@testable import AnjuCLI

/// The benchmarks' `--sizes` and `--mechanisms`, shared by `bench solve` and `bench scale`.
@Suite struct BenchOptionsTests {
    @Test("sizes: APPLICANTSxSLOTS, comma-separated; a city may have no slots, never no applicants")
    func sizes() throws {
        let parsed = try BenchCommand.sizes("10000x50000,1x0")
        #expect(parsed.map { [$0.0, $0.1] } == [[10000, 50000], [1, 0]])
        for bad in ["x", "10x", "x5", "0x5", "10x-1", "10x5x3", "abcx1", "10 x5", "99999999999999999999x1"] {
            #expect(throws: ValidationError.self, "\(bad)") { try BenchCommand.sizes(bad) }
        }
    }

    @Test("mechanisms: the engine's names only")
    func mechanisms() throws {
        #expect(try BenchCommand.mechanisms("serial,optimal") == ["serial", "optimal"])
        for bad in ["fast", "serial,DA", "Serial"] {
            #expect(throws: ValidationError.self, "\(bad)") { try BenchCommand.mechanisms(bad) }
        }
    }
}
