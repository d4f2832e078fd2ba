import Foundation
import TestSupport
import Testing

/// `anju solve` as shipped: the real executable, run as a child process on small cities,
/// checked against the file contract's "Invocation (file mode)" and "Output" sections.
/// Failures (exit 64, 65, 66) are in SolveFailureTests.
@Suite(.timeLimit(.minutes(2)))
struct SolveCommandTests {
    @Test func writesResultsAndSummaryAsTheContractSpecifies() async throws {
        let scratch = try ScratchFolder()
        var input = InputFiles.city(applicants: 800, slots: 500, seed: "contract check")
        // Ids whose byte order differs from numeric and from case-insensitive order
        // ("B10" < "B9" < "Z1" < "_3" < "a0"), so a locale or numeric sort would show.
        var applicants = try CSVDocument(input["applicants.csv"])
        let id = try #require(applicants.header.firstIndex(of: "applicant_id"))
        for k in applicants.rows.indices { applicants.rows[k][id] = ["a", "B", "_", "Z", "c", "-", "."][k % 7] + "\(k)" }
        input["applicants.csv"] = applicants.bytes()
        try input.write(to: scratch.path("in"))
        let run = try await Anju.run(["solve", "--input", scratch.path("in"), "--out", scratch.path("out")])
        try #require(run.status == 0 && !run.crashed, "\(run)")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: scratch.path("out"))) == [
            "results.csv", "summary.json",
        ])
        let (_, summary) = try RoundChecks.expectContractOutput(in: scratch.path("out"), for: input)
        #expect(summary.mechanism == "deferred_acceptance")
        #expect(summary.seed == "contract check")
        // A city where every outcome occurs, so the row checks above check something.
        #expect(summary.offered > 0 && summary.unmatched > 0 && summary.ineligible > 0)
    }

    @Test func sameInputGivesByteIdenticalOutputs() async throws {
        let scratch = try ScratchFolder()
        try InputFiles.city(applicants: 1000, slots: 400, seed: "determinism").write(to: scratch.path("in"))
        for out in ["first", "second"] {
            let run = try await Anju.run(["solve", "--input", scratch.path("in"), "--out", scratch.path(out), "--quiet"])
            try #require(run.status == 0, "\(run)")
        }
        let first = try Files.snapshot(scratch.path("first"))
        #expect(first.count == 2)
        #expect(first == (try Files.snapshot(scratch.path("second"))))
    }

    @Test func seedAndMechanismOverridesReachTheRound() async throws {
        let scratch = try ScratchFolder()
        // Far more applicants than places: the lottery decides who is offered one.
        let input = InputFiles.city(applicants: 1500, slots: 600, seed: "competitive")
        try input.write(to: scratch.path("in"))
        func solve(_ out: String, _ overrides: [String]) async throws -> (summary: Summary, results: [UInt8]) {
            let run = try await Anju.run(["solve", "--input", scratch.path("in"), "--out", scratch.path(out)] + overrides)
            try #require(run.status == 0 && !run.crashed, "\(run)")
            #expect(try Summary.read(scratch.path(out)).inputs == input.digests)
            return (try Summary.read(scratch.path(out)), try Files.read(scratch.path(out + "/results.csv")))
        }
        let policy = try await solve("policy", [])
        #expect(policy.summary.mechanism == "deferred_acceptance" && policy.summary.seed == "competitive")
        #expect(policy.summary.unmatched > 100, "the city must be competitive for the seed to matter")

        let sameSeed = try await solve("same-seed", ["--seed", "competitive"])
        #expect(sameSeed.results == policy.results)
        #expect(sameSeed.summary == policy.summary)

        let otherSeed = try await solve("other-seed", ["--seed", "another public draw"])
        #expect(otherSeed.summary.seed == "another public draw")
        #expect(otherSeed.summary.mechanism == "deferred_acceptance")
        #expect(otherSeed.results != policy.results, "a different seed must change the lottery")

        let serial = try await solve("serial", ["--mechanism", "serial"])
        #expect(serial.summary.mechanism == "serial" && serial.summary.seed == "competitive")
        let serialOtherSeed = try await solve("serial-other", ["--seed", "another public draw", "--mechanism", "serial"])
        #expect(serialOtherSeed.summary.mechanism == "serial" && serialOtherSeed.summary.seed == "another public draw")
        #expect(serialOtherSeed.results != serial.results)
    }

    @Test func createsAMissingNestedOutputFolder() async throws {
        let scratch = try ScratchFolder()
        let input = InputFiles.city(applicants: 200, slots: 150, seed: "nested")
        try input.write(to: scratch.path("in"))
        let out = scratch.path("results/2026/round-12")
        let run = try await Anju.run(["solve", "--input", scratch.path("in"), "--out", out, "--quiet"])
        try #require(run.status == 0, "\(run)")
        try RoundChecks.expectContractOutput(in: out, for: input)
    }

    @Test func replacesEarlierOutputs() async throws {
        let scratch = try ScratchFolder()
        let input = InputFiles.city(applicants: 300, slots: 200, seed: "replace")
        try input.write(to: scratch.path("in"))
        let notes = Array("the clerk's own notes\n".utf8)
        try Files.write(Array("stale,results\n".utf8), to: scratch.path("out/results.csv"))
        try Files.write(Array("{\"stale\": true}\n".utf8), to: scratch.path("out/summary.json"))
        try Files.write(notes, to: scratch.path("out/notes.txt"))
        for out in ["out", "fresh"] {
            let run = try await Anju.run(["solve", "--input", scratch.path("in"), "--out", scratch.path(out), "--quiet"])
            try #require(run.status == 0, "\(run)")
        }
        var replaced = try Files.snapshot(scratch.path("out"))
        // The folder's other files are left alone, and no temporary files are left behind.
        #expect(replaced.removeValue(forKey: "notes.txt") == notes)
        #expect(replaced == (try Files.snapshot(scratch.path("fresh"))))
    }

    @Test(arguments: ["serial", "deferred_acceptance"])
    func printsAHumanSummaryUnlessQuiet(mechanism: String) async throws {
        let scratch = try ScratchFolder()
        let input = InputFiles.city(applicants: 600, slots: 300, seed: "summary text")
        try input.write(to: scratch.path("in"))
        let base = ["solve", "--input", scratch.path("in"), "--mechanism", mechanism]
        let loud = try await Anju.run(base + ["--out", scratch.path("loud")])
        try #require(loud.status == 0 && !loud.crashed, "\(loud)")
        #expect(loud.stdout.contains("Round: \(mechanism), seed \"summary text\""), "\(loud)")
        #expect(loud.stdout.contains(scratch.path("loud") + "/results.csv"), "\(loud)")
        let (_, summary) = try RoundChecks.expectContractOutput(in: scratch.path("loud"), for: input)
        #expect(summary.mechanism == mechanism)

        let quiet = try await Anju.run(base + ["--out", scratch.path("quiet"), "--quiet"])
        try #require(quiet.status == 0, "\(quiet)")
        #expect(quiet.stdout == "")
        #expect(try Files.snapshot(scratch.path("quiet")) == (try Files.snapshot(scratch.path("loud"))))
    }

    /// `optimal` offers as many places as any allocation can; with as many as another
    /// mechanism offers, that mechanism's allocation is a candidate, so its total commute
    /// is an upper bound. In the first city the greedy mechanisms leave places a maximum
    /// allocation fills; in the second all three offer as many, so commutes are compared.
    @Test(arguments: [(400, 400), (600, 300)])
    func optimalOffersAtLeastAsManyPlacesAsTheOtherMechanisms(applicants: Int, slots: Int) async throws {
        let scratch = try ScratchFolder()
        let input = InputFiles.city(applicants: applicants, slots: slots, seed: "optimal")
        try input.write(to: scratch.path("in"))
        var others: [Summary] = []
        for mechanism in ["serial", "deferred_acceptance"] {
            let run = try await Anju.run(
                ["solve", "--input", scratch.path("in"), "--out", scratch.path(mechanism), "--mechanism", mechanism])
            try #require(run.status == 0, "\(run)")
            others.append(try Summary.read(scratch.path(mechanism)))
        }
        let base = ["solve", "--input", scratch.path("in"), "--mechanism", "optimal"]
        let loud = try await Anju.run(base + ["--out", scratch.path("optimal")])
        try #require(loud.status == 0 && !loud.crashed, "\(loud)")
        #expect(loud.stdout.contains("Round: optimal, seed \"optimal\""), "\(loud)")
        let (_, optimal) = try RoundChecks.expectContractOutput(in: scratch.path("optimal"), for: input)
        #expect(optimal.mechanism == "optimal")
        for other in others {
            #expect(optimal.offered >= other.offered, "\(other.mechanism) offers more")
            if optimal.offered == other.offered {
                #expect(optimal.totalCommuteMin <= other.totalCommuteMin, "\(other.mechanism) commutes less")
            }
        }
        let quiet = try await Anju.run(base + ["--out", scratch.path("optimal-quiet"), "--quiet"])
        #expect(quiet.status == 0, "\(quiet)")
        #expect(quiet.stdout == "")
    }

    @Test func generateWritesAFolderThatSolveAccepts() async throws {
        let scratch = try ScratchFolder()
        let seed = "generated, \"quoted\" 浦东"
        let generate = try await Anju.run([
            "generate", "--out", scratch.path("city"), "--applicants", "500", "--slots", "300", "--seed", seed,
        ])
        try #require(generate.status == 0, "\(generate)")
        let expected = InputFiles.city(applicants: 500, slots: 300, seed: seed)
        for name in InputFiles.names {
            #expect(try Files.read(scratch.path("city/" + name)) == expected[name], "\(name) differs from the library's")
        }
        let solve = try await Anju.run(["solve", "--input", scratch.path("city"), "--out", scratch.path("out"), "--quiet"])
        try #require(solve.status == 0, "\(solve)")
        let (_, summary) = try RoundChecks.expectContractOutput(in: scratch.path("out"), for: expected)
        #expect(summary.seed == seed)
        #expect(summary.applicants == 500)
    }
}
