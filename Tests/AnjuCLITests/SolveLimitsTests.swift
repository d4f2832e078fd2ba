import AnjuBenchmarks
import Foundation
import Testing

/// `anju solve` on files whose every integer sits at the contract's minimum or maximum,
/// under commute models that push minutes past 32 and 64 bits, in every mechanism: a
/// result (exit 0) or a located diagnostic (exit 65), never a trap. Also `--timings`, and
/// `anju bench` finding its repository files from any working folder.
@Suite(.timeLimit(.minutes(3)))
struct SolveLimitsTests {
    static let most = "9223372036854775807"

    /// A small round in the contract's files; `high` puts every integer at its maximum,
    /// else at its minimum.
    static func files(high: Bool, commute: String, defaultLimit: String) -> InputFiles {
        let n = high ? most : nil
        let household = n ?? "1", money = n ?? "0", limit = n ?? "1", points = n ?? "0"
        return InputFiles(files: [
            "projects.csv": Array("""
                project_id,name,district,lat,lon,programme
                P1,North,Putuo,90,180,general
                P2,South,Jingan,-90,-180,general
                P3,Origin,Putuo,0,0,frontline
                P4,Near origin,Xuhui,-0.0000,0.001,general

                """.utf8),
            "slots.csv": Array("""
                slot_id,project_id,kind,room_id,max_household,rent,gender,accessible,status,reserved_employer_id
                S1,P1,apartment,,\(household),\(money),any,true,available,
                S2,P1,apartment,,1,0,any,false,available,
                S3,P2,bed,R1,1,\(money),female,false,available,
                S4,P3,apartment,,\(household),\(money),any,false,available,E1
                S5,P3,apartment,,\(household),0,any,false,available,
                S6,P4,apartment,,\(household),\(money),any,false,available,
                S7,P4,apartment,,1,\(money),any,false,maintenance,

                """.utf8),
            "applicants.csv": Array("""
                applicant_id,category,household_size,gender,birth_date,monthly_income,work_lat,work_lon,work_district,max_commute_min,max_rent,needs_accessible,priority_points,employer_id,applied_at
                A1,general,\(household),female,0001-01-01,\(money),90,180,Putuo,\(limit),\(money),false,\(points),,
                A2,general,1,female,9999-12-31,0,-90,-180,Jingan,1,0,false,0,,0001-01-01T00:00:00Z
                A3,frontline_worker,\(household),male,0001-01-01,0,0,0,Putuo,\(limit),\(money),false,\(points),E1,9999-12-31T23:59:60+15:59
                A4,youth_talent,1,female,9999-12-31,\(money),-90,180,Putuo,,,true,\(points),,
                A5,frontline_worker,1,male,0001-01-01,\(money),0,0,Xuhui,,,false,,,
                A6,general,\(household),female,2000-02-29,0,45,-180,Putuo,\(limit),0,false,\(points),,
                A7,youth_talent,1,male,9999-12-31,0,0,0.002,Xuhui,\(limit),\(money),false,0,,

                """.utf8),
            "policy.json": Array("""
                {"round_date": "\(high ? "9999-12-31" : "0001-01-01")", "seed": "limits", "default_max_commute_min": \(defaultLimit),
                 "commute": \(commute),
                 "programmes": {"general": {"categories": ["general", "youth_talent", "frontline_worker"], "max_age": \(n ?? "0"), "income_max": \(money)},
                                "frontline": {"categories": ["frontline_worker"]}}}
                """.utf8),
        ])
    }

    static let commutes = [
        #"{"overhead_min": 0, "detour_factor": 1, "speed_kmh": 25}"#,
        #"{"overhead_min": 4294967286, "detour_factor": 1.3, "speed_kmh": 25}"#,
        #"{"overhead_min": 4600000000000000000}"#,
        #"{"overhead_min": 1e300}"#,
        #"{"speed_kmh": 5e-324}"#,
        #"{"speed_kmh": 0.000000001, "detour_factor": 1e308}"#,
    ]

