import CityGenerator
import Foundation

/// `anju bench scale`: `anju solve` end to end (a fresh process per run) on generated
/// cities from 10,000 applicants up, every mechanism asked for, with wall time and peak
/// RSS (`wait4`) per run, and optionally a second build (`baseline`) run on the same files
/// in the same run, alternating with this one, so a comparison is never across machines
/// or hours. Each baseline output is compared byte for byte with this build's.
public struct ScaleBenchmark {
    public var sizes: [(applicants: Int, slots: Int)]
    public var mechanisms: [String]
    public var repetitions: Int
    public var anju: String
    public var baseline: String?
    public var workDirectory: String
    public var seed: String

    public init(
        sizes: [(applicants: Int, slots: Int)], mechanisms: [String], repetitions: Int, anju: String, baseline: String?,
        workDirectory: String, seed: String
    ) {
        self.sizes = sizes
        self.mechanisms = mechanisms
        self.repetitions = repetitions
        self.anju = anju
        self.baseline = baseline
        self.workDirectory = workDirectory
        self.seed = seed
    }

    /// One build on one city with one mechanism: medians over the repetitions.
    public struct Row: Sendable {
        public var applicants: Int
        public var slots: Int
        public var mechanism: String
        public var build: String  // "this" or "baseline"
        public var medianSeconds: Double
        public var minSeconds: Double
        public var medianPeakRSSMiB: Double
        /// Whether results.csv and summary.json equal the other build's (nil: no baseline).
        public var identical: Bool?

        public init(
            applicants: Int, slots: Int, mechanism: String, build: String, medianSeconds: Double, minSeconds: Double,
            medianPeakRSSMiB: Double, identical: Bool?
        ) {
            self.applicants = applicants
            self.slots = slots
            self.mechanism = mechanism
            self.build = build
            self.medianSeconds = medianSeconds
            self.minSeconds = minSeconds
            self.medianPeakRSSMiB = medianPeakRSSMiB
            self.identical = identical
        }
    }

    public func run(log: (String) -> Void) throws -> [Row] {
        var rows: [Row] = []
        for size in sizes {
            let dir = "\(workDirectory)/city-\(size.applicants)x\(size.slots)-\(seed)"
            if !FileManager.default.fileExists(atPath: "\(dir)/policy.json") {
                log("generating \(size.applicants) applicants × \(size.slots) slots in \(dir)")
                try CityGenerator(applicants: size.applicants, slots: size.slots, seed: seed).write(to: dir)
            }
            for mechanism in mechanisms {
                var builds = [("this", anju)]
                if let baseline { builds.append(("baseline", baseline)) }
                var runs: [String: [ChildProcess.Outcome]] = [:]
                for i in 0..<repetitions {
                    // Alternate which build goes first, so neither always runs on a warmer cache.
                    for (name, exe) in i % 2 == 0 ? builds : builds.reversed() {
                        let out = "\(dir)/out-\(mechanism)-\(name)"
                        let r = try ChildProcess.run([exe, "solve", "--input", dir, "--out", out, "--mechanism", mechanism, "--quiet"])
                        guard r.status == 0 else { throw BenchmarkError("\(exe) solve \(mechanism) exited \(r.status)") }
                        log(String(
                            format: "  %@ %@ %d×%d run %d: %.3f s, %.0f MiB", name, mechanism, size.applicants, size.slots, i + 1,
                            r.seconds, Double(r.peakRSSKiB) / 1024))
                        runs[name, default: []].append(r)
                    }
                }
                var identical: Bool?
                if baseline != nil {
                    identical = try ["results.csv", "summary.json"].allSatisfy { file in
                        try Data(contentsOf: URL(fileURLWithPath: "\(dir)/out-\(mechanism)-this/\(file)"))
                            == Data(contentsOf: URL(fileURLWithPath: "\(dir)/out-\(mechanism)-baseline/\(file)"))
                    }
                    if identical == false { log("  !! \(mechanism) at \(size.applicants)×\(size.slots): outputs differ from the baseline's") }
                }
                for (name, _) in builds {
                    let secs = runs[name, default: []].map(\.seconds).sorted()
                    let rss = runs[name, default: []].map { Double($0.peakRSSKiB) / 1024 }.sorted()
                    rows.append(Row(
                        applicants: size.applicants, slots: size.slots, mechanism: mechanism, build: name,
                        medianSeconds: secs[secs.count / 2], minSeconds: secs[0], medianPeakRSSMiB: rss[rss.count / 2],
                        identical: identical))
                }
            }
        }
        return rows
    }

