import ArgumentParser
import Foundation
import Store

/// `anju appeals`: the bureau lists suspended applicants' appeals and answers them. Every
/// rule lives in the Store; this is a shell over it.
public struct AppealsCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "appeals",
        abstract: "List appeals against suspension; reinstate or uphold them.",
        discussion: """
            Reinstating sends the applicant back to waiting with their refusals cut to the \
            policy's offers.reinstated_refusals (default 0: all forgiven), read from the round of \
            their latest refusal. Upholding keeps the suspension, with a reason the applicant reads \
            in their language: \(Appeal.UpholdReason.allCases.map(\.rawValue).joined(separator: ", ")). \
            An answer is final. Exit status: 0 done; 65 unknown appeal, answered already, applicant \
            no longer suspended, or bad text; 69 database.
            """,
        subcommands: [List.self, Reinstate.self, Uphold.self]
    )

    /// Argument parser needs an empty initialiser.
    public init() {}

    /// `anju appeals list [--status open|reinstated|upheld|all]`.
    public struct List: ParsableCommand {
        public static let configuration = CommandConfiguration(abstract: "List appeals, oldest first (open ones by default).")
        @Option(name: .long, help: ArgumentHelp("open, reinstated, upheld or all.", valueName: "status")) var status = "open"
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}
        public func validate() throws {
            guard status == "all" || Appeal.Status(rawValue: status) != nil else {
                throw ValidationError("--status: one of open, reinstated, upheld, all")
            }
        }
        /// Prints one line per appeal: id, status, applicant, filed, refusals, reason.
        public func run() throws {
            let wanted = Appeal.Status(rawValue: status)
            let appeals = try store.withStore { try $0.appeals(status: wanted) }
            for a in appeals {
                var line = "\(a.id)\t\(a.status.rawValue)\t\(a.applicantID) (\(a.applicantStatus))\t\(a.filedAt)\t"
                line += "\(a.refusalsAtFiling) refusals\t\(a.reason.replacingOccurrences(of: "\n", with: " "))"
                if let reason = a.upholdReason { line += "\tupheld: \(reason.rawValue)" }
                print(line)
            }
            if appeals.isEmpty { print("no \(status == "all" ? "" : status + " ")appeals") }
        }
    }

    /// `anju appeals reinstate ID [--note TEXT]`.
    public struct Reinstate: ParsableCommand {
        public static let configuration = CommandConfiguration(abstract: "Grant an appeal: the applicant waits again.")
        @Argument(help: ArgumentHelp("The appeal's number.", valueName: "appeal-id")) var appealID: Int64
        @Option(name: .long, help: ArgumentHelp("A note the applicant reads.", valueName: "text")) var note: String?
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}
        public func run() throws {
            let appeal = try store.withStore { try $0.reinstate(appeal: appealID, note: note) }
            print("appeal \(appeal.id) reinstated: applicant \(appeal.applicantID) waiting (\(appeal.refusalsAfter ?? 0) refusals still count)")
        }
    }

    /// `anju appeals uphold ID --reason CODE [--note TEXT]`.
    public struct Uphold: ParsableCommand {
        public static let configuration = CommandConfiguration(abstract: "Keep the suspension, with a reason code.")
        @Argument(help: ArgumentHelp("The appeal's number.", valueName: "appeal-id")) var appealID: Int64
        @Option(
            name: .long,
            help: ArgumentHelp("\(Appeal.UpholdReason.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "code"))
        var reason: String
        @Option(name: .long, help: ArgumentHelp("A note the applicant reads.", valueName: "text")) var note: String?
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}
        public func run() throws {
            let appeal = try store.withStore { try $0.uphold(appeal: appealID, reason: reason, note: note) }
            print("appeal \(appeal.id) upheld (\(appeal.upholdReason?.rawValue ?? reason)): applicant \(appeal.applicantID) stays suspended")
        }
    }
}
