import CityGenerator
import Foundation

/// `anju bench solve`: end-to-end `anju solve` runs (each a fresh process: read, validate,
/// solve, write) on generated cities of growing size, every mechanism, with the OR-Tools
/// peer script solving the same optimal instances in the same run. Reports medians.
public struct SolveBenchmark {
    public var sizes: [(applicants: Int, slots: Int)]
    /// Mechanisms to time with `anju solve` (each also reports its mechanism phase).
    public var mechanisms: [String]
    public var repetitions: Int
    public var anju: String
    public var peerScript: String?
    public var python: String
    public var workDirectory: String
    public var seed: String

    public init(
        sizes: [(applicants: Int, slots: Int)], mechanisms: [String] = ["serial", "deferred_acceptance", "optimal"],
        repetitions: Int, anju: String, peerScript: String?, python: String, workDirectory: String, seed: String
    ) {
        self.sizes = sizes
        self.mechanisms = mechanisms
        self.repetitions = repetitions
        self.anju = anju
        self.peerScript = peerScript
        self.python = python
        self.workDirectory = workDirectory
        self.seed = seed
    }

    /// One measured configuration: medians over the repetitions.
    public struct Row: Sendable {
        public var applicants: Int
        public var slots: Int
        public var tool: String
        public var medianSeconds: Double
        public var minSeconds: Double
        /// Median time of the solver alone: Anju's mechanism phase (after eligibility and
        /// preferences, before results), or OR-Tools' own solve call. Nil where not measured.
        public var medianSolverSeconds: Double?
        public var medianPeakRSSMiB: Double
        public var offered: Int
        public var totalCommute: Int
    }

    /// The tools of one city, each run once per repetition in turn (serial, deferred
    /// acceptance, optimal, OR-Tools, then again), so a busy moment on a shared machine
    /// falls on all of them rather than on one tool's three runs.
    struct Tool {
        var name: String
        var arguments: [String]
        var runs: [ChildProcess.Outcome] = []
        var solverSeconds: [Double] = []
        var summary: (Int, Int) = (0, 0)
    }

    public func run(log: (String) -> Void) throws -> [Row] {
        var rows: [Row] = []
        for size in sizes {
            let dir = "\(workDirectory)/city-\(size.applicants)x\(size.slots)"
            log("generating \(size.applicants) applicants × \(size.slots) slots in \(dir)")
            try CityGenerator(applicants: size.applicants, slots: size.slots, seed: seed).write(to: dir)
            var tools = mechanisms.map { mechanism in
                Tool(
                    name: mechanism,
                    arguments: [anju, "solve", "--input", dir, "--out", "\(dir)/out-\(mechanism)", "--mechanism", mechanism, "--quiet", "--timings"])
            }
            if let peerScript { tools.append(Tool(name: "OR-Tools", arguments: [python, peerScript, dir])) }
            for i in 0..<repetitions {
                for t in tools.indices {
                    let isPeer = peerScript != nil && t == tools.count - 1
                    let r = try ChildProcess.run(tools[t].arguments, capturingStandardError: !isPeer)
                    if isPeer {
                        guard r.status == 0 else {
                            throw BenchmarkError(
                                "\(peerScript!) exited \(r.status); it needs Python 3 with ortools and numpy "
                                    + "(pip install ortools), or pass --peer \"\" to skip the peer")
                        }
                        let peer = try Self.readPeer(r.stdout)
                        tools[t].summary = (peer.offered, peer.totalCommute)
                        tools[t].solverSeconds.append(peer.solveSeconds)
                    } else {
                        guard r.status == 0 else {
                            throw BenchmarkError("anju solve \(tools[t].name) exited \(r.status): \(r.stdout.suffix(300))")
                        }
                        tools[t].summary = try Self.readSummary("\(dir)/out-\(tools[t].name)/summary.json")
                        tools[t].solverSeconds.append(try Self.mechanismSeconds(r.stdout))
                    }
                    log(String(
                        format: "  %@ run %d: %.3f s (solver %.3f s), %.0f MiB", tools[t].name, i + 1, r.seconds,
                        tools[t].solverSeconds.last!, Double(r.peakRSSKiB) / 1024))
                    tools[t].runs.append(r)
                }
            }
            for (t, tool) in tools.enumerated() {
                let isPeer = peerScript != nil && t == tools.count - 1
                let label = isPeer ? "OR-Tools min-cost flow (Python)" : "anju solve --mechanism \(tool.name)"
                rows.append(Self.row(size, label, tool.runs, solver: tool.solverSeconds, tool.summary))
            }
        }
        return rows
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s[s.count / 2]
    }

