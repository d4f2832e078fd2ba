import ArgumentParser
import Foundation
import Store

/// `anju objections`: the bureau lists applicants' objections to published notices and
/// answers them. Every rule lives in the Store; this is a shell over it.
public struct ObjectionsCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "objections",
        abstract: "List objections to public notices; answer them.",
        discussion: """
            An applicant objects, with their token, to their place in a pre-draw notice's pool \
            (pool) or to their result in a result notice (outcome), while the notice's window \
            is open. The bureau answers upheld (the objection is right; the bureau corrects — for \
            a pool objection, by correcting the data and freezing the round again) or rejected, \
            with a reply the applicant reads. An answer is final. Exit status: 0 done; 65 unknown \
            objection, answered already, or bad text; 69 database.
            """,
        subcommands: [List.self, Answer.self]
    )

    /// Argument parser needs an empty initialiser.
    public init() {}

    /// `anju objections list [--status open|upheld|rejected|all]`.
    public struct List: ParsableCommand {
        public static let configuration = CommandConfiguration(abstract: "List objections, oldest first (open ones by default).")
        @Option(name: .long, help: ArgumentHelp("open, upheld, rejected or all.", valueName: "status")) var status = "open"
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}
        public func validate() throws {
            guard status == "all" || Objection.Status(rawValue: status) != nil else {
                throw ValidationError("--status: one of open, upheld, rejected, all")
            }
        }
        /// One line per objection: id, status, applicant, round/notice, kind, filed, text.
        public func run() throws {
            let wanted = Objection.Status(rawValue: status)
            let objections = try store.withStore { try $0.objections(status: wanted) }
            for o in objections {
                var line = "\(o.id)\t\(o.status.rawValue)\t\(o.applicantID)\tround \(o.roundID) notice \(o.noticeID)\t\(o.kind.rawValue)\t"
                line += "\(o.filedAt)\t\(o.text.replacingOccurrences(of: "\n", with: " "))"
                if let reply = o.reply { line += "\treply: \(reply.replacingOccurrences(of: "\n", with: " "))" }
                print(line)
            }
            if objections.isEmpty { print("no \(status == "all" ? "" : status + " ")objections") }
        }
    }

    /// `anju objections answer ID --decision upheld|rejected --reply TEXT`.
    public struct Answer: ParsableCommand {
        public static let configuration = CommandConfiguration(abstract: "Answer an objection, once.")
        @Argument(help: ArgumentHelp("The objection's number.", valueName: "objection-id")) var objectionID: Int64
        @Option(name: .long, help: ArgumentHelp("upheld or rejected.", valueName: "decision")) var decision: String
        @Option(name: .long, help: ArgumentHelp("The reply the applicant reads.", valueName: "text")) var reply: String
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}
        public func validate() throws {
            guard decision == "upheld" || decision == "rejected" else { throw ValidationError("--decision: upheld or rejected") }
        }
        public func run() throws {
            let decided = Objection.Status(rawValue: decision) ?? .rejected
            let o = try store.withStore { try $0.answerObjection(objectionID, decision: decided, reply: reply) }
            print("objection \(o.id) \(o.status.rawValue): applicant \(o.applicantID), round \(o.roundID)")
            if o.status == .upheld && o.kind == .pool {
                print("correct the applicant's data, then freeze round \(o.roundID) again: the new pre-draw notice supersedes notice \(o.noticeID)")
            }
            if o.status == .upheld && o.kind == .outcome {
                print("publish the corrected outcome: anju notice correct \(o.roundID) --applicant \(o.applicantID) --outcome … --reason … --objection \(o.id)")
            }
        }
    }
}
