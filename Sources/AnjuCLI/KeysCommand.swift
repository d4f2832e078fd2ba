import ArgumentParser
import Foundation
import Store

/// `anju keys`: API keys for operators (scoped to projects) and the bureau.
public struct KeysCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list and revoke API keys (stored hashed; shown once).",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    /// Argument parser needs an empty initialiser.
    public init() {}

    /// `anju keys create --operator NAME --projects P1,P2` or `anju keys create --admin NAME`.
    public struct Create: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Create a key and print it once.",
            discussion: "Exit status: 0 done; 64 bad usage; 65 unknown project; 69 database."
        )

        @Option(name: .customLong("operator"), help: ArgumentHelp("An operator key with this name.", valueName: "name"))
        var operatorName: String?
        @Option(name: .long, help: ArgumentHelp("The operator's project ids, comma-separated.", valueName: "ids"))
        var projects: String?
        @Option(name: .customLong("admin"), help: ArgumentHelp("An admin (bureau) key with this name.", valueName: "name"))
        var adminName: String?
        @OptionGroup var store: StoreOptions

        /// Argument parser needs an empty initialiser.
        public init() {}

        var projectIDs: [String] {
            (projects ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }

        public func validate() throws {
            switch (operatorName, adminName) {
            case (.some, nil):
                guard !projectIDs.isEmpty else { throw ValidationError("--operator needs --projects P1,P2") }
            case (nil, .some):
                guard projects == nil else { throw ValidationError("--admin keys are not scoped: drop --projects") }
            default:
                throw ValidationError("give either --operator NAME --projects P1,P2 or --admin NAME")
            }
        }

        public func run() throws {
            let created = try store.withStore { store in
                if let adminName { return try store.createKey(name: adminName, role: .admin) }
                return try store.createKey(name: operatorName ?? "", role: .operator, projects: projectIDs)
            }
            Diagnostics.print("key \(created.key.id) (\(created.key.role.rawValue) \(created.key.name)); shown once, keep it secret:")
            print(created.text)
        }
    }

    /// `anju keys list`.
    public struct List: ParsableCommand {
        public static let configuration = CommandConfiguration(commandName: "list", abstract: "List keys (never their secrets).")
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}

        public func run() throws {
            let keys = try store.withStore { store in try store.keys() }
            print("key_id,role,name,projects,created_at,revoked_at")
            for key in keys {
                print("\(key.id),\(key.role.rawValue),\(key.name),\(key.projectIDs.joined(separator: " ")),\(key.createdAt),\(key.revokedAt ?? "")")
            }
        }
    }

    /// `anju keys revoke ID`.
    public struct Revoke: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "revoke", abstract: "Revoke a key at once.",
            discussion: "Exit status: 0 done (or already revoked); 65 unknown key; 69 database.")
        @Argument(help: ArgumentHelp("The key's id.", valueName: "id")) var id: Int64
        @OptionGroup var store: StoreOptions
        /// Argument parser needs an empty initialiser.
        public init() {}

        public func run() throws {
            let key = try store.withStore { store in try store.revokeKey(id) }
            print("key \(key.id) revoked at \(key.revokedAt ?? "?")")
        }
    }
}
