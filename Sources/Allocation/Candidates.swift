import Synchronization
import Foundation

/// Every applicant's eligible groups in preference order: the lists all three mechanisms
/// walk. Entry `k` of applicant `a` (for `k` in `start[a]..<start[a+1]`) packs the commute
/// and the group's tie-break order as `commute << 32 | order`, so sorting the packed keys
/// sorts by (commute_min, rent, project_id); slot ids are resolved inside the group.
struct Candidates: Sendable {
    var start: [Int]
    var keys: [UInt64]

    @inline(__always) static func commute(_ key: UInt64) -> Int { Int(key >> 32) }
    @inline(__always) static func order(_ key: UInt64) -> Int { Int(key & 0xFFFF_FFFF) }

    func count(of a: Int) -> Int { start[a + 1] - start[a] }

    /// Builds the lists in parallel chunks (deterministic: chunk results are concatenated in
    /// applicant order). A project is considered only when its programme admits the
    /// applicant and it lies within reach; a group only when one of its classes admits them.
    init(market m: Market, progress: (@Sendable (Double) -> Void)?) {
        let geo = ProjectGeometry(m.input.projects)
        let applicants = m.input.applicants
        let policy = m.input.policy
        let programmeNames = Array(Set(m.input.projects.map(\.programme))).sorted()
        let programmeIndex = Dictionary(uniqueKeysWithValues: programmeNames.enumerated().map { ($1, $0) })
        let projectProgrammeIndex = m.input.projects.map { programmeIndex[$0.programme]! }
        let done = ProgressCounter(total: applicants.count, report: progress)
        let chunkCount = max(1, min(64, applicants.count / 512))
        let parts = Parallel.map(chunks: chunkCount) { chunk -> (counts: [Int], keys: [UInt64]) in
            let range = Parallel.range(chunk, of: chunkCount, count: applicants.count)
            var counts: [Int] = []
            counts.reserveCapacity(range.count)
            var keys: [UInt64] = []
            var admitted = [Bool](repeating: false, count: programmeNames.count)
            for a in range {
                let x = applicants[a]
                for (i, name) in programmeNames.enumerated() {
                    admitted[i] = policy.programmes[name].map {
                        Eligibility.programmeRule(of: x, for: $0, roundDate: policy.roundDate) == nil
                    } ?? false
                }
                let before = keys.count
                let limit = m.maxCommute[a]
                geo.forEachProject(near: x.workLat, x.workLon, withinMinutes: limit, model: policy.commute) { p, minutes in
                    guard admitted[projectProgrammeIndex[p]] else { return }
                    var lastGroup: Int32 = -1
                    for c in m.projectClasses[p] {
                        let g = m.classes[Int(c)].group
                        if g == lastGroup || !m.admits(Int(c), applicant: a) { continue }
                        lastGroup = g
                        keys.append(UInt64(minutes) << 32 | UInt64(m.groups[Int(g)].order))
                    }
                }
                keys[before...].sort()
                counts.append(keys.count - before)
                if a & 1023 == 1023 { done.add(1024) }
            }
            return (counts, keys)
        }
        var start = [0]
        start.reserveCapacity(applicants.count + 1)
        var keys: [UInt64] = []
        keys.reserveCapacity(parts.reduce(0) { $0 + $1.keys.count })
        for part in parts {
            for c in part.counts { start.append(start[start.count - 1] + c) }
            keys.append(contentsOf: part.keys)
        }
        self.start = start
        self.keys = keys
    }
}

/// Projects arranged for "which projects are within N minutes of this workplace": sorted
/// by latitude (a great-circle distance is never less than the latitude difference) and
/// held as unit vectors, so most far projects are skipped with a few multiplications.
struct ProjectGeometry: Sendable {
    private let lat: [Double]  // sorted ascending
    private let index: [Int]
    private let unit: [(Double, Double, Double)]
    private let lon: [Double]
    private let original: [Project]

    init(_ projects: [Project]) {
        let order = projects.indices.sorted { projects[$0].lat < projects[$1].lat }
        index = order
        lat = order.map { projects[$0].lat }
        lon = order.map { projects[$0].lon }
        unit = order.map { ProjectGeometry.unitVector(lat: projects[$0].lat, lon: projects[$0].lon) }
        original = projects
    }

    static func unitVector(lat: Double, lon: Double) -> (Double, Double, Double) {
        let p = lat * .pi / 180, l = lon * .pi / 180
        return (cos(p) * cos(l), cos(p) * sin(l), sin(p))
    }

    /// Calls `body(projectIndex, commuteMinutes)` for every project whose commute from
    /// (`lat`, `lon`) is at most `limit` minutes, in latitude order.
    func forEachProject(
        near lat0: Double, _ lon0: Double, withinMinutes limit: Int, model: CommuteModel,
        _ body: (Int, Int) -> Void
    ) {
        let reach = model.reachKm(withinMinutes: limit)
        guard reach >= 0 else { return }
        let r = CommuteModel.earthRadiusKm
        let dLat = min(180, reach / r * 180 / .pi * (1 + 1e-9) + 1e-9)
        // Chord length of the reach: a monotone stand-in for distance that needs no asin.
        let maxChord = reach / r >= .pi ? 4.0 : 2 * sin(reach / (2 * r))
        let maxChord2 = maxChord * maxChord * (1 + 1e-9)
        let u = ProjectGeometry.unitVector(lat: lat0, lon: lon0)
        var lo = 0, hi = lat.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if lat[mid] < lat0 - dLat { lo = mid + 1 } else { hi = mid }
        }
        var k = lo
        while k < lat.count, lat[k] <= lat0 + dLat {
            let v = unit[k]
            let dx = u.0 - v.0, dy = u.1 - v.1, dz = u.2 - v.2
            let c2 = dx * dx + dy * dy + dz * dz
            if c2 <= maxChord2 {
                let minutes = ProjectGeometry.minutes(chord2: c2, model: model) {
                    model.minutes(fromLat: lat0, lon: lon0, toLat: self.lat[k], lon: self.lon[k])
                }
                if minutes <= limit { body(index[k], minutes) }
            }
            k += 1
        }
    }

    /// Commute minutes from a squared chord. The chord form of the great-circle distance
    /// agrees with the contract's haversine to ~1e-12 minutes; when the value lies that close
    /// to a rounding edge, `exact` (the contract's own formula) decides.
    @inline(__always)
    static func minutes(chord2: Double, model: CommuteModel, exact: () -> Int) -> Int {
        let d = 2 * CommuteModel.earthRadiusKm * asin(min(1, chord2.squareRoot() / 2))
        let x = model.overheadMin + d * model.detourFactor / model.speedKmh * 60 + 0.5
        let f = x.rounded(.down)
        if x - f < 1e-7 || f + 1 - x < 1e-7 { return exact() }
        return Int(f)
    }
}

/// Counts finished work across threads and reports the fraction done.
final class ProgressCounter: Sendable {
    private let total: Int
    private let report: (@Sendable (Double) -> Void)?
    private let done = Mutex(0)

    init(total: Int, report: (@Sendable (Double) -> Void)?) {
        self.total = max(1, total)
        self.report = report
    }

    func add(_ n: Int) {
        guard let report else { return }
        let value = done.withLock { d in
            d += n
            return d
        }
        report(min(1, Double(value) / Double(total)))
    }
}
