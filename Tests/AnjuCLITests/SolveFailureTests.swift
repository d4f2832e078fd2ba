import Foundation
import Testing

/// `anju solve` when it must refuse: exit 66 for a missing input file (checked before
/// anything else), 65 for invalid input with every problem located, 64 for bad usage —
/// and in every case the output folder neither created nor changed.
@Suite(.timeLimit(.minutes(2)))
struct SolveFailureTests {
    // MARK: - 66: a missing input file

    @Test(arguments: InputFiles.names)
    func aMissingFileIsExit66EvenWhenTheOthersAreInvalid(missing: String) async throws {
        let scratch = try ScratchFolder()
        var input = InputFiles.city(applicants: 50, slots: 40, seed: "missing")
        for name in InputFiles.names { input[name] = Array("no,such\n\"unterminated\n".utf8) }
        input.files[missing] = nil
        try input.write(to: scratch.path("in"))
        let run = try await Anju.run(["solve", "--input", scratch.path("in"), "--out", scratch.path("out/round")])
        #expect(run.status == 66 && !run.crashed, "\(run)")
        #expect(run.stderr.contains(missing), "\(run)")
        #expect(run.diagnostics.isEmpty, "no validation before the missing file is reported: \(run)")
        #expect(run.stdout == "")
        #expect(!Files.exists(scratch.path("out")), "the output folder must not be created")
    }

    @Test func aMissingInputFolderIsExit66() async throws {
        let scratch = try ScratchFolder()
        let run = try await Anju.run(["solve", "--input", scratch.path("nowhere"), "--out", scratch.path("out")])
        #expect(run.status == 66 && !run.crashed, "\(run)")
        #expect(run.stderr.contains("projects.csv"), "\(run)")
        #expect(!Files.exists(scratch.path("out")))
    }

    @Test func anInputFileThatIsAFolderIsExit66() async throws {
        let scratch = try ScratchFolder()
        try InputFiles.city(applicants: 20, slots: 20, seed: "folder").write(to: scratch.path("in"))
        try FileManager.default.removeItem(atPath: scratch.path("in/applicants.csv"))
        try FileManager.default.createDirectory(atPath: scratch.path("in/applicants.csv"), withIntermediateDirectories: false)
        let run = try await Anju.run(["solve", "--input", scratch.path("in"), "--out", scratch.path("out")])
        #expect(run.status == 66 && !run.crashed, "\(run)")
        #expect(run.stderr.contains("applicants.csv"), "\(run)")
        #expect(!Files.exists(scratch.path("out")))
    }

    @Test func aMissingFileLeavesEarlierResultsUntouched() async throws {
        let scratch = try ScratchFolder()
        try InputFiles.city(applicants: 100, slots: 80, seed: "earlier").write(to: scratch.path("in"))
        let first = try await Anju.run(["solve", "--input", scratch.path("in"), "--out", scratch.path("out"), "--quiet"])
        try #require(first.status == 0, "\(first)")
        let before = try Files.snapshot(scratch.path("out"))
        try FileManager.default.removeItem(atPath: scratch.path("in/slots.csv"))
        let run = try await Anju.run(["solve", "--input", scratch.path("in"), "--out", scratch.path("out"), "--quiet"])
        #expect(run.status == 66, "\(run)")
        #expect(try Files.snapshot(scratch.path("out")) == before)
    }

    // MARK: - 65: invalid input

    /// Problems in all four files, each on a known physical line: a quoted line break in
    /// projects.csv moves the next record to line 4; applicants.csv has an empty line
    /// (skipped, still counted) before the second and third `A1`; policy.json lacks
    /// `round_date`, a key with no line of its own (so line 1).
    static let invalid = InputFiles(files: [
        "projects.csv": """
            project_id,name,district,lat,lon,programme
            P1,"浦东
            人才公寓",Pudong,31.2304,121.4737,talent
            P2,Beds,Putuo,95,121.40,frontline

            """,
        "slots.csv": """
            slot_id,project_id,kind,room_id,max_household,rent,gender,accessible,status,reserved_employer_id
            S1,P1,apartment,,3,2500,any,true,available,
            S2,P2,flat,R1,1,800,female,false,available,
            S3,P9,bed,R1,1,800,female,false,available,

            """,
        "applicants.csv": """
            applicant_id,category,household_size,gender,birth_date,monthly_income,work_lat,work_lon,work_district,max_commute_min,max_rent,needs_accessible,priority_points,employer_id,applied_at
            A1,youth_talent,1,female,1995-04-12,9000,31.23,121.47,Pudong,45,3000,false,2,,
            A2,frontline_worker,1,male,1980-01-01,6000,31.2,121.4,Putuo,,,true,,E1,

            A1,general,2,male,1990-02-30,6000,31.2,121.4,Putuo,,,true,,,
            A1,general,1,female,1990-01-01,6000,31.2,121.4,Putuo,,,false,,,

            """,
        "policy.json": """
            {
              "seed": "invalid round",
              "commute": {
                "overhead_min": 10,
                "speed_kmh": 0
              }
            }

            """,
    ].mapValues { Array($0.utf8) })

