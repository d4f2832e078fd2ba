import Allocation
import AllocationFiles
import ArgumentParser
import Foundation
import Store

extension RoundCommand {
    /// `round freeze ID --bureau-commitment HEX --public-source TEXT --public-date DATE [--witness NAME=HEX ...]`.
    public struct Freeze: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Freeze a draft round's pool without drawing, and publish the pre-draw notice with how the seed will be formed.",
            discussion: """
                The seed will be formed (formula anju-seed-1, see README) from the bureau's secret, whose SHA-256 is \
                --bureau-commitment, the public value named by --public-source that appears on --public-date (after \
                today), and each witness's secret, committed here as NAME=SHA256. Freezing again before the draw takes \
                a new snapshot and publishes a notice that supersedes the last one.
                """)
        @Argument(help: "Round id.") var round: String
        @Option(name: .long, help: ArgumentHelp("SHA-256 (hex) of the bureau's secret.", valueName: "hex")) var bureauCommitment: String
        @Option(name: .long, help: ArgumentHelp("The public value the seed takes, in words anyone can look up.", valueName: "text"))
        var publicSource: String
        @Option(name: .long, help: ArgumentHelp("The day that value appears (YYYY-MM-DD, after today).", valueName: "date"))
        var publicDate: String
        @Option(name: .long, help: ArgumentHelp("A witness's commitment (repeatable).", valueName: "name=sha256")) var witness: [String] = []
        @Option(
            name: .long,
            help: ArgumentHelp("Days each notice stays open for objections (0-90; ends at the end of the Nth day in the city's zone).", valueName: "n"))
        var objectionDays = Store.defaultObjectionDays
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}

        public func validate() throws {
            _ = try witnessPairs(witness, "--witness NAME=SHA256")
            guard Store.objectionDayRange.contains(objectionDays) else { throw ValidationError("--objection-days: a whole number from 0 to 90") }
        }

        public func run() throws {
            let recipe = SeedRecipe(
                bureauCommitment: bureauCommitment, publicSource: publicSource, publicDate: publicDate,
                witnesses: try witnessPairs(witness, "--witness NAME=SHA256").map { .init(name: $0.0, commitment: $0.1) })
            let report = try store.withStore(quietly: true) { try $0.freezeRound(round, recipe: recipe, objectionDays: objectionDays) }
            print("round \(report.roundID) frozen (freeze \(report.freeze)): \(report.applicants) applicants, \(report.places) places")
            print("pre-draw notice \(report.notice.sha256)")
            print("open for objections \(report.notice.objectionDays) days, until \(report.notice.objectionsCloseAt)")
            if let old = report.superseded { print("it supersedes notice \(old.sha256), which stays readable") }
            print("draw on or after \(recipe.publicDate): anju round draw \(report.roundID) --bureau-secret S --public-value V"
                + recipe.witnesses.map { " --witness \($0.name)=SECRET" }.joined())
        }
    }

    /// `round draw ID --bureau-secret S --public-value V [--witness NAME=SECRET ...]`.
    public struct Draw: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Draw a frozen round with the revealed seed parts, and publish the result notice.",
            discussion: """
                Any part that does not match its published commitment refuses the draw (exit 65) and changes nothing. \
                Otherwise the frozen snapshot is solved and written as anju round run writes a round.
                """)
        @Argument(help: "Round id.") var round: String
        @Option(name: .long, help: ArgumentHelp("The bureau's secret.", valueName: "text")) var bureauSecret: String
        @Option(name: .long, help: ArgumentHelp("The public value, exactly as published.", valueName: "text")) var publicValue: String
        @Option(name: .long, help: ArgumentHelp("A witness's secret (repeatable).", valueName: "name=secret")) var witness: [String] = []
        @Flag(name: .long, help: "Print nothing but errors.") var quiet = false
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}

        public func validate() throws { _ = try witnessPairs(witness, "--witness NAME=SECRET") }

        public func run() throws {
            let reveal = SeedReveal(
                bureauSecret: bureauSecret, publicValue: publicValue,
                witnessSecrets: Dictionary(try witnessPairs(witness, "--witness NAME=SECRET"), uniquingKeysWith: { a, _ in a }))
            let progress = TerminalProgress(enabled: !quiet)
            let report = try store.withStore(quietly: quiet) { store in
                defer { progress.finish() }
                return try store.drawRound(round, reveal: reveal, phase: { progress.phase($0) }, progress: progress.fraction)
            }
            guard !quiet else { return }
            print("round \(report.round.roundID) drawn with seed \(report.round.seed)")
            print("snapshot digest \(report.round.inputDigest ?? "-")")
            print("offers answer by \(report.round.offerDeadline ?? "-")")
            print(RoundSummaryText.render(report.result, input: report.input, out: nil), terminator: "")
        }
    }
}

/// `NAME=VALUE` options as pairs; a name given twice or a pair without `=` is a usage error.
func witnessPairs(_ options: [String], _ form: String) throws -> [(String, String)] {
    var seen: Set<String> = []
    return try options.map { option in
        guard let eq = option.firstIndex(of: "="), eq != option.startIndex else {
            throw ValidationError("\(form): \"\(option)\" is not NAME=VALUE")
        }
        let name = String(option[..<eq])
        guard seen.insert(name).inserted else { throw ValidationError("\(form): witness \(name) is given twice") }
        return (name, String(option[option.index(after: eq)...]))
    }
}
