import Dispatch
import Synchronization

/// `deferred_acceptance`: applicant-proposing deferred acceptance over slots, run on groups.
///
/// Why groups suffice: a group (one project, one rent) is contiguous in every applicant's
/// preference list and all its slots rank applicants by the same project key. With one
/// priority order shared by all slots of a group, the stable assignment inside the group is
/// serial dictatorship over the group's holders in that order (each takes their lowest-id
/// eligible slot). So a group holds a sorted list of applicants and re-derives its slot
/// assignment when someone new is admitted; adding one applicant displaces at most one
/// holder (a single chain of moves). An applicant is admitted iff one of their eligible
/// slots is free or held by someone ranked below them — checked per class in O(1) from each
/// class's free count and worst holder. The result is the slot-level applicant-optimal
/// stable matching, which does not depend on the order proposals are processed in.
///
/// Proposals are found lazily: an applicant's next proposal is the best group after their
/// last one that would admit them now. Skipping a group that would refuse them now is the
/// same as proposing and being refused, because a group's holders only get better, so a
/// refusal is permanent. A project whose every class is full of holders ranked above the
/// applicant is skipped whole, without computing its commute.
enum DeferredAcceptanceMechanism {
    /// Returns, per applicant index, a slot position (`market.availableSlotIndices`) or -1.
    static func run(_ m: Market, _ lists: ProjectLists, progress: ProgressCounter?) -> [Int32] {
        var state = GroupStates(m, lists)
        return run(&state, progress: progress) { _, _ in }
    }

    /// As `run`, building the lists as it goes instead of before (nil, having done
    /// nothing, when they would not fit 32-bit entries: then build them first). The
    /// mechanism needs an applicant's list only at their first proposal, and first
    /// proposals come in priority order: so lists are built in chunks of that order, on
    /// the other core and, whenever the mechanism would wait for one, on this one too.
    /// The lists and the mechanism no longer take turns on two cores and one.
    ///
    /// Each list leaves out the projects that had already refused its applicant when it
    /// was built (the mechanism publishes its projects' state as it installs each chunk):
    /// a refusal is permanent, so the mechanism would only have skipped them, and late in
    /// a crowded round that is most of every list. So each applicant's summary for the
    /// explanations (`Summaries.Stored`, of the whole list) is made as the list is built.
    /// Returns the lists as kept and every applicant's summary.
    static func runBuildingLists(
        _ m: Market, chunkSize: Int = ListChunks.defaultSize, progress: ProgressCounter?, helper: Bool = true,
        openTableLimit: Int = 1 << 25
    ) -> (slots: [Int32], lists: ProjectLists, summaries: [Summaries.Stored])? {
        let builder = ProjectLists.Builder(m, openTableLimit: openTableLimit)
        guard builder.pack, !builder.wide else { return nil }
        let chunks = ListChunks(builder, size: chunkSize, progress: progress, helper: helper)
        var state = GroupStates(m, GrowingLists(count: m.input.applicants.count, chunks: chunks.count))
        var installed = 0
        var scratch = ListChunks.Scratch()
        let slots = run(&state, progress: progress) { a, state in
            // First proposals come in priority order: `a`'s chunk is the next one.
            while Int(m.globalRank[a]) >= installed * chunks.size {
                chunks.publish(ProjectLists.Refusals(open: state.openClasses, cutoff: state.projectCutoff))
                state.lists.install(chunks.take(installed, &scratch), of: chunks.applicants(installed))
                installed += 1
            }
        }
        chunks.finish()
        let summaries = state.lists.summaries
        state.lists.summaries = []
        return (slots, ProjectLists(state.lists), summaries)
    }

    /// The mechanism over `state`, calling `firstProposal(a, &state)` before `a`'s first proposal.
    private static func run<L: PreferenceLists>(
        _ state: inout GroupStates<L>, progress: ProgressCounter?, firstProposal: (Int, inout GroupStates<L>) -> Void
    ) -> [Int32] {
        let m = state.m
        let n = m.input.applicants.count
        var last = [UInt64?](repeating: nil, count: n)  // key of the last group proposed to
        var stack = m.priorityOrder.reversed().map { $0 }
        var firstProposals = 0
        while let a32 = stack.popLast() {
            let a = Int(a32)
            if last[a] == nil {
                firstProposal(a, &state)
                firstProposals += 1
                if firstProposals & 4095 == 0 { progress?.add(2048) }
            }
            guard let (key, g) = state.nextGroup(for: a, after: last[a]) else { continue }
            last[a] = key
            let displaced = state.admit(a, to: g)
            if displaced >= 0 { stack.append(displaced) }
        }
        var result = [Int32](repeating: -1, count: n)
        for g in m.groups.indices {
            let assigned = state.serialDictatorship(g)
            for (h, slot) in zip(state.holders[g], assigned) where slot.position >= 0 { result[Int(h)] = slot.position }
        }
        return result
    }
}

