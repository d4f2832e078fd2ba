/// Each class's members (applicant indices) in one flat array with a fixed room per class, and
/// each applicant's place in it, so adding and removing are O(1) (a removal moves the class's
/// last member into the gap). Searches that walk a class's members use it: applicant routing
/// (`ApplicantShortestPaths`) and the warm start's backward searches (`ClassShortestPaths`).
/// The owner calls `deallocate`.
struct ClassMembers {
    /// Class j's members are `applicant[start[j] ..< start[j] + count[j]]`.
    let start: UnsafeMutablePointer<Int>
    let count: UnsafeMutablePointer<Int>
    let applicant: UnsafeMutablePointer<Int32>
    /// Per applicant: its index among its class's members (-1: in none).
    private let index: UnsafeMutablePointer<Int32>

    /// Room for `room[j]` members in class j, for applicants `0..<sourceCount`; all empty.
    init(room: [Int], sourceCount: Int) {
        start = filled(0, room.count + 1)
        for (j, r) in room.enumerated() { start[j + 1] = start[j] + r }
        count = filled(0, room.count)
        applicant = filled(-1, start[room.count])
        index = filled(-1, sourceCount)
    }

    func deallocate() {
        start.deallocate(); count.deallocate(); applicant.deallocate(); index.deallocate()
    }

    /// Positions in `applicant` of class j's members.
    @inline(__always) func slots(of j: Int) -> Range<Int> { start[j]..<(start[j] + count[j]) }

    @inline(__always) func add(_ i: Int, to j: Int) {
        let at = count[j]
        applicant[start[j] + at] = Int32(i)
        index[i] = Int32(at)
        count[j] = at + 1
    }

    @inline(__always) func remove(_ i: Int, from j: Int) {
        let at = Int(index[i]), last = count[j] - 1
        let moved = applicant[start[j] + last]
        applicant[start[j] + at] = moved
        index[Int(moved)] = Int32(at)
        count[j] = last
        index[i] = -1
    }
}
