import AllocationFiles
import ArgumentParser
import Foundation
import Store

/// `anju notice …`: a round's public notices as files, and their verification.
public struct NoticeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "notice",
        abstract: "List, export and verify a round's public notices (pre-draw and result).",
        subcommands: [List.self, Export.self, Verify.self])
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
