/// A round's input prepared for fast matching: slots grouped so that mechanisms work on a
/// few thousand groups instead of tens of thousands of slots, priorities reduced to ranks.
///
/// A *group* is the set of available slots of one project at one rent. Every applicant sees
/// a group's slots at one commute and one rent, so a group is contiguous in every
/// applicant's preference order (commute, rent, project_id, slot_id), and all of its slots
/// rank applicants by the same project key. Within a group, slots that admit exactly the
/// same applicants (same gender rule, household limit, accessibility, reserving employer)
/// form a *class*; only slot ids tell them apart.
struct Market: Sendable {
    struct SlotClass: Sendable {
        var group: Int32
        var gender: Slot.Gender  // `.any` for apartments
        var genderCode: UInt8  // 0 any, 1 female, 2 male
        var maxHousehold: Int
        var accessible: Bool
        var employer: Int32  // interned employer id; -1 when not reserved
        /// Its slots' positions (indices into `Market.availableSlotIndices`), ascending.
        /// Within a group, position order is slot-id order, so comparing positions compares
        /// slot ids.
        var slotPositions: [Int32]
    }

    struct Group: Sendable {
        var project: Int32
        var rent: Int
        /// Its classes: a contiguous range of `Market.classes`.
        var classes: Range<Int>
        /// Position of the group in (rent, project_id) order: ties in commute are broken by it.
        var order: Int32
    }

    let input: RoundInput
    /// Per slot position: the index in `input.slots` of an available slot. A slot's
    /// *position* (its index here) is what classes, mechanisms and results hold.
    let availableSlotIndices: [Int32]
    let classes: [SlotClass]
    let groups: [Group]
    let groupByOrder: [Int32]
    /// The class of each position in `slots` (its group is `classGroup` of that).
    let classOfPosition: [Int32]
    /// Per project: its classes, a contiguous range of `classes`.
    let projectClasses: [Range<Int>]
    /// Flat copies of the class fields that hot loops read, so they copy no arrays.
    let classGenderCode: [UInt8]
    let classMaxHousehold: [Int]
    let classAccessible: [Bool]
    let classRent: [Int]
    let classEmployer: [Int32]
    let classGroup: [Int32]
    /// Slot positions of class `c`: `classSlotPositions[classSlotStart[c]..<classSlotStart[c + 1]]`.
    let classSlotStart: [Int]
    let classSlotPositions: [Int32]
    /// Per project: its groups, a contiguous range in ascending rent (and so tie-break) order.
    let projectGroups: [Range<Int>]
    /// Whether applicant `a`'s category, age and income pass the programme of project `p`:
    /// `programmeAdmits[a * programmeCount + projectProgrammeIndex[p]]`.
    let programmeAdmits: [Bool]
    let programmeCount: Int
    let projectProgrammeIndex: [Int]
    let geometry: ProjectGeometry
    /// Memoised slot-level admission per applicant profile and project.
    private(set) var admission = AdmissionTable.empty
    /// The policy's programme of each programme index (`projectProgrammeIndex`); nil when
    /// the policy has none of that name.
    let programmeOfIndex: [Programme?]
    let projectDistrict: [Int32]
    /// Per applicant: interned work district and employer (-1 when none).
    let applicantDistrict: [Int32]
    let applicantEmployer: [Int32]
    /// Per applicant: position in the global priority order (0 draws first).
    let globalRank: [Int32]
    /// Applicant indices in global priority order.
    let priorityOrder: [Int32]
    let lottery: [UInt64]
    /// Flat copies of the applicant fields the hot loops read (no String copies there).
    let householdSize: [Int]
    let genderCode: [UInt8]  // 1 female, 2 male
    let needsAccessible: [Bool]
    let maxRent: [Int]  // Int.max when not given
    let maxCommute: [Int]
    let workLat: [Double]
    let workLon: [Double]