    /// The least-squares slope of log(y) against log(x): y ∝ x^k. Nil with fewer than two
    /// distinct x.
    public static func growthExponent(_ points: [(x: Double, y: Double)]) -> Double? {
        let usable = points.filter { $0.x > 0 && $0.y > 0 }
        guard Set(usable.map(\.x)).count >= 2 else { return nil }
        let lx = usable.map { log($0.x) }, ly = usable.map { log($0.y) }
        let mx = lx.reduce(0, +) / Double(lx.count), my = ly.reduce(0, +) / Double(ly.count)
        var sxy = 0.0, sxx = 0.0
        for (x, y) in zip(lx, ly) {
            sxy += (x - mx) * (y - my)
            sxx += (x - mx) * (x - mx)
        }
        return sxy / sxx
    }

    /// The rows as Markdown for BENCHMARKS.md: one table of times and memory (with the
    /// baseline's beside this build's and their ratio), then the fitted growth per
    /// mechanism and build, over all sizes and over the two largest.
    public static func markdown(_ rows: [Row]) -> String {
        let hasBaseline = rows.contains { $0.build == "baseline" }
        var t = "| applicants × slots | mechanism | median wall (s) | min (s) | peak RSS (MiB)"
        t += hasBaseline ? " | baseline median (s) | baseline peak RSS (MiB) | speed-up | outputs identical |\n" : " |\n"
        t += hasBaseline ? "|---|---|---:|---:|---:|---:|---:|---:|---|\n" : "|---|---|---:|---:|---:|\n"
        for r in rows where r.build == "this" {
            t += String(
                format: "| %d × %d | %@ | %.2f | %.2f | %.0f", r.applicants, r.slots, r.mechanism, r.medianSeconds, r.minSeconds,
                r.medianPeakRSSMiB)
            if hasBaseline,
                let b = rows.first(where: { $0.build == "baseline" && $0.applicants == r.applicants && $0.slots == r.slots && $0.mechanism == r.mechanism })
            {
                t += String(
                    format: " | %.2f | %.0f | %.2f× | %@", b.medianSeconds, b.medianPeakRSSMiB, b.medianSeconds / r.medianSeconds,
                    r.identical == true ? "yes" : "**no**")
            }
            t += " |\n"
        }
        var mechanisms: [String] = []
        for r in rows where !mechanisms.contains(r.mechanism) { mechanisms.append(r.mechanism) }
        t += "\nFitted growth, time ∝ applicants^k (and peak RSS ∝ applicants^k):\n\n"
        t += "| mechanism | build | k time (all sizes) | k time (two largest) | k RSS (all sizes) | k RSS (two largest) |\n"
        t += "|---|---|---:|---:|---:|---:|\n"
        for mechanism in mechanisms {
            for build in ["this", "baseline"] {
                let mine = rows.filter { $0.mechanism == mechanism && $0.build == build }.sorted { $0.applicants < $1.applicants }
                guard !mine.isEmpty else { continue }
                let top = Array(mine.suffix(2))
                func k(_ rs: [Row], _ y: (Row) -> Double) -> String {
                    growthExponent(rs.map { (Double($0.applicants), y($0)) }).map { String(format: "%.2f", $0) } ?? "–"
                }
                t += "| \(mechanism) | \(build) | \(k(mine, \.medianSeconds)) | \(k(top, \.medianSeconds)) | "
                t += "\(k(mine, \.medianPeakRSSMiB)) | \(k(top, \.medianPeakRSSMiB)) |\n"
            }
        }
        return t
    }
}
