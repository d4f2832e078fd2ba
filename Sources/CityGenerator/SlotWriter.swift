/// Writes slots.csv: project by project, dorm beds room by room (so a room's beds are
/// consecutive), with rents fixed per room size or unit type as real projects price them.
struct SlotWriter {
    static let header = "slot_id,project_id,kind,room_id,max_household,rent,gender,accessible,status,reserved_employer_id\n"

    private let slotIDWidth: Int
    private let projectIDWidth: Int
    private var sink: ByteSink
    private var nextSlot = 1

    init(slots: Int, projectIDWidth: Int) {
        slotIDWidth = idDigits(for: slots, minimum: 6)
        self.projectIDWidth = projectIDWidth
        sink = ByteSink(capacity: 64 + slots * 72)
        sink.raw(SlotWriter.header)
    }

    mutating func write(_ projects: [PlannedProject], _ rng: inout CityRandom) -> [UInt8] {
        for p in projects {
            switch p.programme {
            case .frontline: writeDorm(p, &rng)
            case .talent: writeApartments(p, count: p.slotCount, types: SlotWriter.talentUnits, &rng)
            case .general: writeApartments(p, count: p.slotCount, types: SlotWriter.generalUnits, &rng)
            }
        }
        return sink.bytes
    }

    /// Unit types as (max_household, base rent, share): studios for single graduates,
    /// family flats in general public rental housing.
    static let talentUnits = [(1, 2000, 55), (2, 2800, 35), (3, 3800, 10)]
    static let generalUnits = [(1, 1800, 10), (2, 2500, 25), (3, 3300, 35), (4, 4300, 20), (5, 5200, 10)]
    static let familyUnits = [(2, 1500, 50), (3, 1900, 35), (4, 2300, 15)]

    /// A dorm: rooms of 2–8 single-gender beds, some leased whole by a big employer, and
    /// in larger dorms a few small family flats at the end.
    private mutating func writeDorm(_ p: PlannedProject, _ rng: inout CityRandom) {
        let families = p.slotCount >= 30 ? p.slotCount / 12 : 0
        var rooms: [Int] = []
        var left = p.slotCount - families
        while left > 0 {
            var size = min(left, rng.pick([(2, 10), (3, 5), (4, 30), (6, 35), (8, 20)]))
            if left - size == 1 { size = size < 8 ? size + 1 : size - 1 }  // no lone bed left over
            rooms.append(size)
            left -= size
        }
        // Bed rent falls with room size and distance from the centre: 500–1000 yuan.
        let locationFactor = 0.75 + 0.25 * (p.rentFactor - 0.75) / 0.6
        let jitter = 0.95 + 0.1 * rng.unit()
        var leased: (employer: String, rooms: Range<Int>)?
        let lessors = BigEmployer.all.filter { $0.occupation != nil && $0.wouldLease(at: p.point) }
        if rooms.count >= 2, !lessors.isEmpty, rng.chance(0.4) {
            let employer = rng.pick(lessors.map { ($0.id, $0.weight) })
            let k = max(1, rooms.count * rng.int(in: 20...50) / 100)
            let start = rng.int(in: 0...(rooms.count - k))
            leased = (employer, start..<(start + k))
        }
        let roomsPerFloor = rng.int(in: 8...16)
        for (r, size) in rooms.enumerated() {
            let rent = min(1000, max(500, roundTo(Double(1000 - 55 * (size - 2)) * locationFactor * jitter, 10)))
            let gender = rng.pick([("male", 52), ("female", 42), ("any", 6)])
            let accessible = rng.chance(0.05)
            let maintenance = rng.chance(0.03)
            let employer = leased.flatMap { $0.rooms.contains(r) ? $0.employer : nil }
            for _ in 0..<size {
                beginRow(p)
                sink.raw("bed,R")
                sink.int(1 + r / roomsPerFloor)
                sink.padded(1 + r % roomsPerFloor, width: 2)
                sink.raw(",1,")
                sink.int(rent)
                sink.comma()
                sink.raw(gender)
                endRow(accessible: accessible, status: maintenance ? "maintenance" : bedStatus(&rng), employer: employer)
            }
        }
        writeApartments(p, count: families, types: SlotWriter.familyUnits, &rng)
    }

    /// Apartments let whole: a unit type per flat, its rent fixed per project and type.
    /// Near a youth-talent employer's site, some talent flats are leased by it.
    private mutating func writeApartments(
        _ p: PlannedProject, count: Int, types: [(Int, Int, Int)], _ rng: inout CityRandom
    ) {
        guard count > 0 else { return }
        let rents = types.map { t in
            min(6000, max(1500, roundTo(Double(t.1) * p.rentFactor * (0.9 + 0.2 * rng.unit()), 50)))
        }
        let table = WeightTable(types.map(\.2))
        var leased: (employer: String, flats: Range<Int>)?
        let lessors = BigEmployer.hiring(nil).filter { $0.wouldLease(at: p.point) }
        if p.programme == .talent, count >= 5, !lessors.isEmpty, rng.chance(0.3) {
            let k = max(1, count * rng.int(in: 10...30) / 100)
            let start = rng.int(in: 0...(count - k))
            leased = (rng.pick(lessors.map { ($0.id, $0.weight) }), start..<(start + k))
        }
        for i in 0..<count {
            let t = rng.index(weighted: table)
            beginRow(p)
            sink.raw("apartment,,")
            sink.int(types[t].0)
            sink.comma()
            sink.int(rents[t])
            sink.raw(",any")
            let status = rng.chance(0.03) ? "maintenance" : bedStatus(&rng)
            endRow(accessible: rng.chance(0.05), status: status, employer: leased.flatMap { $0.flats.contains(i) ? $0.employer : nil })
        }
    }

    /// Mostly free; some let already, some offered in an earlier round still unanswered.
    private func bedStatus(_ rng: inout CityRandom) -> String {
        rng.pick([("available", 90), ("occupied", 8), ("offered", 2)])
    }

    private mutating func beginRow(_ p: PlannedProject) {
        sink.id("S", nextSlot, width: slotIDWidth)
        nextSlot += 1
        sink.comma()
        sink.id("P", p.number, width: projectIDWidth)
        sink.comma()
    }

    private mutating func endRow(accessible: Bool, status: String, employer: String?) {
        sink.comma()
        sink.bool(accessible)
        sink.comma()
        sink.raw(status)
        sink.comma()
        if let employer { sink.raw(employer) }
        sink.newline()
    }
}

/// `value` rounded half up to a multiple of `step`.
func roundTo(_ value: Double, _ step: Int) -> Int {
    Int((value / Double(step) + 0.5).rounded(.down)) * step
}

/// Digits needed for ids up to `count`, at least `minimum`, so ids sort byte-wise.
func idDigits(for count: Int, minimum: Int) -> Int {
    var width = 1
    var n = count / 10
    while n > 0 {
        width += 1
        n /= 10
    }
    return max(minimum, width)
}