    init(_ input: RoundInput, seed: String) {
        self.input = input
        // The draw and the priority order need only the applicants: on another core while
        // this one groups the slots.
        let applicantsForDraw = input.applicants
        let priority = Parallel.Background { Market.priority(applicantsForDraw, seed: seed) }
        // Keyed by UTF-8 bytes: the contract compares districts and ids byte-wise, while
        // Swift's String equality treats canonically equivalent spellings as equal.
        var districts: [[UInt8]: Int32] = [:]
        func intern(_ s: String, _ table: inout [[UInt8]: Int32]) -> Int32 {
            let key = Array(s.utf8)
            if let id = table[key] { return id }
            let id = Int32(table.count)
            table[key] = id
            return id
        }
        var projectIndex: [String: Int32] = [:]
        for (i, p) in input.projects.enumerated() { projectIndex[p.id] = Int32(i) }
        projectDistrict = input.projects.map { intern($0.district, &districts) }
        applicantDistrict = input.applicants.map { intern($0.workDistrict, &districts) }
        householdSize = input.applicants.map(\.householdSize)
        genderCode = input.applicants.map { $0.gender == .female ? 1 : 2 }
        needsAccessible = input.applicants.map(\.needsAccessible)
        maxRent = input.applicants.map { $0.maxRent ?? Int.max }
        workLat = input.applicants.map(\.workLat)
        workLon = input.applicants.map(\.workLon)
        maxCommute = input.applicants.map { Eligibility.maxCommute(of: $0, policy: input.policy) }
        var employers: [[UInt8]: Int32] = [:]
        applicantEmployer = input.applicants.map { a in a.employerID.map { intern($0, &employers) } ?? -1 }

        // Available slots sorted by (project, rent, slot_id): groups and classes fall out in order.
        let all = input.slots
        let slotProject = all.map { projectIndex[$0.projectID]! }
        var available = all.indices.filter { all[$0].status == .available }.map { Int32($0) }
        available.sort { x, y in
            let a = all[Int(x)], b = all[Int(y)]
            let pa = slotProject[Int(x)], pb = slotProject[Int(y)]
            if pa != pb { return pa < pb }
            if a.rent != b.rent { return a.rent < b.rent }
            return a.id.utf8Less(b.id)
        }
        availableSlotIndices = available

        struct ClassKey: Hashable { var gender: Slot.Gender; var maxHousehold: Int; var accessible: Bool; var employer: Int32 }
        var classes: [SlotClass] = []
        var groups: [Group] = []
        var projectClasses = Array(repeating: 0..<0, count: input.projects.count)
        var i = 0
        while i < available.count {
            let first = all[Int(available[i])]
            let project = slotProject[Int(available[i])]
            var j = i
            var keyToClass: [ClassKey: Int32] = [:]
            let firstClass = classes.count
            let groupIndex = Int32(groups.count)
            while j < available.count {
                let s = all[Int(available[j])]
                guard slotProject[Int(available[j])] == project, s.rent == first.rent else { break }
                let key = ClassKey(
                    gender: s.kind == .bed ? s.gender : .any, maxHousehold: s.maxHousehold, accessible: s.accessible,
                    employer: s.reservedEmployerID.map { intern($0, &employers) } ?? -1)
                if let c = keyToClass[key] {
                    classes[Int(c)].slotPositions.append(Int32(j))
                } else {
                    let c = Int32(classes.count)
                    keyToClass[key] = c
                    classes.append(SlotClass(
                        group: groupIndex, gender: key.gender,
                        genderCode: key.gender == .any ? 0 : key.gender == .female ? 1 : 2, maxHousehold: key.maxHousehold,
                        accessible: key.accessible, employer: key.employer, slotPositions: [Int32(j)]))
                }
                j += 1
            }
            groups.append(Group(project: project, rent: first.rent, classes: firstClass..<classes.count, order: 0))
            let pc = projectClasses[Int(project)]
            projectClasses[Int(project)] = (pc.isEmpty ? firstClass : pc.lowerBound)..<classes.count
            i = j
        }
        let projects = input.projects
        var byOrder = Array(groups.indices)
        byOrder.sort { x, y in
            let a = groups[x], b = groups[y]
            if a.rent != b.rent { return a.rent < b.rent }
            return projects[Int(a.project)].id.utf8Less(projects[Int(b.project)].id)
        }
        for (rank, g) in byOrder.enumerated() { groups[g].order = Int32(rank) }
        var classOfPosition = [Int32](repeating: 0, count: available.count)
        for (c, k) in classes.enumerated() { for pos in k.slotPositions { classOfPosition[Int(pos)] = Int32(c) } }
        self.classOfPosition = classOfPosition
        var projectGroups = Array(repeating: 0..<0, count: input.projects.count)
        var gi = 0
        while gi < groups.count {
            let p = Int(groups[gi].project)
            var gj = gi
            while gj < groups.count && Int(groups[gj].project) == p { gj += 1 }
            projectGroups[p] = gi..<gj
            gi = gj
        }
        self.projectGroups = projectGroups
        self.classes = classes
        classGenderCode = classes.map(\.genderCode)
        classMaxHousehold = classes.map(\.maxHousehold)
        classAccessible = classes.map(\.accessible)
        classRent = classes.map { groups[Int($0.group)].rent }
        classEmployer = classes.map(\.employer)
        classGroup = classes.map(\.group)
        var slotStart = [0]
        for k in classes { slotStart.append(slotStart[slotStart.count - 1] + k.slotPositions.count) }
        classSlotStart = slotStart
        classSlotPositions = classes.flatMap(\.slotPositions)
        self.groups = groups
        self.groupByOrder = byOrder.map { Int32($0) }
        self.projectClasses = projectClasses

        let programmeNames = Array(Set(input.projects.map(\.programme))).sorted { $0.utf8Less($1) }
        let programmeIndex = Dictionary(uniqueKeysWithValues: programmeNames.enumerated().map { ($1, $0) })
        projectProgrammeIndex = input.projects.map { programmeIndex[$0.programme]! }
        programmeCount = programmeNames.count
        let policy = input.policy
        let programmes = programmeNames.map { policy.programmes[$0] }
        programmeOfIndex = programmes
        var admitsProgramme = [Bool](repeating: false, count: input.applicants.count * programmeNames.count)
        for (a, x) in input.applicants.enumerated() {
            for (i, programme) in programmes.enumerated() {
                admitsProgramme[a * programmes.count + i] =
                    programme.map { Eligibility.programmeRule(of: x, for: $0, roundDate: policy.roundDate) == nil } ?? false
            }
        }
        programmeAdmits = admitsProgramme
        geometry = ProjectGeometry(input.projects)

        (lottery, priorityOrder, globalRank) = priority.value()
        admission = AdmissionTable(self)
    }

