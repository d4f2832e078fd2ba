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
        /// Positions in `Market.slots`, ascending. Within a group, position order is slot-id
        /// order, so comparing positions compares slot ids.
        var slots: [Int32]
    }

    struct Group: Sendable {
        var project: Int32
        var rent: Int
        /// Indices into `Market.classes`.
        var classes: [Int32]
        /// Position of the group in (rent, project_id) order: ties in commute are broken by it.
        var order: Int32
    }

    let input: RoundInput
    /// Indices into `input.slots` of the available slots.
    let slots: [Int32]
    let classes: [SlotClass]
    let groups: [Group]
    let groupByOrder: [Int32]
    /// The group of each position in `slots`.
    let groupOfPosition: [Int32]
    /// Per project: its classes, for eligibility scans.
    let projectClasses: [[Int32]]
    let projectProgramme: [Programme?]
    let projectDistrict: [Int32]
    /// Per applicant: interned work district and employer (-1 when none).
    let applicantDistrict: [Int32]
    let applicantEmployer: [Int32]
    /// Per applicant: position in the global priority order (0 draws first).
    let globalRank: [Int32]
    /// Applicants in global priority order.
    let priorityOrder: [Int32]
    let lottery: [UInt64]
    /// Flat copies of the applicant fields the hot loops read (no String copies there).
    let householdSize: [Int]
    let genderCode: [UInt8]  // 1 female, 2 male
    let needsAccessible: [Bool]
    let maxRent: [Int]  // Int.max when not given
    let maxCommute: [Int]

    init(_ input: RoundInput, seed: String) {
        self.input = input
        var districts: [String: Int32] = [:]
        func intern(_ s: String, _ table: inout [String: Int32]) -> Int32 {
            if let id = table[s] { return id }
            let id = Int32(table.count)
            table[s] = id
            return id
        }
        var projectIndex: [String: Int32] = [:]
        for (i, p) in input.projects.enumerated() { projectIndex[p.id] = Int32(i) }
        projectDistrict = input.projects.map { intern($0.district, &districts) }
        projectProgramme = input.projects.map { input.policy.programmes[$0.programme] }
        applicantDistrict = input.applicants.map { intern($0.workDistrict, &districts) }
        householdSize = input.applicants.map(\.householdSize)
        genderCode = input.applicants.map { $0.gender == .female ? 1 : 2 }
        needsAccessible = input.applicants.map(\.needsAccessible)
        maxRent = input.applicants.map { $0.maxRent ?? Int.max }
        maxCommute = input.applicants.map { Eligibility.maxCommute(of: $0, policy: input.policy) }
        var employers: [String: Int32] = [:]
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
        slots = available

        struct ClassKey: Hashable { var gender: Slot.Gender; var maxHousehold: Int; var accessible: Bool; var employer: Int32 }
        var classes: [SlotClass] = []
        var groups: [Group] = []
        var projectClasses = Array(repeating: [Int32](), count: input.projects.count)
        var i = 0
        while i < available.count {
            let first = all[Int(available[i])]
            let project = slotProject[Int(available[i])]
            var j = i
            var keyToClass: [ClassKey: Int32] = [:]
            var groupClasses: [Int32] = []
            let groupIndex = Int32(groups.count)
            while j < available.count {
                let s = all[Int(available[j])]
                guard slotProject[Int(available[j])] == project, s.rent == first.rent else { break }
                let key = ClassKey(
                    gender: s.kind == .bed ? s.gender : .any, maxHousehold: s.maxHousehold, accessible: s.accessible,
                    employer: s.reservedEmployerID.map { intern($0, &employers) } ?? -1)
                if let c = keyToClass[key] {
                    classes[Int(c)].slots.append(Int32(j))
                } else {
                    let c = Int32(classes.count)
                    keyToClass[key] = c
                    groupClasses.append(c)
                    classes.append(SlotClass(
                        group: groupIndex, gender: key.gender,
                        genderCode: key.gender == .any ? 0 : key.gender == .female ? 1 : 2, maxHousehold: key.maxHousehold,
                        accessible: key.accessible, employer: key.employer, slots: [Int32(j)]))
                }
                j += 1
            }
            groups.append(Group(project: project, rent: first.rent, classes: groupClasses, order: 0))
            projectClasses[Int(project)].append(contentsOf: groupClasses)
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
        var groupOfPosition = [Int32](repeating: 0, count: available.count)
        for k in classes { for pos in k.slots { groupOfPosition[Int(pos)] = k.group } }
        self.groupOfPosition = groupOfPosition
        self.classes = classes
        self.groups = groups
        self.groupByOrder = byOrder.map { Int32($0) }
        self.projectClasses = projectClasses

        // Global priority: (−points, lottery number, applicant_id), lower first.
        let lottery = input.applicants.map { Lottery.number(seed: seed, applicantID: $0.id) }
        self.lottery = lottery
        let applicants = input.applicants
        var order = applicants.indices.map { Int32($0) }
        order.sort { x, y in
            let a = applicants[Int(x)], b = applicants[Int(y)]
            if a.priorityPoints != b.priorityPoints { return a.priorityPoints > b.priorityPoints }
            if lottery[Int(x)] != lottery[Int(y)] { return lottery[Int(x)] < lottery[Int(y)] }
            return a.id.utf8Less(b.id)
        }
        var rank = Array(repeating: Int32(0), count: applicants.count)
        for (r, a) in order.enumerated() { rank[Int(a)] = Int32(r) }
        priorityOrder = order
        globalRank = rank
    }

    /// The applicant's rank in project `p`'s priority order: local workers first when the
    /// policy says so, then the global key. Lower is better.
    @inline(__always)
    func projectRank(of a: Int, at p: Int) -> Int {
        let n = input.applicants.count
        let local = input.policy.localPriority && applicantDistrict[a] == projectDistrict[p]
        return (local ? 0 : n) + Int(globalRank[a])
    }

    /// Slot-level rules (household, gender, accessibility, rent, reserved employer) for a
    /// whole class at once: every slot of a class shares them.
    @inline(__always)
    func admits(_ c: Int, applicant a: Int) -> Bool {
        let k = classes[c]
        if householdSize[a] > k.maxHousehold { return false }
        if k.genderCode != 0, k.genderCode != genderCode[a] { return false }
        if needsAccessible[a], !k.accessible { return false }
        if groups[Int(k.group)].rent > maxRent[a] { return false }
        if k.employer >= 0, k.employer != applicantEmployer[a] { return false }
        return true
    }
}
