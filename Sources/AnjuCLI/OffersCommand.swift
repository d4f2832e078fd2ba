import ArgumentParser
import Foundation
import Store

/// `anju offers`: answer offers for applicants, expire unanswered ones, list them.
/// Every change goes through the Store, the one place offer rules live.
public struct OffersCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "offers",
        abstract: "Accept, decline or expire offers; list them.",
        discussion: """
            An offer is answered by its deadline (the round's offers.response_days, default 7). \
            A decline or an expiry is a refusal; at the round's offers.max_refusals (default 2) \
            the applicant is suspended, below it they wait again with their priority. \
            Exit status: 0 done (also when already done); 65 unknown offer or refused; 69 database.
            """,
        subcommands: [Accept.self, Decline.self, Expire.self, List.self, Excuse.self]
    )

    /// Argument parser needs an empty initialiser.
    public init() {}

    /// `anju offers accept ID [--reason TEXT]`.
    public struct Accept: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Accept a live offer: tenancy starts, slot occupied, applicant housed.")
        @Argument(help: ArgumentHelp("The offer's number.", valueName: "offer-id")) var offerID: Int64
        @Option(name: .long, help: ArgumentHelp("Why, for the record.", valueName: "text")) var reason: String?
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}
        /// Accepts and prints what changed (or that it was already accepted).
        public func run() throws {
            let answer = try store.withStore { try $0.accept(offer: offerID, reason: reason) }
            print(answer.summary)
        }
    }

    /// `anju offers decline ID [--reason TEXT]`.
    public struct Decline: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Decline a live offer: slot available again, one refusal for the applicant.")
        @Argument(help: ArgumentHelp("The offer's number.", valueName: "offer-id")) var offerID: Int64
        @Option(name: .long, help: ArgumentHelp("The applicant's reason, kept with the offer.", valueName: "text"))
        var reason: String?
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}
        /// Declines and prints what changed (or that it was already declined).
        public func run() throws {
            let answer = try store.withStore { try $0.decline(offer: offerID, reason: reason) }
            print(answer.summary)
        }
    }

    /// `anju offers expire`: the job a timer runs.
    public struct Expire: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Expire every live offer past its deadline (each counts as a refusal).")
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}
        /// Expires what is due and prints how many.
        public func run() throws {
            let expired = try store.withStore { try $0.expireDue() }
            print("\(expired) offer\(expired == 1 ? "" : "s") expired")
        }
    }

    /// `anju offers list [--round R] [--status S]`.
    public struct List: ParsableCommand {
        public static let configuration = CommandConfiguration(abstract: "List offers (ids, status and deadline, in UTC).")
        @Option(name: .long, help: ArgumentHelp("Only this round's offers.", valueName: "round-id")) var round: String?
        @Option(
            name: .long,
            help: ArgumentHelp("Only offers in this status (\(Offer.Status.allCases.map(\.rawValue).joined(separator: ", "))).", valueName: "status"))
        var status: String?
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}

        /// Rejects an unknown status as bad usage (exit 64).
        public func validate() throws {
            if let status, Offer.Status(rawValue: status) == nil {
                throw ValidationError("--status \(status): expected one of \(Offer.Status.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        /// Prints one aligned row per offer, by offer id.
        public func run() throws {
            let offers = try store.withStore(quietly: true) { store in
                try store.offers(round: round, status: status.flatMap(Offer.Status.init(rawValue:)))
            }
            let table = [["offer_id", "round_id", "applicant_id", "slot_id", "status", "deadline"]]
                + offers.map { [String($0.id), $0.roundID, $0.applicantID, $0.slotID, $0.status.rawValue, Self.utc($0.deadline)] }
            print(TextTable.render(table), terminator: "")
        }

        static func utc(_ date: Date) -> String {
            let formatter = ISO8601DateFormatter()
            formatter.timeZone = TimeZone(identifier: "UTC")
            return formatter.string(from: date)
        }

        /// Plain text columns padded to the widest cell, for listings read by people and `awk`.
        enum TextTable {
            /// Every row on its own line, cells separated by two spaces, the last cell unpadded.
            static func render(_ rows: [[String]]) -> String {
                let columns = rows.map(\.count).max() ?? 0
                let widths = (0..<columns).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
                return rows.map { row in
                    row.enumerated().map { c, cell in
                        c == row.count - 1 ? cell : cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                    }.joined(separator: "  ") + "\n"
                }.joined()
            }
        }
    }
}
