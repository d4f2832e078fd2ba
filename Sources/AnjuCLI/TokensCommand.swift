import ArgumentParser
import Foundation
import Store

/// `anju tokens`: applicants' secret tokens for the HTTP API.
public struct TokensCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Issue applicants' API tokens (exported once; only hashes are kept).",
        subcommands: [Issue.self]
    )

    /// Argument parser needs an empty initialiser.
    public init() {}

    /// `anju tokens issue (--applicants ID,ID | --all-waiting) --out tokens.csv`.
    public struct Issue: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "issue",
            abstract: "Issue a fresh token for each applicant, replacing (revoking) any earlier one.",
            discussion: """
                Writes applicant_id,token to --out (mode 600, never overwriting a file) for the \
                notices; the database keeps only SHA-256 hashes, so this is the one copy. \
                An applicant calls the API with `Authorization: Bearer <token>` and \
                `X-Applicant-Id: <id>`. Exit status: 0 done; 64 bad usage; 65 unknown applicant; \
                69 database; 73 --out cannot be written.
                """
        )

        @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("Applicant ids, comma-separated.", valueName: "ids"))
        var applicants: [String] = []
        @Flag(name: .long, help: "Every applicant of the city who is waiting.")
        var allWaiting = false
        @Option(name: .long, help: ArgumentHelp("The CSV to write (must not exist).", valueName: "file"))
        var out: String
        @OptionGroup var store: StoreOptions

        /// Argument parser needs an empty initialiser.
        public init() {}

        var ids: [String] {
            applicants.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }

        public func validate() throws {
            guard allWaiting != !ids.isEmpty else { throw ValidationError("give either --applicants ID,ID or --all-waiting") }
            guard !out.isEmpty else { throw ValidationError("--out must not be empty") }
        }

        public func run() throws {
            let url = URL(fileURLWithPath: out)
            guard !FileManager.default.fileExists(atPath: url.path) else {
                Diagnostics.print("\(out): already exists; tokens are written once, to a new file")
                throw ExitCode(73)
            }
            // Create the file first (owner-only), so a failure to write leaves no orphan tokens.
            guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                Diagnostics.print("\(out): cannot be created")
                throw ExitCode(73)
            }
            let issued: [IssuedToken]
            do {
                issued = try store.withStore { store in try store.issueTokens(applicants: allWaiting ? nil : ids) }
            } catch {
                try? FileManager.default.removeItem(at: url)
                throw error
            }
            var text = "applicant_id,token\n"
            for token in issued { text += "\(token.applicantID),\(token.token)\n" }
            do {
                try Data(text.utf8).write(to: url)
            } catch {
                Diagnostics.print("\(out): \(error.localizedDescription); the tokens were issued but not saved: issue them again")
                throw ExitCode(73)
            }
            print("issued \(issued.count) token\(issued.count == 1 ? "" : "s") to \(out)")
        }
    }
}