    /// Each expected problem: `FILE:LINE: COLUMN: ` and a fragment its message must quote.
    static let expectedProblems = [
        ("projects.csv:4: lat: ", "95"),
        ("slots.csv:3: kind: ", "flat"),
        ("slots.csv:4: project_id: ", "P9"),
        ("applicants.csv:5: applicant_id: ", "A1"),
        ("applicants.csv:5: birth_date: ", "1990-02-30"),
        ("applicants.csv:6: applicant_id: ", "A1"),
        ("policy.json:1: round_date: ", "missing"),
        ("policy.json:5: commute.speed_kmh: ", "0"),
    ]

    /// The same files as saved by a spreadsheet (BOM, CRLF; CRLF in policy.json too) must
    /// give the same lines: CRLF is one line break.
    @Test(arguments: [false, true])
    func everyProblemIsReportedAtItsLine(crlf: Bool) async throws {
        let scratch = try ScratchFolder()
        var input = Self.invalid
        if crlf {
            for (name, bytes) in input.files {
                let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n")
                input[name] = (name.hasSuffix(".csv") ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8)
            }
        }
        try input.write(to: scratch.path("in"))
        let run = try await Anju.run(["solve", "--input", scratch.path("in"), "--out", scratch.path("out/round")])
        #expect(run.status == 65 && !run.crashed, "\(run)")
        for (prefix, quoted) in Self.expectedProblems {
            let found = run.diagnostics.filter { $0.hasPrefix(prefix) }
            #expect(found.count == 1, "expected one `\(prefix)…` in:\n\(run.stderr)")
            #expect(found.allSatisfy { $0.dropFirst(prefix.count).contains(quoted) }, "\(found)")
        }
        #expect(run.diagnostics.count == Self.expectedProblems.count, "unexpected problems:\n\(run.stderr)")
        #expect(run.stdout == "")
        #expect(!Files.exists(scratch.path("out")), "the output folder must not be created")
    }

    @Test func invalidInputLeavesEarlierResultsUntouched() async throws {
        let scratch = try ScratchFolder()
        try InputFiles.city(applicants: 100, slots: 80, seed: "earlier").write(to: scratch.path("good"))
        try Self.invalid.write(to: scratch.path("bad"))
        let first = try await Anju.run(["solve", "--input", scratch.path("good"), "--out", scratch.path("out"), "--quiet"])
        try #require(first.status == 0, "\(first)")
        let before = try Files.snapshot(scratch.path("out"))
        let run = try await Anju.run(["solve", "--input", scratch.path("bad"), "--out", scratch.path("out")])
        #expect(run.status == 65, "\(run)")
        #expect(run.diagnostics.count == Self.expectedProblems.count, "\(run)")
        #expect(try Files.snapshot(scratch.path("out")) == before)
    }

    // MARK: - 64: bad usage

    /// One misuse of the command line; `$IN` and `$OUT` stand for a valid input folder
    /// and an output folder that does not exist yet.
    struct Usage: Sendable, CustomTestStringConvertible {
        let arguments: [String]
        /// Text stderr must contain, so the user learns what was wrong.
        let complaint: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    @Test(arguments: [
        Usage(arguments: ["--out", "$OUT"], complaint: "--input"),
        Usage(arguments: ["--input", "$IN"], complaint: "--out"),
        Usage(arguments: ["--input", "$IN", "--out", "$OUT", "--mechanism", "fastest"], complaint: "fastest"),
        Usage(arguments: ["--input", "$IN", "--out", "$OUT", "--seed", ""], complaint: "--seed"),
        Usage(arguments: ["--input", "$IN", "--out", "$OUT", "--frobnicate"], complaint: "--frobnicate"),
        Usage(arguments: ["--input", "$IN", "--out", "$OUT", "surplus"], complaint: "surplus"),
    ])
    func badUsageIsExit64(usage: Usage) async throws {
        let scratch = try ScratchFolder()
        let run = try await Self.solve(usage, in: scratch)
        #expect(run.status == 64 && !run.crashed, "\(run)")
        #expect(run.stderr.contains(usage.complaint), "\(run)")
        #expect(run.stdout == "")
        #expect(!Files.exists(scratch.path("out")))
    }

    /// An empty folder name is bad usage, as an empty seed is (and as `anju generate`
    /// treats an empty --out): without the check, `--input ""` would look for
    /// `/projects.csv` at the file-system root and `--out ""` would solve the whole round
    /// before failing.
    @Test(arguments: [
        Usage(arguments: ["--input", "", "--out", "$OUT"], complaint: "--input"),
        Usage(arguments: ["--input", "$IN", "--out", ""], complaint: "--out"),
    ])
    func emptyFolderNamesAreBadUsage(usage: Usage) async throws {
        let scratch = try ScratchFolder()
        let run = try await Self.solve(usage, in: scratch)
        #expect(run.status == 64, "\(run)")
        #expect(run.stderr.contains(usage.complaint), "\(run)")
        #expect(!run.crashed)
        #expect(!Files.exists(scratch.path("out")))
    }

    /// Runs `anju solve` with `usage`'s arguments, `$IN` being a valid city in `scratch`.
    private static func solve(_ usage: Usage, in scratch: ScratchFolder) async throws -> ProcessRun {
        try InputFiles.city(applicants: 20, slots: 20, seed: "usage").write(to: scratch.path("in"))
        let arguments = usage.arguments.map { $0 == "$IN" ? scratch.path("in") : $0 == "$OUT" ? scratch.path("out") : $0 }
        return try await Anju.run(["solve"] + arguments)
    }
}
