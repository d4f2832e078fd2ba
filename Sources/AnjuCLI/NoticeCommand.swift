import Allocation
import AllocationFiles
import ArgumentParser
import Foundation
import Store

/// `anju notice …`: a round's public notices as files, and their verification.
public struct NoticeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "notice",
        abstract: "List, export, verify and correct a round's public notices (pre-draw and result).",
        subcommands: [List.self, Export.self, Verify.self, Correct.self])
    /// Argument parser needs an empty initialiser.
    public init() {}

    /// `notice list ROUND`.
    public struct List: ParsableCommand {
        public static let configuration = CommandConfiguration(abstract: "List a round's notices, oldest first.")
        @Argument(help: "Round id.") var round: String
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}

        public func run() throws {
            let notices = try store.withStore(quietly: true) { try $0.notices(round) }
            if notices.isEmpty { print("round \(round) has no notices: anju round freeze \(round) …") }
            for n in notices {
                print([String(n.noticeID), n.kind.rawValue, n.sha256, n.publishedAt,
                       n.supersededBy.map { "superseded by \($0)" } ?? "current"].joined(separator: "\t"))
            }
        }
    }

    /// `notice export ROUND --out DIR`.
    public struct Export: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Write a round's notices as published: DIR/pre-draw, DIR/result and DIR/superseded/ID-KIND (each table also as JSON).",
            discussion: "anju notice verify DIR and deploy/verify-notice.py DIR check them using these files alone.")
        @Argument(help: "Round id.") var round: String
        @Option(name: .long, help: ArgumentHelp("Folder to write the notices into.", valueName: "dir")) var out: String
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}

        public func validate() throws {
            if out.isEmpty { throw ValidationError("--out must name a folder") }
        }

        public func run() throws {
            let notices = try store.withStore(quietly: true) { store in
                let list = try store.notices(round)
                if list.isEmpty { _ = try store.round(round) }
                return try list.map { ($0, try store.noticeFiles($0.noticeID)) }
            }
            guard !notices.isEmpty else {
                Diagnostics.print("anju: round \(round) has no notices (anju round freeze \(round) publishes the first)")
                throw ExitCode(65)
            }
            var writes: [(path: String, bytes: [UInt8])] = []
            let base = URL(fileURLWithPath: out)
            for (info, files) in notices {
                let folder = info.supersededBy == nil
                    ? base.appendingPathComponent(info.kind.folder)
                    : base.appendingPathComponent("superseded").appendingPathComponent("\(info.noticeID)-\(info.kind.folder)")
                writes += files.map { (folder.appendingPathComponent($0.name).path, $0.bytes) }
                // Each table's rows as JSON too, beside it: a rendering of the hashed CSV, not
                // in the manifest (the verifiers check the published files only).
                for file in files where NoticeKind.allTables.contains(file.name) {
                    let json = NoticeRowsJSON(csv: file.bytes, file: file.name, noticeSHA256: info.sha256)
                    writes.append((folder.appendingPathComponent(NoticeRowsJSON.name(forTable: file.name)).path, Array(json.joined())))
                }
            }
            try writeAll(writes)
            for (info, _) in notices where info.supersededBy == nil {
                print("wrote \(out)/\(info.kind.folder) (notice \(info.sha256))")
            }
            let old = notices.count { $0.0.supersededBy != nil }
            if old > 0 { print("wrote \(old) superseded notice(s) in \(out)/superseded") }
        }
    }

    /// `notice correct ROUND --applicant ID --outcome O [--project P] --reason R [--objection N]`.
    public struct Correct: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Publish a corrected result notice: one applicant's outcome changed after the draw.",
            discussion: """
                The new notice supersedes the round's result notice (which stays readable), keeps the draw's files \
                unchanged and lists every correction since the draw in corrections.csv. It publishes the bureau's \
                decision; it does not make or withdraw offers. Reasons: \(CorrectionReason.allCases.map(\.rawValue).joined(separator: ", ")).
                """)
        @Argument(help: "Round id.") var round: String
        @Option(name: .long, help: ArgumentHelp("The applicant (their public reference).", valueName: "id")) var applicant: String
        @Option(name: .long, help: ArgumentHelp("offered, unmatched or ineligible: the outcome after the correction.", valueName: "outcome"))
        var outcome: String
        @Option(name: .long, help: ArgumentHelp("The project offered (with --outcome offered only).", valueName: "project-id"))
        var project: String?
        @Option(name: .long, help: ArgumentHelp("Why: a reason code.", valueName: "reason")) var reason: String
        @Option(name: .long, help: ArgumentHelp("The upheld outcome objection this answers.", valueName: "objection-id"))
        var objection: Int64?
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}

        public func validate() throws {
            guard let o = ApplicantResult.Outcome(rawValue: outcome) else {
                throw ValidationError("--outcome: offered, unmatched or ineligible, not \"\(outcome)\"")
            }
            if (o == .offered) != (project != nil) {
                throw ValidationError(o == .offered ? "--outcome offered needs --project" : "--project goes with --outcome offered only")
            }
            guard CorrectionReason(rawValue: reason) != nil else {
                throw ValidationError("--reason: one of \(CorrectionReason.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(reason)\"")
            }
            if let objection, objection < 1 { throw ValidationError("--objection: an objection number from 1") }
        }

        public func run() throws {
            let request = CorrectionRequest(
                applicantID: applicant, after: NoticeOutcome(ApplicantResult.Outcome(rawValue: outcome) ?? .unmatched, project: project ?? ""),
                objectionID: objection, reason: CorrectionReason(rawValue: reason) ?? .clericalError)
            let report = try store.withStore { try $0.correctResult(round, corrections: [request]) }
            let c = report.corrections.last!
            print("published the corrected result notice \(report.notice.noticeID) (\(report.notice.sha256)) of round \(round)")
            print("it supersedes notice \(report.superseded.noticeID) (\(report.superseded.sha256)), which stays readable")
            print("\(c.applicantID): \(c.before) -> \(c.after) (\(c.reason.rawValue)); \(report.corrections.count) correction(s) since the draw")
        }
    }

    /// `notice verify DIR`.
    public struct Verify: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Check exported notices using only their files: digests, seed parts, lottery numbers, order, counts.",
            discussion: "Exit status 0 when they verify, 1 when anything is wrong (each problem located), 66 when DIR/pre-draw is missing.")
        @Argument(help: "The folder anju notice export wrote (with pre-draw/ and, after the draw, result/).") var folder: String
        /// Argument parser needs an empty initialiser.
        public init() {}

        public func run() throws {
            let base = URL(fileURLWithPath: folder)
            guard let preDraw = Self.read(base.appendingPathComponent(NoticeKind.preDraw.folder)) else {
                Diagnostics.print("anju: \(folder)/\(NoticeKind.preDraw.folder) is missing or unreadable")
                throw ExitCode(66)
            }
            let result = Self.read(base.appendingPathComponent(NoticeKind.result.folder))
            let problems = NoticeVerifier.verify(preDraw: preDraw, result: result)
            if problems.isEmpty {
                print("notices in \(folder) verify: " + (result == nil
                    ? "pre-draw notice only (the round is not drawn)"
                    : "the seed is formed from its revealed parts as published, every lottery number, every offer list and every count is right"))
                let corrections = NoticeVerifier.correctionLines(result: result)
                if !corrections.isEmpty {
                    print("the result notice is a corrected one: \(corrections.count) outcome(s) changed after the draw (the draw above is unchanged):")
                    for line in corrections { print("  " + line) }
                }
            } else {
                for p in problems { Diagnostics.print("\(folder)/\(p)") }
                Diagnostics.print("notices in \(folder) do NOT verify")
                throw ExitCode(1)
            }
        }

        /// Every regular file of `folder` by name; nil when the folder is missing.
        static func read(_ folder: URL) -> [String: [UInt8]]? {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return nil }
            var files: [String: [UInt8]] = [:]
            for name in names where !name.hasPrefix(".") {
                if let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) { files[name] = [UInt8](data) }
            }
            return files
        }
    }
}
