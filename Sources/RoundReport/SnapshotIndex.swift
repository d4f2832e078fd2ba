import Allocation

/// What the report needs from the snapshot, whatever the mechanism: each applicant's
/// category and work district as small integers, each project's available slots, and a
/// way from a result row to its applicant. Built once, in one pass over each array.
final class SnapshotIndex {
    let input: RoundInput
    /// Distinct work districts, in order of first appearance (sorted later for display).
    let districts: [String]
    /// Applicants per district, parallel to `districts`.
    let districtApplicants: [Int]
    /// Per applicant (input order): index into `districts`.
    let districtOf: [Int32]
    /// Per applicant (input order): index into `Applicant.Category.allCases`.
    let categoryOf: [UInt8]
    /// Project id → index into `input.projects`.
    let projectIndex: [ByteKey: Int]
    /// Slots with status `available`, per project (parallel to `input.projects`).
    let availableByProject: [Int]
    /// All slots with status `available`, including any whose project is not in the snapshot.
    let slotsAvailable: Int

    /// Built on first need: most results list applicants in the input's order (both
    /// byte-wise by id), and then no lookup is needed.
    private lazy var applicantByID: [ByteKey: Int32] = {
        var index: [ByteKey: Int32] = [:]
        index.reserveCapacity(input.applicants.count)
        for (i, applicant) in input.applicants.enumerated() { index[ByteKey(applicant.id)] = Int32(i) }
        return index
    }()

    /// The row → applicant map of the previous result: every mechanism's rows come in the
    /// same order, so the second and third results reuse the first one's lookups.
    private var previousRowMap: [Int32] = []

    init(_ input: RoundInput) {
        self.input = input
        let categories = Applicant.Category.allCases
        var districtIndex: [ByteKey: Int32] = [:]
        var districts: [String] = []
        var districtApplicants: [Int] = []
        var districtOf: [Int32] = []
        var categoryOf: [UInt8] = []
        districtOf.reserveCapacity(input.applicants.count)
        categoryOf.reserveCapacity(input.applicants.count)
        var lastDistrict: (key: String, index: Int32)? = nil
        for applicant in input.applicants {
            let d: Int32
            if let last = lastDistrict, ByteKey.sameBytes(last.key, applicant.workDistrict) {
                d = last.index  // neighbours often share a district: skip the hash
            } else if let known = districtIndex[ByteKey(applicant.workDistrict)] {
                d = known
            } else {
                d = Int32(districts.count)
                districtIndex[ByteKey(applicant.workDistrict)] = d
                districts.append(applicant.workDistrict)
                districtApplicants.append(0)
            }
            lastDistrict = (applicant.workDistrict, d)
            districtApplicants[Int(d)] += 1
            districtOf.append(d)
            categoryOf.append(UInt8(categories.firstIndex(of: applicant.category)!))
        }
        self.districts = districts
        self.districtApplicants = districtApplicants
        self.districtOf = districtOf
        self.categoryOf = categoryOf

        var projectIndex: [ByteKey: Int] = [:]
        for (i, project) in input.projects.enumerated() where projectIndex[ByteKey(project.id)] == nil {
            projectIndex[ByteKey(project.id)] = i
        }
        self.projectIndex = projectIndex
        var available = [Int](repeating: 0, count: input.projects.count)
        var slotsAvailable = 0
        var last: (key: String, index: Int?)? = nil
        for slot in input.slots where slot.status == .available {
            slotsAvailable += 1
            let p: Int?
            if let last, ByteKey.sameBytes(last.key, slot.projectID) {
                p = last.index  // slots.csv usually lists a project's slots together
            } else {
                p = projectIndex[ByteKey(slot.projectID)]
            }
            last = (slot.projectID, p)
            if let p { available[p] += 1 }
        }
        self.availableByProject = available
        self.slotsAvailable = slotsAvailable
    }

    /// For each row of a result, the input index of its applicant, or -1 if the snapshot
    /// has no such applicant. Tries, in order: the same position in the input, the previous
    /// result's map, and a lookup by id.
    func applicantIndices(of rows: [ApplicantResult]) -> [Int32] {
        let applicants = input.applicants
        let previous = previousRowMap
        var map = [Int32](repeating: -1, count: rows.count)
        for (position, row) in rows.enumerated() {
            if position < applicants.count, ByteKey.sameBytes(applicants[position].id, row.applicantID) {
                map[position] = Int32(position)
            } else if position < previous.count, previous[position] >= 0,
                ByteKey.sameBytes(applicants[Int(previous[position])].id, row.applicantID)
            {
                map[position] = previous[position]
            } else {
                map[position] = applicantByID[ByteKey(row.applicantID)] ?? -1
            }
        }
        previousRowMap = map
        return map
    }
}
