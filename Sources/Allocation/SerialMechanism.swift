/// `serial`: applicants in global priority order each take their most preferred eligible
/// slot still free. Slots are never freed again, so each class keeps a pointer to its
/// lowest free slot, a project with no free slot is skipped, and an applicant's search
/// stops at the first commute tier with a place; once every slot is taken the remaining
/// applicants need no search at all.
enum SerialMechanism {
    /// Returns, per applicant index, a slot position (`market.availableSlotIndices`) or -1.
    static func run(_ m: Market, _ lists: ProjectLists, progress: ProgressCounter?) -> [Int32] {
        var nextFree = [Int32](repeating: 0, count: m.classes.count)
        var projectFree = m.projectClasses.map { $0.reduce(0) { $0 + m.size(ofClass: $1) } }
        var remaining = m.availableSlotIndices.count
        var result = [Int32](repeating: -1, count: m.input.applicants.count)
        for (i, a32) in m.priorityOrder.enumerated() {
            if i & 4095 == 4095 { progress?.add(2048) }
            guard remaining > 0 else { break }
            let a = Int(a32)
            var bestKey = UInt64.max
            var bestPosition = Int32.max
            var bestClass = -1
            for e in lists.range(of: a) {
                let entry = lists.entries[e]
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
                        guard key < bestKey || position < bestPosition, m.admits(c, applicant: a, project: p, mask: mask)
                        else { continue }
                        bestKey = key
                        bestPosition = position
                        bestClass = c
                    }
                }
            }
            if bestClass >= 0 {
                nextFree[bestClass] += 1
                projectFree[Int(m.groups[Int(m.classGroup[bestClass])].project)] -= 1
                remaining -= 1
                result[a] = bestPosition
            }
        }
        return result
    }
}
