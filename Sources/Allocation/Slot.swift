/// One allocatable place: a whole apartment for one household, or one bed for one person.
public struct Slot: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable { case apartment, bed }
    public enum Gender: String, Sendable, CaseIterable { case any, female, male }
    public enum Status: String, Sendable, CaseIterable { case available, offered, occupied, maintenance }

    public var id: String
    public var projectID: String
    public var kind: Kind
    /// The dorm room a bed is in; beds of one room share one gender.
    public var roomID: String?
    public var maxHousehold: Int
    public var rent: Int
    /// Only meaningful for beds; apartments admit any gender.
    public var gender: Gender
    public var accessible: Bool
    /// Only `available` slots are allocated in a round.
    public var status: Status
    /// When set, only applicants of this employer may have the slot.
    public var reservedEmployerID: String?

    public init(
        id: String, projectID: String, kind: Kind, roomID: String? = nil, maxHousehold: Int, rent: Int,
        gender: Gender = .any, accessible: Bool = false, status: Status = .available,
        reservedEmployerID: String? = nil
    ) {
        self.id = id
        self.projectID = projectID
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