    @Test(arguments: ["serial", "deferred_acceptance", "optimal"])
    func everyIntegerAtItsLimitsGivesAResultOrALocatedError(mechanism: String) async throws {
        for high in [true, false] {
            for commute in Self.commutes {
                for defaultLimit in ["1", Self.most] {
                    let scratch = try ScratchFolder()
                    try Self.files(high: high, commute: commute, defaultLimit: defaultLimit).write(to: scratch.path("in"))
                    let run = try await Anju.run([
                        "solve", "--input", scratch.path("in"), "--out", scratch.path("out"), "--mechanism", mechanism,
                    ])
                    let context = "\(high ? "maxima" : "minima"), \(commute), default limit \(defaultLimit): \(run)"
                    #expect(!run.crashed, "\(context)")
                    if run.status == 0 {
                        let csv = String(decoding: try Files.read(scratch.path("out/results.csv")), as: UTF8.self)
                        #expect(csv.split(separator: "\n").count == 8, "\(context)")
                        // Read as text: the total may pass Int.max, which JSONDecoder's Int refuses.
                        let summary = String(decoding: try Files.read(scratch.path("out/summary.json")), as: UTF8.self)
                        #expect(summary.contains("\"applicants\": 7,"), "\(context)")
                        #expect(summary.contains(/"total_commute_min": [0-9]+,/), "\(context)\n\(summary)")
                    } else {
                        #expect(mechanism == "optimal" && run.status == 65, "\(context)")
                        #expect(run.diagnostics.contains { $0.hasPrefix("policy.json:1: commute.speed_kmh: ") }, "\(context)")
                        #expect(!Files.exists(scratch.path("out")), "\(context)")
                    }
                }
            }
        }
    }

    @Test func timingsGoToStderrAndChangeNoOutput() async throws {
        let scratch = try ScratchFolder()
        try InputFiles.city(applicants: 300, slots: 120, seed: "timings").write(to: scratch.path("in"))
        let plain = try await Anju.run(["solve", "--input", scratch.path("in"), "--out", scratch.path("plain")])
        let timed = try await Anju.run(["solve", "--input", scratch.path("in"), "--out", scratch.path("timed"), "--timings"])
        try #require(plain.status == 0 && timed.status == 0, "\(plain)\n\(timed)")
        #expect(timed.stdout == plain.stdout.replacingOccurrences(of: scratch.path("plain"), with: scratch.path("timed")))
        #expect(try Files.snapshot(scratch.path("timed")) == Files.snapshot(scratch.path("plain")))
        let lines = timed.stderrLines.filter { $0.hasPrefix("timing: ") }
        for phase in [
            "read files", "parse, validate, digests", "lottery, priorities, groups",
            "preferences and mechanism (deferred_acceptance)", "results and reasons", "write results.csv, summary.json",
            "total",
        ] {
            #expect(lines.contains { $0.hasPrefix("timing: \(phase) ") && $0.hasSuffix(" s") }, "\(phase): \(timed)")
        }
        #expect(!plain.stderr.contains("timing:"))
    }

    @Test func benchFilesAreFoundFromAnyWorkingFolder() throws {
        for file in ["Tests/Benchmarks/status.lua", "Tests/Benchmarks/ortools_optimal.py", "Tests/Benchmarks"] {
            let found = try RepositoryFiles.locate(file, option: "--scripts", workingFolder: "/")
            #expect(FileManager.default.fileExists(atPath: found) && found.hasSuffix(file), "\(found)")
        }
        #expect(throws: BenchmarkError.self) { try RepositoryFiles.locate("Tests/Benchmarks/none.lua", option: "--scripts", workingFolder: "/") }
    }

    /// From a folder outside the repository, a wrong path is refused at once, by name,
    /// before any city is generated or database started.
    @Test func benchNamesAMissingFileAndItsOption() async throws {
        let scratch = try ScratchFolder()
        for (arguments, option) in [
            (["bench", "api", "--scripts", "Tests/no-such-folder", "--work", scratch.path("w")], "--scripts"),
            (["bench", "solve", "--peer", "Tests/no-such.py", "--sizes", "10x10", "--work", scratch.path("w")], "--peer"),
        ] {
            let process = Process()
            process.executableURL = Anju.executable
            process.arguments = arguments
            process.currentDirectoryURL = scratch.url
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus != 0 && message.contains(option), "\(arguments): \(message)")
            #expect(!Files.exists(scratch.path("w")), "nothing generated: \(arguments)")
        }
    }
}
