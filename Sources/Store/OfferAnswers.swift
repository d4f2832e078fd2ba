import Foundation
import Postgres

/// What answering an offer did, for the caller to report (CLI line, HTTP body).
public struct OfferAnswer: Sendable, Equatable {
    /// The offer as it stands after the call.
    public var offer: Offer
    /// True when the offer already had this answer: nothing was changed or audited again.
    public var alreadyAnswered: Bool
    /// The applicant's standing after the call (`housed`, `waiting`, `suspended`, …).
    public var applicantStanding: ApplicantStanding
    /// The applicant's refusals after the call.
    public var refusals: Int
    /// The tenancy an acceptance created (or found, when already accepted).
    public var tenancyID: Int64?
    /// The slot's version after the call.
    public var slotVersion: Int64
    /// True when this answer was the round's last live offer, so the round was closed.
    public var roundClosed: Bool

    /// One line for people, ids only: `offer 17 accepted: slot S-1 occupied, applicant A-1 housed`.
    public var summary: String {
        if alreadyAnswered { return "offer \(offer.id) already \(offer.status.rawValue)" }
        var text = "offer \(offer.id) \(offer.status.rawValue): "
        switch offer.status {
        case .accepted:
            text += "slot \(offer.slotID) occupied, applicant \(offer.applicantID) housed"
            if let tenancyID { text += " (tenancy \(tenancyID))" }
        default:
            text += "slot \(offer.slotID) available again, applicant \(offer.applicantID) \(applicantStanding.rawValue)"
            text += " (\(refusals) refusal\(refusals == 1 ? "" : "s"))"
        }
        if roundClosed { text += "; round \(offer.roundID) closed" }
        return text
    }
}

/// An offer row locked for this transaction, with what the rules need to decide.
struct LockedOffer {
    var id: Int64
    var roundID: String
    var slotID: String
    var applicantID: String
    var status: Offer.Status
    /// `now() <= deadline` on the database clock.
    var inTime: Bool
    var deadline: String
    var answeredAt: String?
    var answeredBy: String?
}

extension Store {
    /// Longest answer reason kept (characters).
    public static let maxReasonLength = 500

    /// Accepts live offer `id` on the applicant's behalf: the offer becomes `accepted`, a
    /// tenancy starts, the slot becomes `occupied` and the applicant `housed`, in one
    /// transaction with one audit row. Accepting an offer that is already accepted changes
    /// nothing and reports `alreadyAnswered`.
    ///
    /// - Throws: `StoreError.notFound` for an unknown id (or another city's offer);
    ///   `StoreError.conflict` when the offer was declined, expired or withdrawn, or its
    ///   deadline has passed on the database clock; `StoreError.invalid` for a reason
    ///   longer than `maxReasonLength`.
    @discardableResult
    public func accept(offer id: Int64, reason: String? = nil) throws -> OfferAnswer {
        let reason = try Self.checkedReason(reason)
        return try retryingTransaction {
            let offer = try lockLiveOrAnswered(id)
            switch offer.status {
            case .accepted: return try answerAsItStands(id, alreadyAnswered: true)
            case .offered: break
            default: throw StoreError(.offerAnswered, subject: .offer(id), Self.alreadyAnswered(offer, wanted: "accepted"))
            }
            guard offer.inTime else {
                throw StoreError(.offerDeadlinePassed, subject: .offer(id), "offer \(id) passed its deadline \(offer.deadline); it can no longer be accepted (it expires as a refusal)")
            }
            let slot = try lockSlot(of: offer)
            guard slot.status == "offered" else {
                throw StoreError(.offerNotAcceptable, subject: .offer(id), "offer \(id): its slot \(offer.slotID) is \(slot.status), not offered; the offer cannot be accepted")
            }
            let applicant = try lockApplicant(offer.applicantID)
            guard let applicant, applicant.standing == .offered else {
                throw StoreError(.offerNotAcceptable, subject: .offer(id), "offer \(id): applicant \(offer.applicantID) is \(applicant?.standing.rawValue ?? "missing"), not offered; the offer cannot be accepted")
            }
            try markAnswered(offer, as: .accepted, reason: reason)
            let tenancy = try connection.query(
                "INSERT INTO tenancies (city, slot_id, applicant_id, offer_id) VALUES ($1, $2, $3, $4) RETURNING tenancy_id",
                [city, offer.slotID, offer.applicantID, String(id)])
            let tenancyID = Int64(try tenancy[0].decode(Int.self, "tenancy_id"))
            let version = try bumpSlot(offer.slotID, to: "occupied")
            try connection.query(
                "UPDATE applicants SET status = 'housed', updated_at = now() WHERE city = $1 AND applicant_id = $2",
                [city, offer.applicantID])
            let roundClosed = try closeRoundIfSettled(offer.roundID)
            var details = Self.offerDetails(offer, reason: reason)
            details["tenancy_id"] = .int(Int(tenancyID))
            details["slot_version"] = .int(Int(version))
            details["applicant_status"] = "housed"
            try audit("offer.accept", entity: "offer", id: String(id), details: details)
            return OfferAnswer(
                offer: try self.offer(id), alreadyAnswered: false, applicantStanding: .housed, refusals: applicant.refusals,
                tenancyID: tenancyID, slotVersion: version, roundClosed: roundClosed)
        }
    }

