import AllocationFiles
import Foundation

extension Store {
    /// Sets many slots' statuses from a `SlotStatusFile` (`slot_id,status[,expected_version]`),
    /// all or nothing, and returns one `SlotChange` per row, in file order.
    ///
    /// First the whole file is checked — syntax, statuses, duplicates and slot ids unknown in
    /// this city — and every problem is thrown as `StoreError.invalid` (`FILE:LINE: COLUMN:
    /// message`) with nothing changed. Then every row is applied in ONE transaction, each by
    /// the rules of `setSlotStatus` (with `withdrawOffers` for every row); if any row is
    /// refused (a stale `expected_version`, a live offer), the transaction is rolled back
    /// and every refusal is thrown as one `StoreError.conflict`, a `FILE:LINE: slot_id:
    /// message` line each. One audit row per changed slot (naming the file and line).
    @discardableResult
    public func setSlotStatuses(csv bytes: [UInt8], fileName: String, withdrawOffers: Bool = false) throws -> [SlotChange] {
        let (rows, diagnostics) = SlotStatusFile.parse(bytes, fileName: fileName)
        var problems = diagnostics
        let ids = rows.map(\.slotID)
        let known = Set(
            try connection.query(
                "SELECT slot_id FROM slots WHERE city = $1 AND slot_id = ANY($2::text[])", [city, Self.textArray(ids)]
            ).map { try $0.decode(String.self, "slot_id") })
        for row in rows where !known.contains(row.slotID) {
            problems.append(Diagnostic(file: fileName, line: row.line, column: "slot_id", message: "no slot \(row.slotID) in city \(city)"))
        }
        guard problems.isEmpty else { throw StoreError.invalidFile(problems) }
        guard !rows.isEmpty else { return [] }

        return try retryingTransaction {
            try lockForBulk(slots: ids)
            var changes: [SlotChange] = []
            var refusals: [StoreProblem] = []
            var roundOf: [Int: String] = [:]  // change index -> round of the offer it withdrew
            for row in rows {
                let outcome = try changeSlot(
                    row.slotID, to: row.status, expectedVersion: row.expectedVersion, withdrawOffer: withdrawOffers,
                    details: ["file": .string(fileName), "line": .int(row.line)])
                switch outcome {
                case .refused(_, let message):
                    refusals.append(StoreProblem(message, at: .file(fileName, line: row.line, column: "slot_id")))
                case .changed(let change, let roundID):
                    if let roundID { roundOf[changes.count] = roundID }
                    changes.append(change)
                }
            }
            guard refusals.isEmpty else {
                throw StoreError(
                    .slotChangesRefused, subject: .file(fileName),
                    problems: refusals + [StoreProblem("\(refusals.count) of \(rows.count) rows refused; nothing was changed")])
            }
            var closed: Set<String> = []
            for roundID in Set(roundOf.values).sorted() where try closeRoundIfSettled(roundID) { closed.insert(roundID) }
            for (k, roundID) in roundOf where closed.contains(roundID) { changes[k].closedRoundID = roundID }
            return changes
        }
    }

    /// Takes every lock a bulk change needs up front, in the global order — the slots' live
    /// offers by id, the slots by id, then their offer holders and tenants by id — so a
    /// bulk change and single changes never wait on each other in a cycle.
    private func lockForBulk(slots ids: [String]) throws {
        let array = Self.textArray(ids)
        let offers = try connection.query(
            """
            SELECT offer_id FROM offers WHERE city = $1 AND slot_id = ANY($2::text[]) AND status = 'offered'
            ORDER BY offer_id FOR UPDATE
            """,
            [city, array])
        try connection.query(
            "SELECT slot_id FROM slots WHERE city = $1 AND slot_id = ANY($2::text[]) ORDER BY slot_id FOR UPDATE", [city, array])
        try checkNoNewOffer(onSlots: ids, locked: Set(try offers.map { Int64(try $0.decode(Int.self, "offer_id")) }))
        try connection.query(
            """
            SELECT applicant_id FROM applicants
            WHERE city = $1 AND applicant_id IN (
                SELECT applicant_id FROM offers WHERE city = $1 AND slot_id = ANY($2::text[]) AND status = 'offered'
                UNION
                SELECT applicant_id FROM tenancies WHERE city = $1 AND slot_id = ANY($2::text[]) AND status = 'active')
            ORDER BY applicant_id FOR UPDATE
            """,
            [city, array])
    }

}
