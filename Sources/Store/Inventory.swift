import Allocation
import Postgres

/// What setting a slot's status did, for the caller to report.
public struct SlotChange: Sendable, Equatable {
    public var slotID: String
    /// The status before the call.
    public var from: Slot.Status
    /// The status after the call.
    public var to: Slot.Status
    /// The slot's version after the call (unchanged when `changed` is false).
    public var version: Int64
    /// False when the slot already had the status: nothing changed, no audit row.
    public var changed: Bool
    /// The live offer withdrawn to free the slot, if any (its applicant waits again).
    public var withdrawnOfferID: Int64?
    /// The tenancy ended because the tenant left, if any (its applicant is `withdrawn`).
    public var endedTenancyID: Int64?
    /// The round closed because the withdrawn offer was its last live one, if any.
    public var closedRoundID: String?

    /// A change as described; the optional parts default to none.
    public init(
        slotID: String, from: Slot.Status, to: Slot.Status, version: Int64, changed: Bool,
        withdrawnOfferID: Int64? = nil, endedTenancyID: Int64? = nil, closedRoundID: String? = nil
    ) {
        self.slotID = slotID
        self.from = from
        self.to = to
        self.version = version
        self.changed = changed
        self.withdrawnOfferID = withdrawnOfferID
        self.endedTenancyID = endedTenancyID
        self.closedRoundID = closedRoundID
    }

    /// One line for people, ids only: `slot S-1: occupied -> maintenance (version 4); tenancy 9 ended`.
    public var summary: String {
        guard changed else { return "slot \(slotID): already \(to.rawValue) (version \(version))" }
        var text = "slot \(slotID): \(from.rawValue) -> \(to.rawValue) (version \(version))"
        if let withdrawnOfferID { text += "; offer \(withdrawnOfferID) withdrawn" }
        if let endedTenancyID { text += "; tenancy \(endedTenancyID) ended" }
        if let closedRoundID { text += "; round \(closedRoundID) closed" }
        return text
    }
}

/// The outcome of one slot's change inside a transaction: done, or refused by the slot's
/// current state (so a bulk change can list every refusal before rolling back).
enum SlotChangeOutcome {
    case changed(SlotChange, roundToClose: String?)
    case refused(StoreError.Code, String)
}

extension Store {
    /// The reason stored on an offer withdrawn because its slot left the pool.
    public static let withdrawReason = "slot withdrawn by operator"

    /// Sets slot `slotID` to `status` (`available`, `maintenance` or `occupied`) in one
    /// transaction and returns what changed, including the slot's new version.
    ///
    /// - `expectedVersion`: optimistic concurrency — when given and the slot is at another
    ///   version, nothing changes (`StoreError.conflict`, naming both versions).
    /// - A slot with a live offer is refused unless `withdrawOffer`: then the offer is
    ///   `withdrawn` (no refusal; the applicant waits again) before the status changes.
    /// - A slot with an active tenancy set to `available` or `maintenance` means the tenant
    ///   left: the tenancy ends and the applicant becomes `withdrawn`.
    /// - `occupied` on a free slot is allowed (let outside the scheme, no tenancy).
    /// - The same status again changes nothing (the version is not bumped).
    ///
    /// - Throws: `StoreError.invalid` for `offered` (only rounds make offers);
    ///   `StoreError.notFound` for an unknown slot (or another city's);
    ///   `StoreError.conflict` as above.
    @discardableResult
    public func setSlotStatus(
        _ slotID: String, to status: Slot.Status, expectedVersion: Int64? = nil, withdrawOffer: Bool = false
    ) throws -> SlotChange {
        guard status != .offered else { throw StoreError.invalidField("status", Self.offeredByHand, code: .invalidStatus) }
        return try retryingTransaction {
            switch try changeSlot(slotID, to: status, expectedVersion: expectedVersion, withdrawOffer: withdrawOffer, details: [:]) {
            case .refused(let code, let message):
                throw StoreError(code, subject: .slot(slotID), message)
            case .changed(var change, let roundID):
                if let roundID, try closeRoundIfSettled(roundID) { change.closedRoundID = roundID }
                return change
            }
        }
    }

    static let offeredByHand = "offered cannot be set by hand; only a round makes offers"

