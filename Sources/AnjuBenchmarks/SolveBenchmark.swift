import CityGenerator
import Foundation

/// `anju bench solve`: end-to-end `anju solve` runs (each a fresh process: read, validate,
/// solve, write) on generated cities of growing size, every mechanism, with the OR-Tools
/// peer script solving the same optimal instances in the same run. Reports medians.
public struct SolveBenchmark {
    public var sizes: [(applicants: Int, slots: Int)]
    public var repetitions: Int
    public var anju: String
    public var peerScript: String?
    public var python: String
    public var workDirectory: String
    public var seed: String

    public init(
        sizes: [(applicants: Int, slots: Int)], repetitions: Int, anju: String, peerScript: String?, python: String,
        workDirectory: String, seed: String
    ) {
        self.sizes = sizes
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
        public var medianPeakRSSMiB: Double
        public var offered: Int
        public var totalCommute: Int
    }

    public func run(log: (String) -> Void) throws -> [Row] {
        var rows: [Row] = []
        for size in sizes {
            let dir = "\(workDirectory)/city-\(size.applicants)x\(size.slots)"
            log("generating \(size.applicants) applicants × \(size.slots) slots in \(dir)")
            try CityGenerator(applicants: size.applicants, slots: size.slots, seed: seed).write(to: dir)
            for mechanism in ["serial", "deferred_acceptance", "optimal"] {
                var runs: [ChildProcess.Outcome] = []
                var summary: (Int, Int) = (0, 0)
                for i in 0..<repetitions {
                    let out = "\(dir)/out-\(mechanism)"
                    let r = try ChildProcess.run([anju, "solve", "--input", dir, "--out", out, "--mechanism", mechanism, "--quiet"])
                    guard r.status == 0 else { throw BenchmarkError("anju solve \(mechanism) exited \(r.status)") }
                    summary = try Self.readSummary("\(out)/summary.json")
                    log(String(format: "  anju %@ run %d: %.3f s, %.0f MiB", mechanism, i + 1, r.seconds, Double(r.peakRSSKiB) / 1024))
                    runs.append(r)
                }
                rows.append(Self.row(size, "anju solve --mechanism \(mechanism)", runs, summary))
            }
            if let peerScript {
                var runs: [ChildProcess.Outcome] = []
                var summary: (Int, Int) = (0, 0)
                for i in 0..<repetitions {
                    let r = try ChildProcess.run([python, peerScript, dir])
                    guard r.status == 0 else {
                        throw BenchmarkError(
                            "\(peerScript) exited \(r.status); it needs Python 3 with ortools and numpy "
                                + "(pip install ortools), or pass --peer \"\" to skip the peer")
                    }
                    summary = try Self.readPeer(r.stdout)
                    log(String(format: "  OR-Tools run %d: %.3f s, %.0f MiB", i + 1, r.seconds, Double(r.peakRSSKiB) / 1024))
                    runs.append(r)
                }
                rows.append(Self.row(size, "OR-Tools min-cost flow (Python)", runs, summary))
            }
        }
        return rows
    }

    static func row(_ size: (applicants: Int, slots: Int), _ tool: String, _ runs: [ChildProcess.Outcome], _ s: (Int, Int)) -> Row {
        let secs = runs.map(\.seconds).sorted()
        let rss = runs.map { Double($0.peakRSSKiB) / 1024 }.sorted()
        return Row(
            applicants: size.applicants, slots: size.slots, tool: tool, medianSeconds: secs[secs.count / 2],
            minSeconds: secs[0], medianPeakRSSMiB: rss[rss.count / 2], offered: s.0, totalCommute: s.1)
    }

    static func readSummary(_ path: String) throws -> (Int, Int) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let offered = obj["offered"] as? Int, let total = obj["total_commute_min"] as? Int
        else { throw BenchmarkError("unreadable \(path)") }
        return (offered, total)
    }

    static func readPeer(_ stdout: String) throws -> (Int, Int) {
        guard let line = stdout.split(separator: "\n").last,
            let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let offered = obj["offered"] as? Int, let total = obj["total_commute_min"] as? Int
        else { throw BenchmarkError("unreadable peer output: \(stdout.suffix(300))") }
        return (offered, total)
    }

    /// The rows as a Markdown table for BENCHMARKS.md.
    public static func markdown(_ rows: [Row]) -> String {
        var t = "| applicants × slots | tool | median wall (s) | min (s) | peak RSS (MiB) | offered | total commute (min) |\n"
        t += "|---|---|---:|---:|---:|---:|---:|\n"
        for r in rows {
            t += String(
                format: "| %d × %d | %@ | %.2f | %.2f | %.0f | %d | %d |\n", r.applicants, r.slots, r.tool, r.medianSeconds,
                r.minSeconds, r.medianPeakRSSMiB, r.offered, r.totalCommute)
        }
        return t
    }
}
