/// Which classes of each project admit each applicant, by slot-level rules alone
/// (household, gender, accessibility, rent cap, reserving employer), memoised per
/// *profile*: applicants who agree on those five fields are admitted by the same classes,
/// and a city has far fewer profiles than applicants.
///
/// `mask(profile, project)` has bit `i` set when class `projectClasses[p].lowerBound + i`
/// may admit the profile. For projects with more than 64 classes every bit is set and the
/// caller must still ask `Market.admits` (`exact(project)` is false), and if the table
/// would be too large, no table is built and every project is inexact.
struct AdmissionTable: Sendable {
    private let masks: [UInt64]
    private let projectCount: Int
    private let exactProject: [Bool]
    let profileOf: [Int32]
    /// Whether `exact` holds for every project: then the table alone says who is admitted
    /// anywhere (what counting open projects as sets needs).
    let exactEverywhere: Bool

    /// A placeholder while `Market` is being initialised.
    static let empty = AdmissionTable(masks: [], projectCount: 0, exactProject: [], profileOf: [])

    private init(masks: [UInt64], projectCount: Int, exactProject: [Bool], profileOf: [Int32]) {
        self.masks = masks
        self.projectCount = projectCount
        self.exactProject = exactProject
        self.profileOf = profileOf
        exactEverywhere = !masks.isEmpty && !exactProject.contains(false)
    }

    private struct Profile: Hashable {
        var household: Int
        var gender: UInt8
        var accessible: Bool
        var maxRent: Int
        var employer: Int32
    }

    init(_ m: Market) {
        var profiles = FirstSeen<Profile>()
        var profileOf = [Int32](repeating: 0, count: m.householdSize.count)
        // Reduce each field to what the classes can tell apart: a rent cap to how many of
        // the distinct class rents it allows, an employer to itself only if it reserves
        // something, a household size to at most one more than the largest place.
        let rents = Array(Set(m.classRent)).sorted()
        let reserving = Set(m.classEmployer.filter { $0 >= 0 })
        let largestPlace = m.classMaxHousehold.max() ?? 0
        let largest = largestPlace == Int.max ? Int.max : largestPlace + 1  // a place may hold Int.max
        for a in 0..<m.householdSize.count {
            var lo = 0, hi = rents.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if rents[mid] <= m.maxRent[a] { lo = mid + 1 } else { hi = mid }
            }
            let employer = m.applicantEmployer[a]
            let key = Profile(
                household: min(m.householdSize[a], largest), gender: m.genderCode[a], accessible: m.needsAccessible[a],
                maxRent: lo, employer: reserving.contains(employer) ? employer : -1)
            profileOf[a] = profiles.id(key, first: a)
        }
        let representatives = profiles.first
        self.profileOf = profileOf
        let projects = m.projectClasses.count
        projectCount = projects
        guard representatives.count * projects <= 32_000_000 else {
            masks = []
            exactProject = Array(repeating: false, count: projects)
            exactEverywhere = false
            return
        }
        exactProject = m.projectClasses.map { $0.count <= 64 }
        let chunks = max(1, min(16, representatives.count / 64))
        var parts = Parallel.map(chunks: chunks) { chunk -> [UInt64] in
            var out: [UInt64] = []
            for i in Parallel.range(chunk, of: chunks, count: representatives.count) {
                let a = representatives[i]
                for p in 0..<projects {
                    let classes = m.projectClasses[p]
                    guard classes.count <= 64 else {
                        out.append(.max)
                        continue
                    }
                    var mask: UInt64 = 0
                    for c in classes where m.admits(c, applicant: a) { mask |= 1 << UInt64(c - classes.lowerBound) }
                    out.append(mask)
                }
            }
            return out
        }
        masks = Parallel.join(&parts)
        exactEverywhere = !masks.isEmpty && !exactProject.contains(false)
    }

    /// The classes of project `p` that may admit applicant `a` (see the type's comment).
    @inline(__always)
    func mask(applicant a: Int, project p: Int) -> UInt64 {
        masks.isEmpty ? .max : masks[Int(profileOf[a]) * projectCount + p]
    }

    /// Whether a set bit of `mask` is a definite yes (else `Market.admits` must confirm).
    @inline(__always)
    func exact(_ p: Int) -> Bool { !masks.isEmpty && exactProject[p] }
}

/// Numbers keys 0, 1, 2, … in the order they are first seen, and remembers the item
/// (an applicant) each was first seen with: its representative.
struct FirstSeen<Key: Hashable> {
    private var ids: [Key: Int32] = [:]
    /// Per key number: the item it was first seen with.
    private(set) var first: [Int] = []

    mutating func id(_ key: Key, first item: Int) -> Int32 {
        if let id = ids[key] { return id }
        let id = Int32(first.count)
        ids[key] = id
        first.append(item)
        return id
    }
}
