import AllocationFiles
import ArgumentParser
import Foundation
import Store

/// `anju applications`: the bureau's review of applications made over the API.
public struct ApplicationsCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "applications",
        abstract: "Review applications: list, approve, reject, or decide many from a CSV file.",
        subcommands: [List.self, Approve.self, Reject.self, Review.self]
    )

    public init() {}

    static func line(_ a: ApplicationSummary) -> String {
        var parts = [a.applicantID, a.status, a.category, "household \(a.householdSize)", "born \(a.birthDate)", a.workDistrict]
        if let applied = a.appliedAt { parts.append("applied \(applied)") }
        if let set = a.duplicateSet { parts.append("duplicate set \(set)") }
        if let reason = a.reviewReason { parts.append("reason \(reason)") }
        return parts.joined(separator: "  ")
    }

    /// `anju applications list [--status S] [--limit N]`.
    public struct List: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List applications of a status (default: pending_review), oldest first.")
        @Option(name: .long, help: ArgumentHelp("pending_review, rejected, waiting, … or all (every application).", valueName: "status"))
        var status = "pending_review"
        @Option(name: .long, help: ArgumentHelp("At most this many.", valueName: "n"))
        var limit = 1000
        @OptionGroup var store: StoreOptions
        public init() {}

        public func validate() throws {
            let known = ["all", "pending_review", "rejected", "waiting", "offered", "housed", "withdrawn", "suspended"]
            guard known.contains(status) else { throw ValidationError("--status: one of \(known.joined(separator: ", "))") }
            guard (1...1_000_000).contains(limit) else { throw ValidationError("--limit: 1 to 1000000") }
        }

        public func run() throws {
            let rows = try store.withStore(quietly: true) { s in try s.applications(status: status == "all" ? nil : status, limit: limit) }
            for row in rows { print(ApplicationsCommand.line(row)) }
            Diagnostics.print("\(rows.count) application\(rows.count == 1 ? "" : "s")")
        }
    }

    /// `anju applications approve ID...`.
    public struct Approve: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "approve",
            abstract: "Approve pending applications: they join the pool (waiting) for the next round.",
            discussion: "All or nothing. Exit status: 0 done, 65 refused (listed), 69 database.")
        @Argument(help: ArgumentHelp("Applicant ids.", valueName: "id"))
        var ids: [String]
        @Option(name: .long, help: ArgumentHelp("A note to the applicant.", valueName: "text"))
        var note: String?
        @OptionGroup var store: StoreOptions
        public init() {}

        public func run() throws {
            let rows = try store.withStore(quietly: true) { s in
                try s.review(ids.map { ReviewDecision(applicantID: $0, decision: .approve, note: note) })
            }
            for row in rows { print(ApplicationsCommand.line(row)) }
        }
    }

    /// `anju applications reject ID... --reason R [--note TEXT]`.
    public struct Reject: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "reject",
            abstract: "Reject pending applications with a reason the applicant reads in their language.",
            discussion: """
                Reasons: \(ReviewDecision.reasons.joined(separator: ", ")). All or nothing. Exit status: 0 done, \
                65 refused (listed), 69 database.
                """)
        @Argument(help: ArgumentHelp("Applicant ids.", valueName: "id"))
        var ids: [String]
        @Option(name: .long, help: ArgumentHelp("The reason: \(ReviewDecision.reasons.joined(separator: ", ")).", valueName: "reason"))
        var reason: String
        @Option(name: .long, help: ArgumentHelp("A note to the applicant (at most 500 characters).", valueName: "text"))
        var note: String?
        @OptionGroup var store: StoreOptions
        public init() {}

        public func run() throws {
            let rows = try store.withStore(quietly: true) { s in
                try s.review(ids.map { ReviewDecision(applicantID: $0, decision: .reject, reason: reason, note: note) })
            }
            for row in rows { print(ApplicationsCommand.line(row)) }
        }
    }

    /// `anju applications review FILE`: a CSV of decisions, all or nothing.
    public struct Review: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "review",
            abstract: "Apply a CSV of decisions (applicant_id,decision,reason,note), all or nothing.",
            discussion: """
                decision is approve or reject; a rejection needs a reason (\(ReviewDecision.reasons.joined(separator: ", "))). \
                Every problem is listed as FILE:LINE: COLUMN: message and nothing is decided. \
                Exit status: 0 done, 65 invalid file or refused decisions, 66 unreadable file, 69 database.
                """)
        @Argument(help: ArgumentHelp("The CSV file.", valueName: "file"))
        var file: String
        @OptionGroup var store: StoreOptions
        public init() {}

        public func run() throws {
            let name = (file as NSString).lastPathComponent
            guard let data = FileManager.default.contents(atPath: file) else {
                Diagnostics.print("\(name): cannot read \(file)")
                throw ExitCode(66)
            }
            let parsed = ReviewFile.parse(Array(data), fileName: name)
            let rows = try store.withStore(quietly: true) { s in
                guard parsed.isValid else { throw StoreError(.invalidFile, subject: .file(name), problems: parsed.diagnostics.map(StoreProblem.init)) }
                return try s.review(
                    parsed.rows.map {
                        ReviewDecision(
                            applicantID: $0.applicantID, decision: $0.decision == .approve ? .approve : .reject, reason: $0.reason,
                            note: $0.note)
                    }, file: name, lines: parsed.rows.map(\.line))
            }
            let approved = rows.filter { $0.status == "waiting" }.count
            print("decided \(rows.count): \(approved) approved, \(rows.count - approved) rejected")
        }
    }
}

/// `anju duplicates`: sets of applicants found to be one person.
public struct DuplicatesCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "duplicates",
        abstract: "List duplicate sets and resolve them (keep one, reject the others).",
        subcommands: [List.self, Resolve.self]
    )

    public init() {}

    static func print(_ set: DuplicateSet) {
        Swift.print("set \(set.id)  \(set.status)  created \(set.createdAt)\(set.kept.map { "  kept \($0)" } ?? "")")
        for m in set.members {
            Swift.print("  \(m.applicantID)  \(m.status)  \(m.source)  born \(m.birthDate)  matched on \(m.matchedOn.joined(separator: ","))")
        }
    }

    public struct List: ParsableCommand {
        public static let configuration = CommandConfiguration(commandName: "list", abstract: "List open duplicate sets (--all: every set).")
        @Flag(name: .long, help: "Resolved sets too.")
        var all = false
        @OptionGroup var store: StoreOptions
        public init() {}

        public func run() throws {
            let sets = try store.withStore(quietly: true) { s in try s.duplicateSets(openOnly: !all) }
            for set in sets { DuplicatesCommand.print(set) }
            Diagnostics.print("\(sets.count) set\(sets.count == 1 ? "" : "s")")
        }
    }

    public struct Resolve: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "resolve",
            abstract: "Resolve a set: keep one applicant; the others still pending or waiting are rejected as duplicates.",
            discussion: "Exit status: 0 done, 65 refused (not open, not a member, another member has an offer), 69 database.")
        @Argument(help: ArgumentHelp("The set.", valueName: "set"))
        var set: Int64
        @Option(name: .long, help: ArgumentHelp("The applicant to keep.", valueName: "id"))
        var keep: String
        @Option(name: .long, help: ArgumentHelp("A note to the rejected applicants.", valueName: "text"))
        var note: String?
        @OptionGroup var store: StoreOptions
        public init() {}

        public func run() throws {
            let resolved = try store.withStore(quietly: true) { s in try s.resolveDuplicateSet(set, keep: keep, note: note) }
            DuplicatesCommand.print(resolved)
        }
    }
}
