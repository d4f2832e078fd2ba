import Foundation

/// One slot as an operator's listing shows it: what it is, its status and the version a
/// status change must name. Kinds, genders and statuses are as stored.
public struct ListedSlot: Sendable, Equatable {
    public var slotID: String
    public var projectID: String
    public var kind: String
    public var roomID: String?
    public var rent: Int
    public var gender: String
    public var accessible: Bool
    public var status: String
    public var version: Int64
    /// RFC 3339 in UTC, to the second.
    public var updatedAt: String
}

/// An operator's slots and the occupancy of each of their projects.
public struct SlotListing: Sendable, Equatable {
    /// Each project, in project id order (byte-wise).
    public var projects: [ProjectOccupancy]
    /// Every slot of those projects, by project then slot id (byte-wise).
    public var slots: [ListedSlot]
}

extension Store {
    /// The slots of `projects` and each project's occupancy (`GET /v1/operator/slots`).
    /// Projects the city does not have are simply absent.
    public func slotListing(projects: [String]) throws -> SlotListing {
        let slots = try connection.query(
            """
            SELECT slot_id, project_id, kind, room_id, rent, gender, accessible, status, version,
                   to_char(updated_at AT TIME ZONE 'UTC', \(Self.utcFormat)) AS updated_at
            FROM slots WHERE city = $1 AND project_id = ANY($2::text[])
            ORDER BY project_id COLLATE "C", slot_id COLLATE "C"
            """,
            [city, Self.textArray(projects)]
        ).map { row in
            ListedSlot(
                slotID: try row.decode(String.self, "slot_id"), projectID: try row.decode(String.self, "project_id"),
                kind: try row.decode(String.self, "kind"), roomID: try row.decode(String?.self, "room_id"),
                rent: try row.decode(Int.self, "rent"), gender: try row.decode(String.self, "gender"),
                accessible: try row.decode(Bool.self, "accessible"), status: try row.decode(String.self, "status"),
                version: Int64(try row.decode(Int.self, "version")), updatedAt: try row.decode(String.self, "updated_at"))
        }
        return SlotListing(projects: try projectOccupancy(projects), slots: slots)
    }

    /// The project slot `slotID` belongs to, or nil when the city has no such slot — so a
    /// caller can check an operator's scope before acting on the slot.
    public func projectOfSlot(_ slotID: String) throws -> String? {
        try connection.query("SELECT project_id FROM slots WHERE city = $1 AND slot_id = $2", [city, slotID]).first?[0]
    }
}
