import ArgumentParser
import Foundation
import Notifications
import Store

/// `anju notify`: deliver the outbox (for a timer, or as a long-running sender) and list it.
public struct NotifyCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Send applicants' messages from the outbox; list them.",
        discussion: """
            Messages are written with the change they tell of (applications, offers, expiries, \
            suspensions); reminders are queued here, ANJU_REMINDER_HOURS (default 24) before an \
            offer's deadline. Email goes to ANJU_SMTP_URL from ANJU_MAIL_FROM (ANJU_SMTP_USER, \
            ANJU_SMTP_PASSWORD_FILE); SMS through the gateway's hook ANJU_WEBHOOK_URL \
            (ANJU_WEBHOOK_TOKEN_FILE). Exit status: 0 done; 64 bad settings; 69 database.
            """,
        subcommands: [Send.self, List.self]
    )

    /// Argument parser needs an empty initialiser.
    public init() {}

    /// `anju notify send [--once]`.
    public struct Send: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Deliver due messages: until none is due (--once), or on and on.")
        @Flag(name: .long, help: "Send what is due now and exit (for a timer).") var once = false
        @Option(name: .long, help: ArgumentHelp("Seconds between passes when running on (default 5).", valueName: "s"))
        var interval: Double = 5
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}

        /// Delivers and prints counts only (no ids, addresses or texts) on stderr.
        public func run() throws {
            let settings: NotifierConfiguration
            do { settings = try NotifierConfiguration.fromEnvironment(ProcessInfo.processInfo.environment) } catch {
                throw ValidationError("\(error)")
            }
            guard !settings.channels.isEmpty else {
                throw ValidationError("no channel to send on: set ANJU_SMTP_URL and/or ANJU_WEBHOOK_URL")
            }
            let sender = NotificationSender(configuration: settings)
            try store.withStore(quietly: true) { store in
                repeat {
                    let report = try sender.sendDue(store)
                    if report.claimed > 0 || once {
                        FileHandle.standardError.write(Data(
                            "notify: \(report.sent) sent, \(report.retrying) to retry, \(report.refused) refused, \(report.cancelled) cancelled, \(report.lostClaims) sent after their claim ran out\n".utf8))
                    }
                    if !once { usleep(UInt32(max(0.05, interval) * 1_000_000)) }
                } while !once
            }
        }
    }

    /// `anju notify list [--applicant A] [--round R] [--status S]`.
    public struct List: ParsableCommand {
        public static let configuration = CommandConfiguration(abstract: "List messages (newest first, ids and states only).")
        @Option(name: .long, help: ArgumentHelp("Only this applicant's messages.", valueName: "id")) var applicant: String?
        @Option(name: .long, help: ArgumentHelp("Only this round's offer messages.", valueName: "round-id")) var round: String?
        @Option(name: .long, help: ArgumentHelp("Only messages in this status (pending, sent, failed, cancelled).", valueName: "status"))
        var status: String?
        @Option(name: .long, help: ArgumentHelp("At most this many (default 1000).", valueName: "n")) var limit = 1000
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}

        public func validate() throws {
            if let status, !Store.messageStatuses.contains(status) {
                throw ValidationError("--status \(status): expected one of \(Store.messageStatuses.joined(separator: ", "))")
            }
        }

        public func run() throws {
            let messages = try store.withStore(quietly: true) {
                try $0.messages(applicant: applicant, round: round, status: status, limit: limit)
            }
            let table = [["message_id", "applicant_id", "channel", "kind", "status", "attempts", "created_at", "sent_at", "last_error"]]
                + messages.map {
                    [String($0.id), $0.applicantID, $0.channel, $0.kind, $0.status, String($0.attempts), $0.createdAt,
                     $0.sentAt ?? "-", $0.lastError ?? "-"]
                }
            print(OffersCommand.List.TextTable.render(table), terminator: "")
        }
    }
}
