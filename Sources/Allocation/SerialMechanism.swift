/// `serial`: applicants in global priority order each take their most preferred eligible
/// slot still free. Slots are never freed again, so each class keeps a pointer to its
/// lowest free slot and a full class is skipped in O(1).
enum SerialMechanism {
    /// Returns, per applicant, a position in `market.slots` or -1.
    static func run(_ m: Market, _ cands: Candidates) -> [Int32] {
        var nextFree = [Int32](repeating: 0, count: m.classes.count)
        var result = [Int32](repeating: -1, count: m.input.applicants.count)
        for a32 in m.priorityOrder {
            let a = Int(a32)
            for k in cands.start[a]..<cands.start[a + 1] {
                let g = Int(m.groupByOrder[Candidates.order(cands.keys[k])])
                var best: Int32 = .max
                var bestClass = -1
                for c32 in m.groups[g].classes {
                    let c = Int(c32)
                    let slots = m.classes[c].slots
                    let free = Int(nextFree[c])
                    guard free < slots.count, slots[free] < best, m.admits(c, applicant: a) else { continue }
                    best = slots[free]
                    bestClass = c
                }
                if bestClass >= 0 {
                    nextFree[bestClass] += 1
                    result[a] = best
                    break
                }
            }
        }
        return result
    }
}