    /// Each applicant's lottery number, the global priority order — (−points, lottery
    /// number, applicant_id), lower first — and each applicant's rank in it.
    private static func priority(_ applicants: [Applicant], seed: String) -> (lottery: [UInt64], order: [Int32], rank: [Int32]) {
        let drawChunks = max(1, min(16, applicants.count / 4096))
        let lottery = Parallel.map(chunks: drawChunks) { chunk in
            Parallel.range(chunk, of: drawChunks, count: applicants.count).map {
                Lottery.number(seed: seed, applicantID: applicants[$0].id)
            }
        }.flatMap { $0 }
        var order = applicants.indices.map { Int32($0) }
        order.sort { x, y in
            let a = applicants[Int(x)], b = applicants[Int(y)]
            if a.priorityPoints != b.priorityPoints { return a.priorityPoints > b.priorityPoints }
            if lottery[Int(x)] != lottery[Int(y)] { return lottery[Int(x)] < lottery[Int(y)] }
            return a.id.utf8Less(b.id)
        }
        var rank = Array(repeating: Int32(0), count: applicants.count)
        for (r, a) in order.enumerated() { rank[Int(a)] = Int32(r) }
        return (lottery, order, rank)
    }

    /// Whether class `c` (of project `p`) admits `a`, using the memoised `mask` of
    /// `admission.mask(applicant: a, project: p)`.
    @inline(__always)
    func admits(_ c: Int, applicant a: Int, project p: Int, mask: UInt64) -> Bool {
        let bit = c - projectClasses[p].lowerBound
        if bit < 64 && mask & (1 << UInt64(bit)) == 0 { return false }
        return admission.exact(p) || admits(c, applicant: a)
    }

