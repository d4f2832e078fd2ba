import Postgres

/// Filing an appeal and answering it. Each is one transaction with its audit row; rows are
/// locked in the store's global order — offers, slots, applicants, then appeals — so an
/// answer, an excuse and a filing for one applicant never wait on each other in a cycle.
extension Store {
    /// Suspended applicant `id` appeals, giving `reason` (1 to `maxAppealLength`
    /// characters, line breaks allowed, no other control characters).
    ///
    /// - Throws: `invalid_appeal` (422) for the text; `applicant_not_found`;
    ///   `applicant_not_suspended` when they are not suspended; `appeal_open` when an
    ///   appeal of theirs awaits an answer.
    public func fileAppeal(applicant id: String, reason: String?) throws -> Appeal {
        let reason = try Self.checkedText(reason, field: "reason", limit: Self.maxAppealLength, required: true)!
        return try retryingTransaction {
            guard let applicant = try lockApplicant(id) else {
                throw StoreError(.applicantNotFound, subject: .applicant(id), "no applicant \(id) in city \(city)")
            }
            guard applicant.standing == .suspended else {
                throw StoreError(
                    .applicantNotSuspended, subject: .applicant(id),
                    "applicant \(id) is \(applicant.standing.rawValue), not suspended; only a suspension can be appealed")
            }
            if let open = try connection.query(
                "SELECT appeal_id FROM appeals WHERE city = $1 AND applicant_id = $2 AND status = 'open'", [city, id]
            ).first?[0] {
                throw StoreError(.appealOpen, subject: .applicant(id), "applicant \(id) already has appeal \(open) open; wait for its answer")
            }
            let refusals = try countingRefusals(id)
            let row = try connection.query(
                """
                INSERT INTO appeals (city, applicant_id, reason, refusals_at_filing) VALUES ($1, $2, $3, $4)
                RETURNING appeal_id
                """, [city, id, reason, String(refusals)])
            let appealID = Int64(try row[0].decode(Int.self, "appeal_id"))
            try audit(
                "appeal.file", entity: "appeal", id: String(appealID),
                details: ["applicant_id": .string(id), "refusals": .int(refusals), "reason": .string(reason)])
            return try appeal(appealID)
        }
    }

    /// Reinstates the applicant of open appeal `id`: back to `waiting`, their counting
    /// refusals cut to the policy's `offers.reinstated_refusals` (the newest kept, the rest
    /// forgiven), read from the round of their latest refusal — the one that suspended them.
    ///
    /// - Throws: `appeal_not_found`; `appeal_answered` when it was answered already (an
    ///   answer is final); `applicant_not_suspended` when the applicant is not suspended
    ///   any more; `invalid_appeal` for the note.
    public func reinstate(appeal id: Int64, note: String? = nil) throws -> Appeal {
        let note = try Self.checkedText(note, field: "note", limit: Self.maxNoteLength, required: false)
        return try answer(appeal: id) { appeal in
            let policy = try suspendingPolicy(appeal.applicantID)
            let refusals = try reinstateApplicant(appeal.applicantID, keeping: policy.reinstatedRefusals, forgivenBy: id)
            try connection.query(
                """
                UPDATE appeals SET status = 'reinstated', answered_at = now(), answered_by = $3, answer_note = $4, refusals_after = $5
                WHERE city = $1 AND appeal_id = $2
                """, [city, String(id), actor, note, String(refusals)])
            // Told in this order: the appeal's answer, then what it means.
            try appealAnswered(try self.appeal(id))
            try applicantReinstated(appeal.applicantID, refusals: refusals, via: .appeal(id))
        }
    }

    /// Upholds open appeal `id`: the suspension stays, for `reason` (an `UpholdReason`
    /// code the applicant reads in their language) and an optional note.
    ///
    /// - Throws: as `reinstate`, and `invalid_appeal` for an unknown reason code.
    public func uphold(appeal id: Int64, reason: String?, note: String? = nil) throws -> Appeal {
        let note = try Self.checkedText(note, field: "note", limit: Self.maxNoteLength, required: false)
        guard let code = reason.flatMap(Appeal.UpholdReason.init(rawValue:)) else {
            let codes = Appeal.UpholdReason.allCases.map(\.rawValue).joined(separator: ", ")
            throw StoreError.invalidField("reason", "\(reason.map { "\"\($0.prefix(64))\"" } ?? "missing"); expected one of \(codes)", code: .invalidAppeal)
        }
        return try answer(appeal: id) { appeal in
            try connection.query(
                """
                UPDATE appeals SET status = 'upheld', answered_at = now(), answered_by = $3, uphold_reason = $4, answer_note = $5
                WHERE city = $1 AND appeal_id = $2
                """, [city, String(id), actor, code.rawValue, note])
            try appealAnswered(try self.appeal(id))
        }
    }

    /// Locks the appeal's applicant, then the appeal; checks the appeal is open and the
    /// applicant suspended; runs `body`; returns the appeal as it now stands.
    private func answer(appeal id: Int64, _ body: (Appeal) throws -> Void) throws -> Appeal {
        try retryingTransaction {
            let unlocked = try appeal(id)
            _ = try lockApplicant(unlocked.applicantID)
            guard
                try connection.query(
                    "SELECT 1 FROM appeals WHERE city = $1 AND appeal_id = $2 FOR UPDATE", [city, String(id)]
                ).first != nil
            else { throw Self.noAppeal(id, city: city) }
            let current = try appeal(id)
            guard current.status == .open else {
                var text = "appeal \(id) was \(current.status.rawValue)"
                if let at = current.answeredAt { text += " at \(at)" }
                if let by = current.answeredBy { text += " by \(by)" }
                throw StoreError(.appealAnswered, subject: .appeal(id), text + "; an answer is final")
            }
            guard current.applicantStatus == ApplicantStanding.suspended.rawValue else {
                throw StoreError(
                    .applicantNotSuspended, subject: .appeal(id),
                    "appeal \(id): applicant \(current.applicantID) is \(current.applicantStatus), no longer suspended")
            }
            try body(current)
            return try appeal(id)
        }
    }

    /// Lifts the (locked) applicant's suspension: refusals that count beyond the newest
    /// `kept` are forgiven (marked with `appealID`, or left as they are for nil), the
    /// counter recounted, the status `waiting`. Returns the refusals that count now.
    func reinstateApplicant(_ id: String, keeping kept: Int, forgivenBy appealID: Int64?) throws -> Int {
        if let appealID {
            try connection.query(
                """
                UPDATE refusals SET forgiven_by = $3
                WHERE city = $1 AND offer_id IN (
                    SELECT r.offer_id FROM refusals r WHERE r.city = $1 AND r.applicant_id = $2 AND \(Self.refusalCounts)
                    ORDER BY r.refused_at DESC, r.offer_id DESC OFFSET $4)
                """, [city, id, String(appealID), String(kept)])
        }
        let refusals = try recountRefusals(id)
        try connection.query(
            "UPDATE applicants SET status = 'waiting', updated_at = now() WHERE city = $1 AND applicant_id = $2", [city, id])
        return refusals
    }
}
