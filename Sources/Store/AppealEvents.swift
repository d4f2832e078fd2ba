/// The two things an applicant is told about their appeal, each written in exactly one
/// place, inside the transaction of the change: the audit row and the message to the
/// applicant (the outbox), so that it is sent exactly when the change commits.
extension Store {
    /// How an applicant came to be reinstated.
    enum Reinstatement {
        /// The bureau reinstated them on this appeal.
        case appeal(Int64)
        /// Excusing this offer's refusal brought them under the round's limit.
        case excuse(offerID: Int64)
    }

    /// Event "appeal answered": `appeal`, as just answered (reinstated or upheld).
    func appealAnswered(_ appeal: Appeal) throws {
        try audit(
            "appeal.\(appeal.status == .upheld ? "uphold" : "reinstate")", entity: "appeal", id: String(appeal.id),
            details: [
                "applicant_id": .string(appeal.applicantID), "status": .string(appeal.status.rawValue),
                "reason": appeal.upholdReason.map { .string($0.rawValue) } ?? .null,
                "note": appeal.note.map(AuditValue.string) ?? .null,
                "refusals_after": appeal.refusalsAfter.map(AuditValue.int) ?? .null,
            ])
        var payload: [String: AuditValue] = ["appeal_id": .int(Int(appeal.id)), "status": .string(appeal.status.rawValue)]
        if let reason = appeal.upholdReason { payload["reason"] = .string(reason.rawValue) }
        if let note = appeal.note { payload["note"] = .string(note) }
        try enqueueNotification(.appealAnswered, applicant: appeal.applicantID, entity: String(appeal.id), payload: payload)
    }

    /// Event "reinstated": applicant `id` is back in the pool (`waiting`) with `refusals`
    /// still counting.
    func applicantReinstated(_ id: String, refusals: Int, via: Reinstatement) throws {
        var details: [String: AuditValue] = ["refusals": .int(refusals), "status": "waiting"]
        switch via {
        case .appeal(let appealID): details["appeal_id"] = .int(Int(appealID))
        case .excuse(let offerID): details["excused_offer_id"] = .int(Int(offerID))
        }
        try audit("applicant.reinstate", entity: "applicant", id: id, details: details)
        let entity: String
        switch via {
        case .appeal(let appealID): entity = "appeal-\(appealID)"
        case .excuse(let offerID): entity = "excuse-\(offerID)"
        }
        try enqueueNotification(.reinstated, applicant: id, entity: entity, payload: ["refusals": .int(refusals)])
    }
}