    /// Changes one slot in the caller's transaction, locking in the global order (its live
    /// offer, the slot, then the applicant). A refusal is returned, not thrown, and leaves
    /// nothing changed for this slot; a round whose offer was withdrawn is returned for the
    /// caller to close once every slot is done. `details` are added to the slot's audit row.
    func changeSlot(
        _ slotID: String, to status: Slot.Status, expectedVersion: Int64?, withdrawOffer: Bool,
        details extra: [String: AuditValue]
    ) throws -> SlotChangeOutcome {
        let offer = try lockLiveOffer(onSlot: slotID)
        guard
            let row = try connection.query(
                "SELECT status, version FROM slots WHERE city = $1 AND slot_id = $2 FOR UPDATE", [city, slotID]
            ).first
        else { throw StoreError(.slotNotFound, subject: .slot(slotID), "no slot \(slotID) in city \(city)") }
        let version = Int64(try row.decode(Int.self, "version"))
        let fromText = try row.decode(String.self, "status")
        guard let from = Slot.Status(rawValue: fromText) else {
            throw PostgresError(message: "slot status \"\(fromText)\" is unknown", operation: "decode")
        }
        try checkNoNewOffer(onSlots: [slotID], locked: offer.map { [$0.id] } ?? [])

        if let expectedVersion, expectedVersion != version {
            return .refused(.staleVersion, "slot \(slotID) is at version \(version), not \(expectedVersion); read it again and retry")
        }
        if from == status {
            return .changed(SlotChange(slotID: slotID, from: from, to: status, version: version, changed: false), roundToClose: nil)
        }
        var details = extra
        var change = SlotChange(slotID: slotID, from: from, to: status, version: version, changed: true)
        if let offer {
            guard withdrawOffer else {
                return .refused(
                    .slotHasOffer,
                    "slot \(slotID) has live offer \(offer.id) (round \(offer.roundID), deadline \(offer.deadline)); "
                        + "withdraw the offer with it (--withdraw-offer) or wait for the answer")
            }
            try withdraw(offer)
            change.withdrawnOfferID = offer.id
            details["withdrawn_offer_id"] = .int(Int(offer.id))
            details["applicant_id"] = .string(offer.applicantID)
        }
        if status != .occupied, let tenancy = try connection.query(
            "SELECT tenancy_id, applicant_id FROM tenancies WHERE city = $1 AND slot_id = $2 AND status = 'active'",
            [city, slotID]
        ).first {
            let tenancyID = Int64(try tenancy.decode(Int.self, "tenancy_id"))
            let applicantID = try tenancy.decode(String.self, "applicant_id")
            _ = try lockApplicant(applicantID)
            try connection.query(
                "UPDATE tenancies SET status = 'ended', ended_at = now() WHERE city = $1 AND tenancy_id = $2", [city, String(tenancyID)])
            try connection.query(
                """
                UPDATE applicants SET status = 'withdrawn', updated_at = now()
                WHERE city = $1 AND applicant_id = $2 AND status = 'housed'
                """,
                [city, applicantID])
            change.endedTenancyID = tenancyID
            details["ended_tenancy_id"] = .int(Int(tenancyID))
            details["applicant_id"] = .string(applicantID)
        }
        change.version = try bumpSlot(slotID, to: status.rawValue)
        details["from"] = .string(from.rawValue)
        details["to"] = .string(status.rawValue)
        details["slot_version"] = .int(Int(change.version))
        details["expected_version"] = expectedVersion.map { .int(Int($0)) } ?? .null
        try audit("slot.set_status", entity: "slot", id: slotID, details: details)
        return .changed(change, roundToClose: offer?.roundID)
    }

    /// Throws `LockOrderRestart` when `slotIDs` (locked by the caller) have a live offer
    /// that is not in `locked`: a round offered one of them after the caller locked the
    /// slots' offers and before it locked the slots.
    func checkNoNewOffer(onSlots slotIDs: [String], locked: Set<Int64>) throws {
        let live = try connection.query(
            "SELECT offer_id, slot_id FROM offers WHERE city = $1 AND slot_id = ANY($2::text[]) AND status = 'offered'",
            [city, Self.textArray(slotIDs)])
        for row in live where !locked.contains(Int64(try row.decode(Int.self, "offer_id"))) {
            throw LockOrderRestart(message: "slot \(try row.decode(String.self, "slot_id")) was offered while it was being changed; try again")
        }
    }

    /// Locks the live offer on `slotID`, if there is one.
    func lockLiveOffer(onSlot slotID: String) throws -> LockedOffer? {
        try connection.query(
            """
            SELECT offer_id, round_id, slot_id, applicant_id, status, answered_by, now() <= deadline AS in_time,
                   \(Self.utc("deadline")) AS deadline, \(Self.utc("answered_at")) AS answered_at
            FROM offers WHERE city = $1 AND slot_id = $2 AND status = 'offered' FOR UPDATE
            """,
            [city, slotID]
        ).first.map(LockedOffer.init(row:))
    }

    /// Withdraws the locked live `offer` because its slot leaves the pool: not a refusal,
    /// the applicant waits again. The slot itself is left to the caller.
    func withdraw(_ offer: LockedOffer) throws {
        _ = try lockApplicant(offer.applicantID)
        try markAnswered(offer, as: .withdrawn, reason: Self.withdrawReason)
        try connection.query(
            """
            UPDATE applicants SET status = 'waiting', updated_at = now()
            WHERE city = $1 AND applicant_id = $2 AND status = 'offered'
            """,
            [city, offer.applicantID])
        var details = Self.offerDetails(offer, reason: Self.withdrawReason)
        details["applicant_status"] = "waiting"
        try audit("offer.withdraw", entity: "offer", id: String(offer.id), details: details)
    }
}
