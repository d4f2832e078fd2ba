/// What excusing a refusal did, for the caller to report.
public struct RefusalExcuse: Sendable, Equatable {
    public var offerID: Int64
    public var applicantID: String
    /// Refusals counting before and after (equal when the excused one had stopped counting
    /// already: lapsed or forgiven; never below 0).
    public var refusalsBefore: Int
    public var refusals: Int
    /// The applicant's status after the call.
    public var applicantStanding: ApplicantStanding
    /// True when the excuse brought a suspended applicant under the limit, so they were
    /// reinstated.
    public var reinstated: Bool
    /// The open appeal this answered (as reinstated), if there was one.
    public var answeredAppeal: Int64?

    /// One line for people: `offer 17: refusal excused; applicant A-1 has 1 refusal (was 2), reinstated`.
    public var summary: String {
        var text = "offer \(offerID): refusal excused; applicant \(applicantID) has \(refusals) refusal\(refusals == 1 ? "" : "s")"
        text += " (was \(refusalsBefore)), \(applicantStanding.rawValue)"
        if reinstated { text += ", reinstated" }
        if let answeredAppeal { text += "; appeal \(answeredAppeal) answered: reinstated" }
        return text
    }
}

extension Store {
    /// The bureau marks the refusal of offer `id` (a decline or an expiry) as reasonable:
    /// it never counts again, so the applicant's refusals drop by one (by none when it had
    /// stopped counting already). A suspended applicant it brings under the `max_refusals`
    /// of the round that suspended them is reinstated at once — the bureau has just said
    /// the refusal that suspended them should not have counted — and an open appeal of
    /// theirs is answered as reinstated. One transaction, audited (`offer.excuse`).
    ///
    /// - Throws: `offer_not_found`; `offer_not_refused` for an offer that was not declined
    ///   or expired; `refusal_excused` when it is excused already; `invalid_appeal` for a
    ///   missing or bad reason.
    public func excuse(offer id: Int64, reason: String?) throws -> RefusalExcuse {
        let reason = try Self.checkedText(reason, field: "reason", limit: Self.maxNoteLength, required: true)!
        return try retryingTransaction {
            let offer = try lockLiveOrAnswered(id)
            guard offer.status == .declined || offer.status == .expired else {
                throw StoreError(
                    .offerNotRefused, subject: .offer(id),
                    "offer \(id) is \(offer.status.rawValue); only a declined or expired offer is a refusal to excuse")
            }
            guard let applicant = try lockApplicant(offer.applicantID) else {
                throw StoreError(.offerNotRefused, subject: .offer(id), "offer \(id): its applicant \(offer.applicantID) is missing")
            }
            let refusal = try connection.query(
                "SELECT excused_at IS NOT NULL AS excused FROM refusals WHERE city = $1 AND offer_id = $2 FOR UPDATE", [city, String(id)]
            ).first
            if try refusal?.decode(Bool.self, "excused") == true {
                throw StoreError(.refusalExcused, subject: .offer(id), "the refusal of offer \(id) is excused already")
            }
            let before = try countingRefusals(offer.applicantID)
            if refusal == nil {
                // A refusal from before refusals were rows that the migration could not see.
                try connection.query(
                    """
                    INSERT INTO refusals (city, offer_id, applicant_id, round_id, kind, refused_at, excused_at, excused_by, excuse_reason)
                    SELECT city, offer_id, applicant_id, round_id, status, answered_at, now(), $3, $4 FROM offers
                    WHERE city = $1 AND offer_id = $2
                    """, [city, String(id), actor, reason])
            } else {
                try connection.query(
                    "UPDATE refusals SET excused_at = now(), excused_by = $3, excuse_reason = $4 WHERE city = $1 AND offer_id = $2",
                    [city, String(id), actor, reason])
            }
            let after = try recountRefusals(offer.applicantID)
            var standing = applicant.standing
            var answeredAppeal: Int64?
            if standing == .suspended, after < (try suspendingPolicy(offer.applicantID)).maxRefusals {
                standing = .waiting
                _ = try reinstateApplicant(offer.applicantID, keeping: after, forgivenBy: nil)
                // No note: the applicant reads why in their own language, from the excused
                // refusal in their status; the audit rows name the offer.
                if let open = try connection.query(
                    """
                    UPDATE appeals SET status = 'reinstated', answered_at = now(), answered_by = $3, refusals_after = $4
                    WHERE city = $1 AND applicant_id = $2 AND status = 'open' RETURNING appeal_id
                    """, [city, offer.applicantID, actor, String(after)]
                ).first?[0].flatMap({ Int64($0) }) {
                    answeredAppeal = open
                    try appealAnswered(try appeal(open))
                }
                try applicantReinstated(offer.applicantID, refusals: after, via: .excuse(offerID: id))
            }
            var details = Self.offerDetails(offer, reason: reason)
            details["refusals_before"] = .int(before)
            details["refusals"] = .int(after)
            details["applicant_status"] = .string(standing.rawValue)
            details["reinstated"] = .bool(standing != applicant.standing)
            try audit("offer.excuse", entity: "offer", id: String(id), details: details)
            return RefusalExcuse(
                offerID: id, applicantID: offer.applicantID, refusalsBefore: before, refusals: after, applicantStanding: standing,
                reinstated: standing != applicant.standing, answeredAppeal: answeredAppeal)
        }
    }
}
