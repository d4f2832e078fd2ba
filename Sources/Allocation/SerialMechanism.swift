/// `serial`: applicants in global priority order each take their most preferred eligible
/// slot still free. Slots are never freed again, so each class keeps a pointer to its
/// lowest free slot, a project with no free slot is skipped, and an applicant's search
/// stops at the first commute tier with a place; once every slot is taken the remaining
/// applicants need no search at all.
///
/// Preferences come nearest first, a band at a time (`NearestLists`): the first bands of a
/// batch of applicants are built in parallel ahead of the serial pass, and an applicant
/// whose first band has no place left reads further bands as they need them. Bands are
/// read over only the projects with a free slot (a geometry rebuilt as projects fill), so
/// late in a round, when most projects are full, reading far costs little.
enum SerialMechanism {
    /// Applicants whose first bands are built ahead at once.
    static let batch = 4096

    /// Returns, per applicant index, a slot position (`market.availableSlotIndices`) or -1.
    static func run(_ m: Market, _ lists: NearestLists, progress: ProgressCounter?) -> [Int32] {
        var nextFree = [Int32](repeating: 0, count: m.classes.count)
        var projectFree = m.projectClasses.map { $0.reduce(0) { $0 + m.size(ofClass: $1) } }
        var remaining = m.availableSlotIndices.count
        var result = [Int32](repeating: -1, count: m.input.applicants.count)
        let order = m.priorityOrder
        var band: [UInt64] = []
        var open = m.geometry
        var openCount = projectFree.count { $0 > 0 }
        var from = 0
        while from < order.count && remaining > 0 {
            let to = min(order.count, from + batch)
            let first = lists.firstBands(of: order[from..<to], among: open)
            for i in from..<to {
                if i & 4095 == 4095 { progress?.add(2048) }
                guard remaining > 0 else { break }
                let a = Int(order[i])
                var bestKey = UInt64.max
                var bestPosition = Int32.max
                var bestClass = -1
                // Band after band; a later band's tiers all exceed an earlier one's, so the
                // first band with a place decides.
                var k = 0
                while bestClass < 0 {
                    if k > 0 && !lists.band(k, of: a, into: &band, among: open) { break }
                    let entries = k == 0 ? first.entries : band
                    let range = k == 0 ? first.start[i - from]..<first.start[i - from + 1] : band.indices
                    k += 1
                    for e in range {
                        let entry = entries[e]
                        let tier = ProjectLists.tier(entry)
                        if tier > Int(bestKey >> 32) { break }
                        let p = ProjectLists.project(entry)
                        guard projectFree[p] > 0 else { continue }
                        let mask = m.admission.mask(applicant: a, project: p)
                        for g in m.projectGroups[p] {
                            let key = m.key(group: g, tier: tier)
                            if key > bestKey { break }
                            for c in m.groups[g].classes {
                                let free = Int(nextFree[c])
                                guard free < m.size(ofClass: c) else { continue }
                                let position = m.slotPosition(free, ofClass: c)
                                guard key < bestKey || position < bestPosition,
                                    m.admits(c, applicant: a, project: p, mask: mask)
                                else { continue }
                                bestKey = key
                                bestPosition = position
                                bestClass = c
                            }
                        }
                    }
                }
                if bestClass >= 0 {
                    nextFree[bestClass] += 1
                    let p = Int(m.groups[Int(m.classGroup[bestClass])].project)
                    projectFree[p] -= 1
                    remaining -= 1
                    result[a] = bestPosition
                    if projectFree[p] == 0 {
                        openCount -= 1
                        if openCount * 4 <= open.count * 3 {
                            open = ProjectGeometry(m.input.projects, only: projectFree.indices.filter { projectFree[$0] > 0 })
                        }
                    }
                }
            }
            from = to
        }
        return result
    }
}
