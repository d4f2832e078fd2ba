import ArgumentParser
import Foundation
import Store

/// What `anju import` loads: one of the store's import kinds, or contacts.
enum ImportTarget: String, ExpressibleByArgument, CaseIterable {
    case projects, slots, applicants, sites, contacts

    var kind: ImportKind? { ImportKind(rawValue: rawValue) }
}

/// `anju import projects|slots|applicants FILE`: loads one of the contract's CSV files into
/// a city's tables, all or nothing.
public struct ImportCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import projects, slots or applicants into the database.",
        discussion: """
            The file is checked by the same rules as `anju solve`, and slots also against the \
            city's projects and dorm rooms in the database. Import projects before slots. A row \
            whose id exists updates the stored row; an applicant or slot that a round, offer or \
            tenancy holds is never changed: such a row is skipped and listed (the import still \
            succeeds). Exit status: 0 imported (skips listed on stderr), 64 bad usage, \
            65 invalid file (every problem listed as FILE:LINE: COLUMN: message; nothing \
            written), 66 the file cannot be read, 69 the database cannot be used.
            """
    )

    @Argument(
        help: ArgumentHelp(
            "What the file holds: projects, slots or applicants (the contract's files), sites (workplace_sites.csv) or contacts (contacts.csv).",
            valueName: "kind"))
    var target: ImportTarget

    @Argument(help: ArgumentHelp("The CSV file, in the contract's format.", valueName: "file"))
    var file: String

    @Flag(name: .long, help: "Check everything and print what would change, but write nothing.")
    var dryRun = false

    @OptionGroup var store: StoreOptions

    /// Argument parser needs an empty initialiser.
    public init() {}

    public func validate() throws {
        if file.isEmpty { throw ValidationError("FILE must name a file") }
    }

    public func run() throws {
        let started = Date()
        let name = (file as NSString).lastPathComponent
        let bytes: [UInt8]
        do {
            bytes = try Self.read(file)
        } catch {
            Diagnostics.print("\(name): cannot read \(file): \(error.reason)")
            throw ExitCode(66)
        }
        guard let kind = target.kind else {
            let report = try store.withStore { store in
                guard let key = try store.identityKeyForImport(store: self.store) else {
                    throw StoreError(.identityKeyMissing, "no identity key: set ANJU_IDENTITY_KEY_FILE to the key file anju serve uses")
                }
                return try store.importContacts(bytes, fileName: name, key: key)
            }
            print(
                "imported \(report.rows) contact\(report.rows == 1 ? "" : "s"); \(report.inDuplicateSets) applicant(s) in \(report.duplicateSets) duplicate set(s) (anju duplicates list) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
            return
        }
        let progress = TerminalProgress(enabled: bytes.count > 1 << 20)
        let phases = ["checking", "copying", "merging"]
        let report = try store.withStore { store in
            do {
                return try store.importFile(kind, bytes: bytes, fileName: name, dryRun: dryRun) { phase in
                    progress.phase(phase)
                    let step = phases.firstIndex { phase.hasPrefix($0) } ?? 0
                    progress.fraction(Double(step) / Double(phases.count))
                }
            } catch {
                progress.finish()  // before `withStore` reports the error
                throw error
            }
        }
        progress.finish()
        for skip in report.skipped { Diagnostics.print(skip.description) }
        for w in report.warnings {
            Diagnostics.print(
                "\(w.file):\(w.line): \(w.column): warning: \(w.id) \(w.reason); public notices print the applicant id, "
                    + "so give applicants references that identify no one")
        }
        print(report.summary(seconds: Date().timeIntervalSince(started)))
        if !report.skipped.isEmpty {
            let one = report.skipped.count == 1
            let noun = String(report.kind.rawValue.dropLast()) + (one ? "" : "s")
            let would = report.dryRun ? "would be" : (one ? "was" : "were")
            Diagnostics.print(
                "\(report.skipped.count) row\(one ? " was" : "s were") skipped (listed above): \(one ? "that" : "those") \(noun) \(one ? "is" : "are") held by a round, an offer or a tenancy and \(would) left unchanged; every other row \(report.dryRun ? "would be" : "was") imported.")
        }
    }

    /// Why a file could not be read, in the system's words.
    struct ReadFailure: Error {
        var reason: String
    }

    /// The whole file, or the system's reason it cannot be read (missing, a folder,
    /// no permission).
    static func read(_ path: String) throws(ReadFailure) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ReadFailure(reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ReadFailure(reason: String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw ReadFailure(reason: info.st_mode & S_IFMT == S_IFDIR ? "it is a folder, not a file" : "it is not a regular file")
        }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var total = 0
        while total < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress! + total, $0.count - total) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw ReadFailure(reason: String(cString: strerror(errno))) }
            if n == 0 { break }  // the file shrank while being read
            total += n
        }
        return Array(bytes[..<total])
    }
}
