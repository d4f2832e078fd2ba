import Allocation
import ArgumentParser
import Foundation
import Store

/// `anju slots`: the bureau's inventory changes (a flat under repair, a tenant who left).
public struct SlotsCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "slots",
        abstract: "Set slot statuses (one slot, or in bulk from a CSV).",
        subcommands: [SetStatus.self]
    )

    /// Argument parser needs an empty initialiser.
    public init() {}

    /// `anju slots set-status SLOT STATUS [--expected-version N] [--withdraw-offer]` or
    /// `anju slots set-status --file statuses.csv [--withdraw-offer]`.
    public struct SetStatus: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "set-status",
            abstract: "Set a slot's status: available, maintenance or occupied.",
            discussion: """
                A slot holding a live offer is refused unless --withdraw-offer (the offer is \
                withdrawn, not counted as a refusal). Setting an occupied slot available or \
                maintenance ends its tenancy (the tenant left). With --file, a CSV of \
                slot_id,status[,expected_version] is checked whole (every problem listed as \
                FILE:LINE: COLUMN: message) and applied all or nothing. \
                Exit status: 0 done; 64 bad usage; 65 invalid, unknown slot or refused; \
                66 file unreadable; 69 database.
                """
        )

        @Argument(help: ArgumentHelp("The slot's id.", valueName: "slot-id")) var slotID: String?
        @Argument(help: ArgumentHelp("available, maintenance or occupied.", valueName: "status")) var status: String?
        @Option(name: .long, help: ArgumentHelp("Refuse unless the slot is still at this version.", valueName: "n"))
        var expectedVersion: Int64?
        @Flag(name: .long, help: "Withdraw a live offer on the slot (on every slot, with --file) instead of refusing.")
        var withdrawOffer = false
        @Option(name: .long, help: ArgumentHelp("A CSV of slot_id,status[,expected_version] to apply all or nothing.", valueName: "csv"))
        var file: String?
        @OptionGroup var store: StoreOptions

        /// Argument parser needs an empty initialiser.
        public init() {}

        /// One slot, or a file; never both, never neither.
        public func validate() throws {
            if file != nil {
                guard slotID == nil, status == nil, expectedVersion == nil else {
                    throw ValidationError("give either SLOT STATUS or --file, not both (versions go in the file's expected_version column)")
                }
            } else {
                guard slotID != nil, status != nil else { throw ValidationError("give SLOT STATUS, or --file statuses.csv") }
                guard let status, Slot.Status(rawValue: status) != nil else {
                    throw ValidationError("STATUS \(status ?? ""): expected available, maintenance or occupied")
                }
            }
        }

        /// Applies the change(s) and prints one line per slot.
        public func run() throws {
            if let file {
                let url = URL(fileURLWithPath: file)
                guard let data = FileManager.default.contents(atPath: url.path) else {
                    Diagnostics.print("anju: cannot read \(file)")
                    throw ExitCode(66)
                }
                let changes = try store.withStore { store in
                    try store.setSlotStatuses(csv: [UInt8](data), fileName: url.lastPathComponent, withdrawOffers: withdrawOffer)
                }
                for change in changes { print(change.summary) }
                let changed = changes.filter(\.changed).count
                print("\(changed) slot\(changed == 1 ? "" : "s") changed, \(changes.count - changed) already as asked")
            } else if let slotID, let status, let target = Slot.Status(rawValue: status) {
                let change = try store.withStore { store in
                    try store.setSlotStatus(slotID, to: target, expectedVersion: expectedVersion, withdrawOffer: withdrawOffer)
                }
                print(change.summary)
            }
        }
    }
}
