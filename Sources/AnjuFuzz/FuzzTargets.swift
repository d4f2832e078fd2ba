import Allocation
import AllocationFiles

/// What the fuzzer drives: each target takes arbitrary bytes and must return — a
/// diagnostic is fine, a trap, a crash or a hang is the bug libFuzzer reports.
enum FuzzTarget: String, CaseIterable {
    /// The three CSV readers on the same bytes (the RFC 4180 tokenizer, typed fields,
    /// cross-row rules).
    case csv
    /// The policy.json reader (the line-tracking JSON parser and the policy rules).
    case policy
    /// The whole `anju solve` path: four files split out of the bytes, validated, solved
    /// by every mechanism, and both outputs rendered.
    case solve

    /// Separates the four files in a `solve` input: projects, slots, applicants, policy.
    static let separator = Array("\n=====\n".utf8)

    func run(_ bytes: [UInt8]) {
        switch self {
        case .csv:
            let projects = ProjectsFile.parse(bytes)
            _ = SlotsFile.parse(bytes, projectIDs: projects.ids)
            _ = ApplicantsFile.parse(bytes)
            for d in projects.diagnostics { _ = d.description }
        case .policy:
            let policy = PolicyFile.parse(bytes)
            for d in policy.diagnostics { _ = d.description }
        case .solve:
            let files = Self.split(bytes)
            guard files.count == 4 else { return }
            let input: RoundInput
            do {
                input = try InputFolder.validate(projects: files[0], slots: files[1], applicants: files[2], policy: files[3])
            } catch {
                return
            }
            // Keep each run short, so libFuzzer explores inputs rather than waiting on one.
            guard input.applicants.count <= 64, input.slots.count <= 64, input.projects.count <= 16 else { return }
            for mechanism in Mechanism.allCases {
                guard let result = try? Allocator.solve(input, mechanism: mechanism, seed: input.policy.seed) else {
                    continue
                }
                _ = ResultsCSV.render(result.rows)
                _ = SummaryJSON.render(result: result, digests: [:])
            }
        }
    }

    /// The parts of `bytes` between separators.
    static func split(_ bytes: [UInt8]) -> [[UInt8]] {
        var parts: [[UInt8]] = []
        var current: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == separator[0], i + separator.count <= bytes.count,
                bytes[i..<i + separator.count].elementsEqual(separator)
            {
                parts.append(current)
                current = []
                i += separator.count
            } else {
                current.append(bytes[i])
                i += 1
            }
        }
        parts.append(current)
        return parts
    }
}
