import ArgumentParser
import Store

/// `anju city`: the city's own settings (today its time zone, in which applicants read
/// their offer deadlines and dates).
public struct CityCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "city",
        abstract: "Show or change the city's settings (its time zone).",
        subcommands: [Show.self, Change.self]
    )

    /// Argument parser needs an empty initialiser.
    public init() {}

    /// `anju city show`.
    public struct Show: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Print the city's settings.",
            discussion: "Exit status: 0 done; 64 bad usage; 69 database.")
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}

        public func run() throws {
            let settings = try store.withStore(quietly: true) { try $0.citySettings() }
            print("city: \(settings.city)")
            print("time_zone: \(settings.timeZone)")
        }
    }

    /// `anju city set --time-zone ZONE`.
    public struct Change: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "set", abstract: "Change the city's settings (one audit row).",
            discussion: """
                The time zone is an IANA name (Asia/Shanghai, the default; Asia/Urumqi; UTC): offer \
                deadlines and dates on the status page and in the API are shown in it.
                Exit status: 0 done; 64 bad usage; 65 not a time zone name; 69 database.
                """)
        @Option(name: .customLong("time-zone"), help: ArgumentHelp("IANA time zone name, e.g. Asia/Shanghai.", valueName: "zone"))
        var timeZone: String
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}

        public func run() throws {
            let settings = try store.withStore { try $0.setTimeZone(timeZone) }
            print("city \(settings.city): time_zone \(settings.timeZone)")
        }
    }
}
