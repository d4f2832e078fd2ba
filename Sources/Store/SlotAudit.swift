import Foundation

/// A slot's version and status, as a client about to change it would read them.
public struct SlotState: Sendable, Equatable {
    public var version: Int64
    public var status: String

    public init(version: Int64, status: String) {
        self.version = version
        self.status = status
    }
}

extension Store {
    /// The version and status of each of `slotIDs` the city has (absent ids are left out):
    /// what an operator reloads after a 409, and what a check compares before and after.
    public func slotStates(_ slotIDs: [String]) throws -> [String: SlotState] {
        let rows = try connection.query(
            "SELECT slot_id, version, status FROM slots WHERE city = $1 AND slot_id = ANY($2::text[])",
            [city, Self.textArray(slotIDs)])
        return Dictionary(
            uniqueKeysWithValues: try rows.map {
                (
                    try $0.decode(String.self, "slot_id"),
                    SlotState(version: Int64(try $0.decode(Int.self, "version")), status: try $0.decode(String.self, "status"))
                )
            })
    }

    /// Up to `limit` slots, by id (byte-wise), that an operator may set freely: available
    /// or in maintenance, held by no live offer and no active tenancy — with their projects.
    public func freeSlots(limit: Int) throws -> [(slotID: String, projectID: String)] {
        try connection.query(
            """
            SELECT s.slot_id, s.project_id FROM slots s
            WHERE s.city = $1 AND s.status IN ('available', 'maintenance')
              AND NOT EXISTS (SELECT 1 FROM offers o WHERE o.city = s.city AND o.slot_id = s.slot_id AND o.status = 'offered')
              AND NOT EXISTS (SELECT 1 FROM tenancies t WHERE t.city = s.city AND t.slot_id = s.slot_id AND t.status = 'active')
            ORDER BY s.slot_id COLLATE "C" LIMIT $2
            """,
            [city, String(limit)]
        ).map { (try $0.decode(String.self, "slot_id"), try $0.decode(String.self, "project_id")) }
    }

    /// How many audit rows `action` wrote for each of `entityIDs` of `entity` (ids without
    /// any are left out): proof that every change was recorded once.
    public func auditCounts(action: String, entity: String, ids entityIDs: [String]) throws -> [String: Int] {
        let rows = try connection.query(
            """
            SELECT entity_id, count(*) FROM audit_log
            WHERE city = $1 AND entity = $2 AND action = $3 AND entity_id = ANY($4::text[]) GROUP BY entity_id
            """,
            [city, entity, action, Self.textArray(entityIDs)])
        return Dictionary(uniqueKeysWithValues: try rows.map { (try $0.decode(String.self, at: 0), try $0.decode(Int.self, at: 1)) })
    }

    /// How many applicants of the city hold a token.
    public func tokenCount() throws -> Int {
        try connection.query("SELECT count(*) FROM applicant_tokens WHERE city = $1", [city])[0].decode(Int.self, at: 0)
    }
}
