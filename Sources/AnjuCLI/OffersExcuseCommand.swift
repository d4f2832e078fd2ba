import ArgumentParser
import Store

extension OffersCommand {
    /// `anju offers excuse ID --reason TEXT`: the bureau finds a refusal reasonable.
    public struct Excuse: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Excuse a declined or expired offer: the refusal no longer counts.",
            discussion: """
                The applicant's refusals drop by one (not when it had stopped counting already). A \
                suspended applicant it brings under the round's max_refusals is reinstated at once, \
                and an open appeal of theirs answered as reinstated.
                """)
        @Argument(help: ArgumentHelp("The offer's number.", valueName: "offer-id")) var offerID: Int64
        @Option(name: .long, help: ArgumentHelp("Why the refusal was reasonable (required).", valueName: "text")) var reason: String
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}
        public func run() throws {
            let excuse = try store.withStore { try $0.excuse(offer: offerID, reason: reason) }
            print(excuse.summary)
        }
    }
}
