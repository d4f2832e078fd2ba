import Allocation

/// A slot to add to a project: an apartment, or a bed — alone or in a dorm room.
public struct NewSlot: Sendable, Equatable {
    public var slotID: String
    public var kind: Slot.Kind
    /// A bed's dorm room: one of the project's rooms, or a new one that takes its beds'
    /// gender. Apartments are in no room.
    public var roomID: String?
    /// At least 1; a bed's is 1.
    public var maxHousehold: Int
    /// Whole yuan per month, at least 0.
    public var rent: Int
    /// A bed's gender (its room's); apartments still carry a value, which eligibility ignores.
    public var gender: Slot.Gender
    public var accessible: Bool
    /// `available` or `maintenance`: offers come only from rounds, tenants from offers.
    public var status: Slot.Status
    /// An employer of the city that leases the slot for its workers.
    public var reservedEmployerID: String?

    /// A slot as described; it is available, in no room and reserved for no one unless told.
    public init(
        slotID: String, kind: Slot.Kind, roomID: String? = nil, maxHousehold: Int, rent: Int, gender: Slot.Gender = .any,
        accessible: Bool = false, status: Slot.Status = .available, reservedEmployerID: String? = nil
    ) {
        self.slotID = slotID
        self.kind = kind
        self.roomID = roomID
        self.maxHousehold = maxHousehold
        self.rent = rent
        self.gender = gender
        self.accessible = accessible
        self.status = status
        self.reservedEmployerID = reservedEmployerID
    }
}

/// One problem with a list of slots to add, located as `slots[INDEX].FIELD: message` (the
/// list's name in the HTTP API's body), `slots[INDEX]: …` or `slots: …`.
public struct NewSlotProblem: Sendable, Equatable, CustomStringConvertible {
    /// What kind of rule a problem breaks.
    public enum Kind: Sendable, Equatable {
        /// A slot (or the list) is malformed by itself: fixing that slot fixes it.
        case invalid
        /// The slots clash with each other or with the city's data: a slot id given twice or
        /// already taken, a bed whose gender is not its room's, an employer the city lacks.
        case conflict
    }

    /// The slot's position in the list; nil for a problem of the list as a whole.
    public var index: Int?
    /// The field, named as in slots.csv; nil for the slot (or the list) as a whole.
    public var field: String?
    /// What is wrong and what is expected.
    public var message: String
    /// Invalid (HTTP 422) or a conflict (409).
    public var kind: Kind

    /// A problem as described; invalid unless told.
    public init(index: Int?, field: String?, message: String, kind: Kind = .invalid) {
        self.index = index
        self.field = field
        self.message = message
        self.kind = kind
    }

    /// `slots[INDEX].FIELD`, `slots[INDEX]` or `slots`: where the problem is in the request.
    public var path: String { "slots" + (index.map { "[\($0)]" } ?? "") + (field.map { ".\($0)" } ?? "") }

    /// `slots[INDEX].FIELD: message`, `slots[INDEX]: message` or `slots: message`.
    public var description: String { path + ": " + message }

    /// The problem located at its request field, for a `StoreError`.
    public var storeProblem: StoreProblem { StoreProblem(message, at: .field(path)) }
}

/// A slot as stored, with the version an operator's status change must name.
public struct AddedSlot: Sendable, Equatable {
    /// The slot as stored (an apartment's room is nil).
    public var slot: Slot
    /// 1 for a new slot: every status change bumps it.
    public var version: Int64
    /// RFC 3339 in UTC, to the second.
    public var updatedAt: String
}

/// A project's slots by status.
public struct ProjectOccupancy: Sendable, Equatable {
    public var projectID: String
    /// The project's name, as imported.
    public var name: String
    /// All its slots, whatever their status; then the count of each status.
    public var slots: Int
    public var available: Int
    public var offered: Int
    public var occupied: Int
    public var maintenance: Int

    /// Counts as given.
    public init(projectID: String, name: String, slots: Int, available: Int, offered: Int, occupied: Int, maintenance: Int) {
        self.projectID = projectID
        self.name = name
        self.slots = slots
        self.available = available
        self.offered = offered
        self.occupied = occupied
        self.maintenance = maintenance
    }
}

/// What `addSlots` wrote.
public struct SlotsAdded: Sendable, Equatable {
    /// The new slots, in the order they were given.
    public var slots: [AddedSlot]
    /// The dorm rooms this call created, by id (beds may also join rooms that existed).
    public var roomsCreated: [String]
    /// The project after the addition, in the same transaction.
    public var occupancy: ProjectOccupancy
}