    /// The applicant's rank in project `p`'s priority order: local workers first when the
    /// policy says so, then the global key. Lower is better.
    @inline(__always)
    func projectRank(of a: Int, at p: Int) -> Int {
        let n = input.applicants.count
        let local = input.policy.localPriority && applicantDistrict[a] == projectDistrict[p]
        return (local ? 0 : n) + Int(globalRank[a])
    }

    @inline(__always)
    func programmeAdmits(_ a: Int, project p: Int) -> Bool {
        programmeAdmits[a * programmeCount + projectProgrammeIndex[p]]
    }

    /// Calls `body(project, minutes)` for every project whose programme admits `a` and
    /// which lies within `a`'s commute limit. `skip(p)` is asked first, before any geometry, so cheap refusals cost no commute.
    @inline(__always)
    func forEachReachableProject(of a: Int, skip: (Int) -> Bool = { _ in false }, _ body: (Int, Int) -> Void) {
        geometry.forEachProject(
            near: workLat[a], workLon[a], withinMinutes: maxCommute[a], model: input.policy.commute,
            skip: { p in projectClasses[p].isEmpty || !programmeAdmits(a, project: p) || skip(p) }, body)
    }

    /// The number of slots in class `c`.
    @inline(__always)
    func size(ofClass c: Int) -> Int { classSlotStart[c + 1] - classSlotStart[c] }

    /// The `i`-th lowest slot position of class `c`.
    @inline(__always)
    func slotPosition(_ i: Int, ofClass c: Int) -> Int32 { classSlotPositions[classSlotStart[c] + i] }

    /// The tie-break key of group `g` for an applicant at commute tier `tier` (see
    /// `ProjectLists`): preference order is ascending key, i.e. (commute_min, rent,
    /// project_id), slot ids resolved in the group.
    @inline(__always)
    func key(group g: Int, tier: Int) -> UInt64 {
        UInt64(tier) << 32 | UInt64(groups[g].order)
    }

    /// Slot-level rules (household, gender, accessibility, rent, reserved employer) for a
    /// whole class at once: every slot of a class shares them. Returns the first rule
    /// broken, in the contract's order, or nil.
    @inline(__always)
    func slotRule(_ c: Int, applicant a: Int) -> IneligibilityRule? {
        if householdSize[a] > classMaxHousehold[c] { return .householdSize }
        let g = classGenderCode[c]
        if g != 0, g != genderCode[a] { return .gender }
        if needsAccessible[a], !classAccessible[c] { return .accessibility }
        if classRent[c] > maxRent[a] { return .rent }
        let e = classEmployer[c]
        if e >= 0, e != applicantEmployer[a] { return .reservedEmployer }
        return nil
    }

    /// Whether class `c` admits applicant `a` by the slot-level rules.
    @inline(__always)
    func admits(_ c: Int, applicant a: Int) -> Bool { slotRule(c, applicant: a) == nil }

    /// Whether some class of project `p` admits `a` (the admission table answers alone
    /// where it is exact for `p`).
    @inline(__always)
    func hasClassAdmitting(_ a: Int, at p: Int) -> Bool {
        admission.exact(p) || projectClasses[p].contains(where: { admits($0, applicant: a) })
    }
}
