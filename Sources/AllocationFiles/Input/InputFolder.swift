import Allocation
import Crypto

/// Reads and validates the four input files of `anju solve --input DIR`.
public enum InputFolder {
    /// The files an input folder must hold, in the order problems are reported.
    public static let fileNames = [
        ProjectsFile.defaultName, SlotsFile.defaultName, ApplicantsFile.defaultName, PolicyFile.defaultName,
    ]

    /// Loads `directory`. All four files are read before any is parsed, so a missing file
    /// is reported (as `.missingFiles`, naming every one) even when others are invalid;
    /// then every file is checked completely and all problems come back together as
    /// `.invalid`, so a clerk can fix a whole batch in one pass.
    /// `filesRead`, when given, is called once all four files are in memory (before
    /// parsing), so a caller can time reading apart from validating.
    public static func load(_ directory: String, filesRead: (() -> Void)? = nil) throws(InputError) -> LoadedInput {
        var contents: [String: [UInt8]] = [:]
        var missing: [String] = []
        for name in fileNames {
            let path = FileSystem.join(directory, name)
            do {
                contents[name] = try FileSystem.read(path)
            } catch {
                missing.append("\(name): cannot read \(path): \(error.message)")
            }
        }
        guard missing.isEmpty else { throw .missingFiles(missing) }
        filesRead?()
        let files = contents
        let (validated, digests) = concurrently(
            {
                Result { () throws(InputError) in
                    try validate(
                        projects: files[ProjectsFile.defaultName]!, slots: files[SlotsFile.defaultName]!,
                        applicants: files[ApplicantsFile.defaultName]!, policy: files[PolicyFile.defaultName]!)
                }
            },
            { files.mapValues(sha256Hex) })
        return LoadedInput(input: try validated.get(), digests: digests)
    }

    /// Validates the four files' bytes together, with the cross-file rules (a slot's
    /// project exists, a project's programme is in the policy). Useful when the bytes do
    /// not come from a folder. applicants.csv is read on a second thread, since it needs
    /// nothing from the other files.
    public static func validate(
        projects: [UInt8], slots: [UInt8], applicants: [UInt8], policy: [UInt8]
    ) throws(InputError) -> RoundInput {
        let ((parsedPolicy, parsedProjects, parsedSlots), parsedApplicants) = concurrently(
            {
                let parsedPolicy = PolicyFile.parse(policy)
                let parsedProjects = ProjectsFile.parse(projects, programmes: parsedPolicy.programmeNames)
                return (parsedPolicy, parsedProjects, SlotsFile.parse(slots, projectIDs: parsedProjects.ids))
            },
            { ApplicantsFile.parse(applicants) })
        let diagnostics =
            parsedProjects.diagnostics + parsedSlots.diagnostics + parsedApplicants.diagnostics + parsedPolicy.diagnostics
        guard diagnostics.isEmpty, let policy = parsedPolicy.policy else {
            throw .invalid(Diagnostic.sorted(diagnostics))
        }
        return RoundInput(
            projects: parsedProjects.rows, slots: parsedSlots.rows, applicants: parsedApplicants.rows, policy: policy)
    }

    /// Lowercase hex SHA-256, the form summary.json publishes.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in SHA256.hash(data: bytes) {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