/// What deferred acceptance reads of the applicants' lists: entries as `tier << 32 |
/// project`, ascending, applicant `a`'s at `range(of: a)`.
protocol PreferenceLists {
    func range(of a: Int) -> Range<Int>
    func entry(_ i: Int) -> UInt64
}

extension PreferenceLists {
    /// The first position in `a`'s list whose commute tier is at least `tier`.
    func firstIndex(of a: Int, atLeast tier: Int) -> Int {
        let range = range(of: a)
        var lo = range.lowerBound, hi = range.upperBound
        let key = UInt64(tier) << 32
        while lo < hi {
            let mid = (lo + hi) / 2
            if entry(mid) < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

/// The lists of `runBuildingLists` as the mechanism installs them, chunk by chunk: entry
/// `k << 32 | o` is entry `o` of chunk `k`, in `ProjectLists`' 32-bit form.
struct GrowingLists: PreferenceLists {
    private(set) var chunks: [[UInt32]]
    private(set) var begin: [Int]
    private(set) var end: [Int]
    /// Per applicant, the summary of their whole list (`Builder.appendOpen`).
    var summaries: [Summaries.Stored]

    init(count: Int, chunks: Int) {
        self.chunks = Array(repeating: [], count: chunks)
        begin = Array(repeating: 0, count: count)
        end = Array(repeating: 0, count: count)
        summaries = Array(repeating: Summaries.Stored(), count: count)
    }

    @inline(__always) func range(of a: Int) -> Range<Int> { begin[a]..<end[a] }

    @inline(__always) func entry(_ i: Int) -> UInt64 {
        let e = chunks[i >> 32][i & 0xFFFF_FFFF]
        return UInt64(e >> 16) << 32 | UInt64(e & 0xFFFF)
    }

    /// Chunk `chunk.index`, the lists of `applicants` one after another.
    mutating func install(_ chunk: ListChunks.Chunk, of applicants: ArraySlice<Int32>) {
        var offset = 0
        for (i, a) in applicants.enumerated() {
            begin[Int(a)] = chunk.index << 32 | offset
            offset += Int(chunk.counts[i])
            end[Int(a)] = chunk.index << 32 | offset
            summaries[Int(a)] = chunk.summaries[i]
        }
        chunks[chunk.index] = chunk.entries
    }
}

/// Lists built in chunks of the priority order by two threads: one started here, and the
/// mechanism's own whenever the chunk it needs is not ready. Each chunk is built once,
/// by whichever thread claims it; the lists do not depend on which.
final class ListChunks: Sendable {
    struct Chunk: Sendable {
        var index: Int
        var counts: [Int32]
        var entries: [UInt32]
        var summaries: [Summaries.Stored]
    }

    /// Applicants per chunk: about 10 ms of building at 200k.
    static let defaultSize = 2048
    let size: Int
    let count: Int
    private let builder: ProjectLists.Builder
    private let progress: ProgressCounter?
    private let state: Mutex<(next: Int, built: [Chunk?])>
    /// The mechanism's projects as last published (nil: nothing refused yet). A chunk
    /// built from an older state leaves out fewer projects, never a wrong one: a project
    /// that refused an applicant refuses them for good.
    private let refusals = Mutex<ProjectLists.Refusals?>(nil)
    private let stored = DispatchSemaphore(value: 0)
    /// The other thread, started at once (not queued on Dispatch's pool, where it could
    /// start late and leave every chunk to the mechanism's thread).
    private let other = Mutex<Parallel.Background<Void>?>(nil)

    /// `helper: false` starts no other thread, so every chunk is built by the caller when
    /// it is needed, from the state just published (tests of what lists leave out).
    init(_ builder: ProjectLists.Builder, size: Int = defaultSize, progress: ProgressCounter?, helper: Bool = true) {
        self.builder = builder
        self.size = size
        self.progress = progress
        let n = builder.m.input.applicants.count
        count = (n + size - 1) / size
        state = Mutex((0, Array(repeating: nil, count: count)))
        guard helper else { return }
        let thread = Parallel.Background { [self] in
            var scratch = Scratch()
            while let k = claim() { store(build(k, &scratch)) }
        }
        other.withLock { $0 = thread }
    }

    /// The applicants of chunk `k`, in priority order.
    func applicants(_ k: Int) -> ArraySlice<Int32> {
        builder.m.priorityOrder[(k * size)..<min(builder.m.priorityOrder.count, (k + 1) * size)]
    }

    /// Chunk `k`, built (here, if need be, with the chunks after it that nobody has
    /// claimed yet); each chunk is taken once.
    func take(_ k: Int, _ scratch: inout Scratch) -> Chunk {
        while true {
            if let chunk = state.withLock({ s -> Chunk? in
                defer { s.built[k] = nil }
                return s.built[k]
            }) {
                return chunk
            }
            if let j = claim() {
                store(build(j, &scratch))
            } else {
                stored.wait()  // chunk `k` is being built by the other thread
            }
        }
    }

    /// Publishes the mechanism's projects as they are now, for the chunks built next.
    func publish(_ now: ProjectLists.Refusals) { refusals.withLock { $0 = now } }

    /// Waits for the other thread to stop (every chunk has been taken by then).
    func finish() { other.withLock { $0.take() }?.value() }

    private func claim() -> Int? {
        state.withLock { s in
            guard s.next < count else { return nil }
            defer { s.next += 1 }
            return s.next
        }
    }

    private func store(_ chunk: Chunk) {
        state.withLock { $0.built[chunk.index] = chunk }
        stored.signal()
    }

    /// What a thread reuses from one chunk to the next: the chunk's entries are gathered
    /// here, then copied once into an array of their size (growing each chunk's own array
    /// and trimming it left freed buffers scattered over two malloc arenas: 2.2 GB peak at
    /// a million applicants instead of 1.6).
    struct Scratch {
        var packed: [UInt32] = []
        var entries: [UInt64] = []
    }

    private func build(_ k: Int, _ scratch: inout Scratch) -> Chunk {
        let applicants = applicants(k)
        let refusals = self.refusals.withLock { $0 }
        var counts: [Int32] = []
        counts.reserveCapacity(applicants.count)
        var summaries = [Summaries.Stored](repeating: Summaries.Stored(), count: applicants.count)
        scratch.packed.removeAll(keepingCapacity: true)
        let lowestRank = applicants.lazy.map { Int(self.builder.m.globalRank[Int($0)]) }.min() ?? 0
        let filter = refusals.flatMap { builder.chunkFilter($0, lowestRank: lowestRank) }
        for (i, a) in applicants.enumerated() {
            counts.append(
                Int32(
                    builder.appendOpen(
                        Int(a), refusals: refusals, filter: filter, entries: &scratch.entries, packed: &scratch.packed,
                        summary: &summaries[i])))
        }
        progress?.add(applicants.count / 2)
        return Chunk(index: k, counts: counts, entries: ProjectLists.copied(scratch.packed), summaries: summaries)
    }
}

/// The tentative state of every group during deferred acceptance.
struct GroupStates<L: PreferenceLists> {
    let m: Market
    var lists: L
    /// Holders (applicant indices) of each group, sorted by their rank at the group's
    /// project (best first).
    var holders: [[Int32]]
    var holderRank: [[Int]]
    /// Per class: free slots and the rank of its worst holder (-1 when none).
    var free: [Int]
    var worst: [Int]
    /// Per project: applicants ranked at or below this are refused by every full class.
    var projectCutoff: [Int]
    /// Per project: bit `i` set when its `i`-th class has a free slot (all bits for
    /// projects of more than 64 classes, which are never skipped).
    var openClasses: [UInt64]

    init(_ m: Market, _ lists: L) {
        self.m = m
        self.lists = lists
        holders = Array(repeating: [], count: m.groups.count)
        holderRank = Array(repeating: [], count: m.groups.count)
        free = (0..<m.classes.count).map { m.size(ofClass: $0) }
        worst = Array(repeating: -1, count: m.classes.count)
        projectCutoff = Array(repeating: -1, count: m.input.projects.count)
        openClasses = m.projectClasses.map { $0.count > 64 ? .max : $0.isEmpty ? 0 : .max >> UInt64(64 - $0.count) }
    }

    /// The best group, after key `after`, that would admit `a` now, or nil when none will.
    func nextGroup(for a: Int, after: UInt64?) -> (UInt64, Int)? {
        var bestKey = UInt64.max
        var bestGroup = -1
        let range = lists.range(of: a)
        let from = after.map { lists.firstIndex(of: a, atLeast: Int($0 >> 32)) } ?? range.lowerBound
        for e in from..<range.upperBound {
            let entry = lists.entry(e)
            let tier = ProjectLists.tier(entry)
            if tier > Int(bestKey >> 32) { break }
            let p = ProjectLists.project(entry)
            let mask = m.admission.mask(applicant: a, project: p)
            let rank = m.projectRank(of: a, at: p)
            if ProjectLists.Refusals.refuses(mask: mask, rank: rank, open: openClasses[p], cutoff: projectCutoff[p]) {
                continue
            }
            for g in m.projectGroups[p] {
                let key = m.key(group: g, tier: tier)
                if let after, key <= after { continue }
                if key >= bestKey { break }
                if wouldAdmit(a, rank: rank, group: g, project: p, mask: mask) {
                    bestKey = key
                    bestGroup = g
                    break
                }
            }
        }
        return bestGroup >= 0 ? (bestKey, bestGroup) : nil
    }

    /// Whether one of `a`'s eligible slots in `g` is free or held by someone ranked below
    /// `a` — exactly when serial dictatorship over the holders plus `a` gives `a` a slot.
    @inline(__always)
    func wouldAdmit(_ a: Int, rank: Int, group g: Int, project p: Int, mask: UInt64) -> Bool {
        for c in m.groups[g].classes {
            if (free[c] > 0 || worst[c] > rank) && m.admits(c, applicant: a, project: p, mask: mask) { return true }
        }
        return false
    }

    /// Adds `a` to group `g` (which must admit them) and returns the holder displaced, or -1.
    mutating func admit(_ a: Int, to g: Int) -> Int32 {
        let p = Int(m.groups[g].project)
        let rank = m.projectRank(of: a, at: p)
        var lo = 0, hi = holderRank[g].count
        while lo < hi {
            let mid = (lo + hi) / 2
            if holderRank[g][mid] < rank { lo = mid + 1 } else { hi = mid }
        }
        holders[g].insert(Int32(a), at: lo)
        holderRank[g].insert(rank, at: lo)
        let classes = m.groups[g].classes
        if classes.count == 1 {
            // One class: its slots go to the best holders in order; an overflow displaces the worst.
            let c = classes.lowerBound
            var displaced: Int32 = -1
            if holders[g].count > m.size(ofClass: c) {
                displaced = holders[g].removeLast()
                holderRank[g].removeLast()
            }
            free[c] = m.size(ofClass: c) - holders[g].count
            worst[c] = holderRank[g].last ?? -1
            refreshProject(p)
            return displaced
        }
        let assigned = serialDictatorship(g)
        var displaced: Int32 = -1
        if let out = assigned.firstIndex(where: { $0.position < 0 }) {
            precondition(out != lo, "an admitted applicant always gets a slot")
            displaced = holders[g].remove(at: out)
            holderRank[g].remove(at: out)
            precondition(!assigned[(out + 1)...].contains { $0.position < 0 }, "one admission displaces at most one holder")
        }
        for c in m.groups[g].classes {
            free[c] = m.size(ofClass: c)
            worst[c] = -1
        }
        var i = 0
        for slot in assigned where slot.position >= 0 {
            free[slot.klass] -= 1
            worst[slot.klass] = max(worst[slot.klass], holderRank[g][i])
            i += 1
        }
        refreshProject(p)
        return displaced
    }

    /// Recomputes project `p`'s skip data. Skipping a project needs: none of the
    /// applicant's classes open, and the applicant ranked below the worst holder of every
    /// full class.
    private mutating func refreshProject(_ p: Int) {
        let classes = m.projectClasses[p]
        var cutoff = -1
        var open: UInt64 = classes.count > 64 ? .max : 0
        for c in classes {
            if free[c] > 0 {
                if classes.count <= 64 { open |= 1 << UInt64(c - classes.lowerBound) }
            } else {
                cutoff = max(cutoff, worst[c])
            }
        }
        projectCutoff[p] = cutoff
        openClasses[p] = open
    }

    /// The group's stable assignment: holders in rank order each take their lowest-id
    /// eligible free slot. Returns a slot position and class per holder (position -1: none
    /// left for them).
    func serialDictatorship(_ g: Int) -> [(position: Int32, klass: Int)] {
        let classes = m.groups[g].classes
        var taken = [Int](repeating: 0, count: classes.count)
        var out = [(position: Int32, klass: Int)](repeating: (-1, -1), count: holders[g].count)
        for (i, h) in holders[g].enumerated() {
            var bestPosition: Int32 = .max
            var bestIndex = -1
            for (ci, c) in classes.enumerated() {
                guard taken[ci] < m.size(ofClass: c) else { continue }
                let position = m.slotPosition(taken[ci], ofClass: c)
                guard position < bestPosition, m.admits(c, applicant: Int(h)) else { continue }
                bestPosition = position
                bestIndex = ci
            }
            if bestIndex >= 0 {
                taken[bestIndex] += 1
                out[i] = (bestPosition, classes.lowerBound + bestIndex)
            }
        }
        return out
    }
}
