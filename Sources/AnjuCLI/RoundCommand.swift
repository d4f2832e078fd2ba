import Allocation
import AllocationFiles
import ArgumentParser
import Foundation
import Store

/// `anju round …`: allocation rounds on the database's live inventory and pool.
public struct RoundCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "round",
        abstract: "Create, run, verify, export and report allocation rounds.",
        discussion: """
            A round is created from a policy.json (anju round create), then run once (anju round run): \
            in one transaction it snapshots the available slots and waiting applicants, solves them, \
            and writes the offers with a response deadline. verify re-solves the stored snapshot; \
            export writes results.csv (and the snapshot's four files); report writes an HTML report.
            """,
        subcommands: [Create.self, Run.self, Freeze.self, Draw.self, List.self, Show.self, Verify.self, Export.self, Report.self]
    )
    /// Argument parser needs an empty initialiser.
    public init() {}

    /// `round create --policy policy.json`.
    public struct Create: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Store a round's policy and seed (the round is a draft until run).")
        @Option(name: .long, help: ArgumentHelp("The round's policy.json (file contract; may add an \"offers\" object).", valueName: "file"))
        var policy: String
        @Option(name: .long, help: ArgumentHelp("Round id (default: <round_date>-<n>).", valueName: "id"))
        var id: String?
        @Option(name: .long, help: "Override the policy's mechanism: serial, deferred_acceptance or optimal.")
        var mechanism: Mechanism?
        @Option(name: .long, help: "Override the policy's lottery seed (non-empty).")
        var seed: String?
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}

        public func validate() throws {
            if let seed, seed.isEmpty { throw ValidationError("--seed must not be empty") }
        }

        public func run() throws {
            let bytes: [UInt8]
            do {
                bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: policy)))
            } catch {
                Diagnostics.print("anju: cannot read \(policy): \(error.localizedDescription)")
                throw ExitCode(66)
            }
            let name = URL(fileURLWithPath: policy).lastPathComponent
            let info = try store.withStore { try $0.createRound(id: id, policy: bytes, fileName: name, mechanism: mechanism, seed: seed) }
            print("round \(info.roundID) created (draft): \(info.mechanism.rawValue), seed \(quotedSeed(info.seed)), round date \(info.roundDate)")
            print("offers: \(info.responseDays) days to answer; \(info.maxRefusals) refusals suspend an applicant")
            print("next: anju round run \(info.roundID)")
        }
    }

    /// `round run ID`.
    public struct Run: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Run a draft round: snapshot, solve, and write offers, all in one transaction.")
        @Argument(help: "Round id.") var round: String
        @Flag(name: .long, help: "Print nothing but errors.") var quiet = false
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}

        public func run() throws {
            let progress = TerminalProgress(enabled: !quiet)
            let started = Date()
            let report = try store.withStore(quietly: quiet) { store in
                defer { progress.finish() }
                return try store.runRound(
                    round, phase: { progress.phase($0) }, progress: progress.fraction)
            }
            guard !quiet else { return }
            print("round \(report.round.roundID) run in \(String(format: "%.2f", Date().timeIntervalSince(started))) s"
                + (report.attempts > 1 ? " (\(report.attempts) attempts: the inventory changed meanwhile)" : ""))
            print("snapshot digest \(report.round.inputDigest ?? "-")")
            if report.heldAsDuplicates > 0 || report.pendingReview > 0 {
                print(
                    "held back: \(report.heldAsDuplicates) waiting applicant(s) in unresolved duplicate sets (anju duplicates list), "
                        + "\(report.pendingReview) application(s) pending review (anju applications list)")
            }
            print("offers answer by \(report.round.offerDeadline ?? "-")")
            print(RoundSummaryText.render(report.result, input: report.input, out: nil), terminator: "")
        }
    }

    /// `round list`.
    public struct List: ParsableCommand {
        public static let configuration = CommandConfiguration(abstract: "List the city's rounds, newest first.")
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}

        public func run() throws {
            let rounds = try store.withStore(quietly: true) { try $0.rounds() }
            if rounds.isEmpty { print("no rounds yet: anju round create --policy policy.json") }
            for r in rounds {
                print([r.roundID, r.status, r.mechanism.rawValue, r.roundDate, r.runAt ?? "not run"].joined(separator: "\t"))
            }
        }
    }

    /// `round show ID`.
    public struct Show: ParsableCommand {
        public static let configuration = CommandConfiguration(abstract: "Show a round: policy, digest, summary and its offers by status.")
        @Argument(help: "Round id.") var round: String
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}

        public func run() throws {
            let (info, counts) = try store.withStore(quietly: true) { store in
                (try store.round(round), try store.offerCounts(round))
            }
            print("round \(info.roundID): \(info.status)")
            print("mechanism \(info.mechanism.rawValue), seed \(quotedSeed(info.seed)), round date \(info.roundDate)")
            print("created \(info.createdAt)" + (info.runAt.map { ", run \($0)" } ?? ""))
            print("offers: \(info.responseDays) days to answer (deadline \(info.offerDeadline ?? "set at run")); \(info.maxRefusals) refusals suspend")
            if let digest = info.inputDigest { print("snapshot digest \(digest)") }
            if let summary = info.summary { print("summary \(summary)") }
            if !counts.isEmpty {
                print("offers now: " + counts.map { "\($0.count) \($0.status)" }.joined(separator: ", "))
            }
        }
    }

    /// `round verify ID`.
    public struct Verify: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Re-solve a round's stored snapshot and confirm the stored results and offers bit for bit.",
            discussion: "Exit status 0 when everything matches, 1 when anything differs (each difference is listed).")
        @Argument(help: "Round id.") var round: String
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}

        public func run() throws {
            let progress = TerminalProgress(enabled: true)
            progress.phase("re-solving the snapshot")
            let verification = try store.withStore(quietly: true) { store in
                defer { progress.finish() }
                return try store.verifyRound(round, progress: progress.fraction)
            }
            if verification.differences.isEmpty {
                print("round \(round) verified: the stored snapshot (digest \(verification.round.inputDigest ?? "-")) re-solves to the same \(verification.rows) results and \(verification.offers) offers")
            } else {
                for d in verification.differences { Diagnostics.print("round \(round): \(d)") }
                Diagnostics.print("round \(round) does NOT verify: \(verification.differences.count) difference(s)")
                throw ExitCode(1)
            }
        }
    }

    /// `round export ID --out results.csv [--snapshot DIR]`.
    public struct Export: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Write a round's results.csv (the file contract's format) and, optionally, its snapshot's input files.",
            discussion: "With --snapshot DIR, `anju solve --input DIR` recomputes the same results.csv anywhere.")
        @Argument(help: "Round id.") var round: String
        @Option(name: .long, help: ArgumentHelp("Where to write results.csv.", valueName: "file")) var out: String
        @Option(name: .long, help: ArgumentHelp("Folder to write the snapshot's projects.csv, slots.csv, applicants.csv and policy.json into.", valueName: "dir"))
        var snapshot: String?
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}

        public func validate() throws {
            if out.isEmpty { throw ValidationError("--out must name a file") }
            if let snapshot, snapshot.isEmpty { throw ValidationError("--snapshot must name a folder") }
        }

        public func run() throws {
            let (result, files) = try store.withStore(quietly: true) { store in
                (try store.results(round), try snapshot.map { _ in try store.snapshot(round).files })
            }
            var writes = [(path: out, bytes: ResultsCSV.render(result.rows))]
            if let snapshot, let files {
                writes += files.map { (URL(fileURLWithPath: snapshot).appendingPathComponent($0.name).path, $0.bytes) }
            }
            try writeAll(writes)
            print("wrote \(out) (\(result.rows.count) applicants, \(result.offered) offered)" + (snapshot.map { " and the snapshot in \($0)" } ?? ""))
        }
    }

    /// `round report ID --out report.html`.
    public struct Report: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Write a self-contained HTML report of a round, with the three mechanisms compared on its snapshot.")
        @Argument(help: "Round id.") var round: String
        @Option(name: .long, help: ArgumentHelp("Where to write the HTML file.", valueName: "file")) var out: String
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}

        public func validate() throws {
            if out.isEmpty { throw ValidationError("--out must name a file") }
        }

        public func run() throws {
            let progress = TerminalProgress(enabled: true)
            let html = try store.withStore(quietly: true) { store in
                defer { progress.finish() }
                progress.phase("reading the round")
                return try RoundReportBuilder.html(store: store, round: round, progress: progress)
            }
            try writeAll([(out, Array(html.utf8))])
            print("wrote \(out)")
        }
    }
}

/// The seed as the user typed it, quoted (seeds are free text).
func quotedSeed(_ seed: String) -> String { "\"\(seed)\"" }

/// Writes each file through a temporary name and a rename, so no reader ever sees half a
/// file; creates missing folders. Exit 73 when anything cannot be written.
func writeAll(_ files: [(path: String, bytes: [UInt8])]) throws {
    do {
        for file in files {
            let url = URL(fileURLWithPath: file.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
            try Data(file.bytes).write(to: temp)
            if FileManager.default.fileExists(atPath: url.path) {
                _ = try FileManager.default.replaceItemAt(url, withItemAt: temp)
            } else {
                try FileManager.default.moveItem(at: temp, to: url)
            }
        }
    } catch {
        Diagnostics.print("anju: cannot write: \(error.localizedDescription)")
        throw ExitCode(73)
    }
}