    /// Declines live offer `id` on the applicant's behalf: the offer becomes `declined`
    /// (keeping `reason`), the slot `available` again, and the applicant's refusal is
    /// counted under the round's `OfferPolicy` (back to `waiting`, or `suspended` at
    /// `maxRefusals`). A live offer past its deadline may still be declined: it is a refusal
    /// either way. Declining an offer that is already declined changes nothing.
    ///
    /// - Throws: `StoreError.notFound` for an unknown id; `StoreError.conflict` when the
    ///   offer was accepted, expired or withdrawn; `StoreError.invalid` for a reason that
    ///   is too long or a round policy with a bad `offers` value.
    @discardableResult
    public func decline(offer id: Int64, reason: String? = nil) throws -> OfferAnswer {
        let reason = try Self.checkedReason(reason)
        return try retryingTransaction {
            let offer = try lockLiveOrAnswered(id)
            switch offer.status {
            case .declined: return try answerAsItStands(id, alreadyAnswered: true)
            case .offered: return try refuse(offer, as: .declined, reason: reason)
            default: throw StoreError(.offerAnswered, subject: .offer(id), Self.alreadyAnswered(offer, wanted: "declined"))
            }
        }
    }

    /// Records a refusal (a decline, or an expiry) of the locked live `offer`: offer
    /// answered, slot available again, applicant's refusals counted, round closed if this
    /// was its last live offer, one audit row. In the caller's transaction.
    func refuse(_ offer: LockedOffer, as outcome: Offer.Status, reason: String?) throws -> OfferAnswer {
        precondition(outcome == .declined || outcome == .expired, "a refusal is a decline or an expiry")
        let policy = try offerPolicy(round: offer.roundID)
        let slot = try lockSlot(of: offer)
        let applicant = try lockApplicant(offer.applicantID)
        guard let applicant else {
            throw StoreError(.offerNotAcceptable, subject: .offer(offer.id), "offer \(offer.id): its applicant \(offer.applicantID) is missing")
        }
        try markAnswered(offer, as: outcome, reason: reason)
        // The slot is offered by this offer (one live offer per slot); anything else was
        // changed by hand outside these rules and is left as it is.
        let version = slot.status == "offered" ? try bumpSlot(offer.slotID, to: "available") : slot.version
        // Counted from the dated rows: excused, forgiven and lapsed refusals do not count.
        try recordRefusal(offer, as: outcome, policy: policy)
        let refusals = try recountRefusals(offer.applicantID)
        var standing = applicant.standing
        if standing == .offered { standing = refusals >= policy.maxRefusals ? .suspended : .waiting }
        try connection.query(
            "UPDATE applicants SET status = $3, updated_at = now() WHERE city = $1 AND applicant_id = $2",
            [city, offer.applicantID, standing.rawValue])
        if outcome == .expired { try enqueueOfferNotification(.offerExpired, offer: offer.id) }
        if standing == .suspended && applicant.standing == .offered {
            try enqueueNotification(
                .suspended, applicant: offer.applicantID, entity: String(offer.id),
                payload: ["offer_id": .int(Int(offer.id)), "refusals": .int(refusals), "max_refusals": .int(policy.maxRefusals)])
        }
        let roundClosed = try closeRoundIfSettled(offer.roundID)
        var details = Self.offerDetails(offer, reason: reason)
        details["refusals"] = .int(refusals)
        details["max_refusals"] = .int(policy.maxRefusals)
        details["applicant_status"] = .string(standing.rawValue)
        details["slot_version"] = slot.status == "offered" ? .int(Int(version)) : .null
        try audit(outcome == .declined ? "offer.decline" : "offer.expire", entity: "offer", id: String(offer.id), details: details)
        return OfferAnswer(
            offer: try self.offer(offer.id), alreadyAnswered: false, applicantStanding: standing, refusals: refusals,
            tenancyID: nil, slotVersion: version, roundClosed: roundClosed)
    }

    /// Locks offer `id` of this city; `StoreError.notFound` when there is none.
    func lockLiveOrAnswered(_ id: Int64) throws -> LockedOffer {
        guard
            let row = try connection.query(
                """
                SELECT offer_id, round_id, slot_id, applicant_id, status, answered_by, now() <= deadline AS in_time,
                       \(Self.utc("deadline")) AS deadline, \(Self.utc("answered_at")) AS answered_at
                FROM offers WHERE city = $1 AND offer_id = $2 FOR UPDATE
                """,
                [city, String(id)]
            ).first
        else { throw StoreError(.offerNotFound, subject: .offer(id), Self.noOffer(id, city: city)) }
        return try LockedOffer(row: row)
    }

