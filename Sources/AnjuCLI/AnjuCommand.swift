import ArgumentParser

/// The root of the `anju` executable: every job is a subcommand.
@available(macOS 10.15, *)
public struct AnjuCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "anju",
        abstract: "Allocate affordable rental housing: apartments for youth talent, beds for frontline workers.",
        subcommands: [SolveCommand.self, GenerateCommand.self, DemoCommand.self, BenchCommand.self, DatabaseCommand.self, MigrateCommand.self,
            ImportCommand.self, RoundCommand.self, OffersCommand.self, SlotsCommand.self, ServeCommand.self, TokensCommand.self, KeysCommand.self,
            ApplicationsCommand.self, DuplicatesCommand.self, AppealsCommand.self, ObjectionsCommand.self,
            CityCommand.self, NotifyCommand.self, NoticeCommand.self,
        ]
    )
    public init() {}

    /// Entry point for the executable: parses the arguments and runs the chosen
    /// subcommand (the asynchronous overload, so async subcommands can run too).
    public static func runMain() async {
        let main: () async -> Void = Self.main
        await main()
    }
}
