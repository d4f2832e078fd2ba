import Allocation

/// The gender of each dorm room, fixed by its first bed in file order: the contract makes
/// every later bed that differs an error, so a room never mixes genders.
///
/// Rooms are named by project and room id together — room ids are scoped to their
/// project, so "R1" in two projects is two rooms.
struct DormRooms {
    private struct Key: Hashable {
        var project: String
        var room: String
    }

    private var firstBed: [Key: (gender: Slot.Gender, line: Int)]
    /// Beds of a room usually come together: the last room seen spares most lookups.
    private var lastRoom: (key: Key, gender: Slot.Gender, line: Int)?

    /// `capacity`: the most rooms expected; reserving room spares rehashing as it fills.
    init(capacity: Int) {
        firstBed = Dictionary(minimumCapacity: capacity)
    }

    /// Registers a bed; returns the problem when it differs from its room's first bed.
    mutating func admit(bedOf room: String, project: String, gender: Slot.Gender, line: Int) -> String? {
        let key = Key(project: project, room: room)
        let first: (gender: Slot.Gender, line: Int)
        if let last = lastRoom, last.key == key {
            first = (last.gender, last.line)
        } else if let known = firstBed[key] {
            first = known
            lastRoom = (key, known.gender, known.line)
        } else {
            firstBed[key] = (gender, line)
            lastRoom = (key, gender, line)
            return nil
        }
        guard first.gender != gender else { return nil }
        return "\(quoted(gender.rawValue)) differs from \(quoted(first.gender.rawValue)), the gender of the first bed of room \(quoted(room)) in project \(quoted(project)) (line \(first.line)); beds of one room share one gender"
    }
}