    /// Locks the slot of `offer` and returns its status and version.
    func lockSlot(of offer: LockedOffer) throws -> (status: String, version: Int64) {
        guard
            let row = try connection.query(
                "SELECT status, version FROM slots WHERE city = $1 AND slot_id = $2 FOR UPDATE", [city, offer.slotID]
            ).first
        else { throw StoreError(.offerNotAcceptable, subject: .offer(offer.id), "offer \(offer.id): its slot \(offer.slotID) is missing") }
        return (try row.decode(String.self, "status"), Int64(try row.decode(Int.self, "version")))
    }

    /// Sets the (locked) slot's status, bumps its version and returns the new version.
    func bumpSlot(_ slotID: String, to status: String) throws -> Int64 {
        let row = try connection.query(
            """
            UPDATE slots SET status = $3, version = version + 1, updated_at = now()
            WHERE city = $1 AND slot_id = $2 RETURNING version
            """,
            [city, slotID, status])
        return Int64(try row[0].decode(Int.self, "version"))
    }

    /// Writes the answer on the (locked) offer row, as this store's actor.
    func markAnswered(_ offer: LockedOffer, as status: Offer.Status, reason: String?) throws {
        try connection.query(
            """
            UPDATE offers SET status = $3, answered_at = now(), answered_by = $4, answer_reason = $5
            WHERE city = $1 AND offer_id = $2
            """,
            [city, String(offer.id), status.rawValue, actor, reason])
    }

    /// The result for an offer that already had the requested answer: the current state,
    /// read in the same transaction, with nothing changed.
    func answerAsItStands(_ id: Int64, alreadyAnswered: Bool) throws -> OfferAnswer {
        let offer = try self.offer(id)
        let row = try connection.query(
            """
            SELECT a.status, a.refusals, s.version,
                   (SELECT tenancy_id FROM tenancies t WHERE t.city = $1 AND t.offer_id = $4) AS tenancy_id
            FROM applicants a, slots s
            WHERE a.city = $1 AND a.applicant_id = $2 AND s.city = $1 AND s.slot_id = $3
            """,
            [city, offer.applicantID, offer.slotID, String(id)])[0]
        return OfferAnswer(
            offer: offer, alreadyAnswered: alreadyAnswered, applicantStanding: try ApplicantStanding.decode(row, "status"),
            refusals: try row.decode(Int.self, "refusals"), tenancyID: try row.decode(Int?.self, "tenancy_id").map(Int64.init),
            slotVersion: Int64(try row.decode(Int.self, "version")), roundClosed: false)
    }

    /// "offer 17 was declined at … by …; it cannot be accepted now".
    static func alreadyAnswered(_ offer: LockedOffer, wanted: String) -> String {
        var text = "offer \(offer.id) was \(offer.status.rawValue)"
        if let at = offer.answeredAt { text += " at \(at)" }
        if let by = offer.answeredBy { text += " by \(by)" }
        return text + "; only a live offer can be \(wanted)"
    }

    /// Audit details every offer answer carries.
    static func offerDetails(_ offer: LockedOffer, reason: String?) -> [String: AuditValue] {
        [
            "round_id": .string(offer.roundID), "slot_id": .string(offer.slotID),
            "applicant_id": .string(offer.applicantID), "reason": reason.map(AuditValue.string) ?? .null,
        ]
    }

    /// An answer's reason: at most `maxReasonLength` characters as sent (Unicode scalars,
    /// as JSON Schema's `maxLength` counts them, so the API document holds), then trimmed,
    /// empty meaning none.
    static func checkedReason(_ reason: String?) throws -> String? {
        if let reason, reason.unicodeScalars.count > maxReasonLength {
            throw StoreError.invalidField(
                "reason", "\(reason.unicodeScalars.count) characters; at most \(maxReasonLength) are kept", code: .invalidReason)
        }
        guard let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines), !reason.isEmpty else { return nil }
        return reason
    }
}

extension LockedOffer {
    init(row: PostgresRow) throws {
        let statusText = try row.decode(String.self, "status")
        guard let status = Offer.Status(rawValue: statusText) else {
            throw PostgresError(message: "offer status \"\(statusText)\" is unknown", operation: "decode")
        }
        self.init(
            id: Int64(try row.decode(Int.self, "offer_id")), roundID: try row.decode(String.self, "round_id"),
            slotID: try row.decode(String.self, "slot_id"), applicantID: try row.decode(String.self, "applicant_id"),
            status: status, inTime: try row.decode(Bool.self, "in_time"), deadline: try row.decode(String.self, "deadline"),
            answeredAt: try row.decode(String?.self, "answered_at"), answeredBy: try row.decode(String?.self, "answered_by"))
    }
}