    static func row(
        _ size: (applicants: Int, slots: Int), _ tool: String, _ runs: [ChildProcess.Outcome], solver: [Double] = [],
        _ s: (Int, Int)
    ) -> Row {
        let secs = runs.map(\.seconds).sorted()
        return Row(
            applicants: size.applicants, slots: size.slots, tool: tool, medianSeconds: median(secs), minSeconds: secs[0],
            medianSolverSeconds: solver.isEmpty ? nil : median(solver),
            medianPeakRSSMiB: median(runs.map { Double($0.peakRSSKiB) / 1024 }), offered: s.0, totalCommute: s.1)
    }

    /// The mechanism phase from `anju solve --timings` (`timing: mechanism (optimal)   1.234 s`;
    /// deferred acceptance, which builds its lists as it runs, reports `timing: preferences
    /// and mechanism (deferred_acceptance)`, lists included).
    static func mechanismSeconds(_ output: String) throws -> Double {
        for line in output.split(separator: "\n")
        where line.hasPrefix("timing: mechanism (") || line.hasPrefix("timing: preferences and mechanism (") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, fields.last == "s", let seconds = Double(fields[fields.count - 2]) { return seconds }
        }
        throw BenchmarkError("no mechanism timing in anju solve --timings output: \(output.suffix(300))")
    }

    static func readSummary(_ path: String) throws -> (Int, Int) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let offered = obj["offered"] as? Int, let total = obj["total_commute_min"] as? Int
        else { throw BenchmarkError("unreadable \(path)") }
        return (offered, total)
    }

    static func readPeer(_ stdout: String) throws -> (offered: Int, totalCommute: Int, solveSeconds: Double) {
        guard let line = stdout.split(separator: "\n").last,
            let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let offered = obj["offered"] as? Int, let total = obj["total_commute_min"] as? Int,
            let seconds = obj["seconds"] as? [String: Any], let solve = (seconds["solve"] as? NSNumber)?.doubleValue
        else { throw BenchmarkError("unreadable peer output: \(stdout.suffix(300))") }
        return (offered, total, solve)
    }

    /// The rows as a Markdown table for BENCHMARKS.md, then per city the OR-Tools peer's
    /// times over optimal's (end to end, and solver alone): above 1 means Anju is faster.
    public static func markdown(_ rows: [Row]) -> String {
        var t = "| applicants × slots | tool | median wall (s) | min (s) | solver alone, median (s) | peak RSS (MiB) | offered | total commute (min) |\n"
        t += "|---|---|---:|---:|---:|---:|---:|---:|\n"
        for r in rows {
            let solver = r.medianSolverSeconds.map { String(format: "%.2f", $0) } ?? "–"
            t += String(
                format: "| %d × %d | %@ | %.2f | %.2f | %@ | %.0f | %d | %d |\n", r.applicants, r.slots, r.tool, r.medianSeconds,
                r.minSeconds, solver, r.medianPeakRSSMiB, r.offered, r.totalCommute)
        }
        let ratios = Self.ratios(rows)
        if !ratios.isEmpty {
            t += "\n| applicants × slots | OR-Tools ÷ optimal, end to end | OR-Tools solve call ÷ Anju solver | same offered and total commute |\n"
            t += "|---|---:|---:|---|\n"
            for r in ratios {
                t += String(
                    format: "| %d × %d | %.2f× | %.2f× | %@ |\n", r.applicants, r.slots, r.endToEnd, r.solver, r.same ? "yes" : "NO")
            }
        }
        return t
    }

    /// Per city with both an optimal and an OR-Tools row: OR-Tools' median over optimal's.
    public static func ratios(_ rows: [Row]) -> [(applicants: Int, slots: Int, endToEnd: Double, solver: Double, same: Bool)] {
        var out: [(applicants: Int, slots: Int, endToEnd: Double, solver: Double, same: Bool)] = []
        for o in rows where o.tool == "anju solve --mechanism optimal" {
            guard let p = rows.first(where: { $0.tool.hasPrefix("OR-Tools") && $0.applicants == o.applicants && $0.slots == o.slots }),
                let os = o.medianSolverSeconds, let ps = p.medianSolverSeconds
            else { continue }
            out.append((
                o.applicants, o.slots, p.medianSeconds / o.medianSeconds, ps / max(os, 1e-9),
                p.offered == o.offered && p.totalCommute == o.totalCommute
            ))
        }
        return out
    }
}
