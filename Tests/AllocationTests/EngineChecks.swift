@testable import Allocation

/// Checks of one engine result against the reference's reading of the rules. Each returns
/// a list of human-readable problems; empty means the result passed.
enum EngineChecks {
    /// The engine's offers as an assignment over reference indices, plus every way the rows
    /// break the output contract: one row per applicant sorted byte-wise, offered rows naming
    /// an eligible, unused slot with its project, commute and rent, the
    /// offered/unmatched/ineligible classification, reasons, and the summary fields.
    static func assignment(
        from result: RoundResult, _ ref: ReferenceAllocator, mechanism: Mechanism
    ) -> (assignment: [Int?], problems: [String]) {
        var problems: [String] = []
        let input = ref.input
        var assignment = [Int?](repeating: nil, count: input.applicants.count)
        if result.mechanism != mechanism { problems.append("mechanism \(result.mechanism) != \(mechanism)") }
        if result.seed != ref.seed { problems.append("seed \(result.seed) != \(ref.seed)") }
        if result.slotsAvailable != ref.slotsAvailable {
            problems.append("slotsAvailable \(result.slotsAvailable) != \(ref.slotsAvailable)")
        }
        let ids = result.rows.map(\.applicantID)
        let expectedIDs = input.applicants.map(\.id).sorted(by: ReferenceRules.bytesLess)
        if ids != expectedIDs { problems.append("row ids \(ids) != applicant ids in byte order \(expectedIDs)") }

        var usedSlots: [Int: String] = [:]
        for row in result.rows {
            guard let a = input.applicants.firstIndex(where: { $0.id == row.applicantID }) else { continue }
            let who = row.applicantID
            switch row.outcome {
            case .offered:
                guard let slotID = row.slotID, let s = input.slots.firstIndex(where: { $0.id == slotID }) else {
                    problems.append("\(who): offered unknown slot \(String(describing: row.slotID))")
                    continue
                }
                let slot = input.slots[s]
                assignment[a] = s
                if !ref.eligible[a][s] { problems.append("\(who): offered \(slotID) but is not eligible for it") }
                if let other = usedSlots[s] { problems.append("\(who): slot \(slotID) also offered to \(other)") }
                usedSlots[s] = who
                if row.projectID != slot.projectID {
                    problems.append("\(who): project \(String(describing: row.projectID)) != \(slot.projectID)")
                }
                if row.rent != slot.rent {
                    problems.append("\(who): rent \(String(describing: row.rent)) != \(slot.rent)")
                }
                if row.commuteMin != ref.commute(of: a, to: s) {
                    problems.append(
                        "\(who): commute \(String(describing: row.commuteMin)) != \(ref.commute(of: a, to: s))")
                }
                if !row.reason.isEmpty { problems.append("\(who): offered row has reason \(row.reason)") }
            case .unmatched, .ineligible:
                let expected: ApplicantResult.Outcome = ref.preferences[a].isEmpty ? .ineligible : .unmatched
                if row.outcome != expected {
                    problems.append("\(who): outcome \(row.outcome) but reference eligibility says \(expected)")
                }
                if row.slotID != nil || row.projectID != nil || row.commuteMin != nil || row.rent != nil {
                    problems.append("\(who): \(row.outcome) row has slot columns filled")
                }
                if row.reason.allSatisfy(\.isWhitespace) { problems.append("\(who): \(row.outcome) row has no reason") }
            }
        }
        return (assignment, problems)
    }

    /// Pairs (a, s) with a eligible for s, a preferring s to their slot (or having none), and
    /// s free or held by someone with a worse key at s's project. Empty for a stable matching.
    static func blockingPairs(_ assignment: [Int?], _ ref: ReferenceAllocator) -> [String] {
        var holder = [Int?](repeating: nil, count: ref.input.slots.count)
        for (a, s) in assignment.enumerated() { if let s { holder[s] = a } }
        var pairs: [String] = []
        for a in ref.input.applicants.indices {
            for s in ref.preferences[a] {
                if let mine = assignment[a], mine == s || !ref.prefers(a, s, over: mine) { continue }
                let blocks: Bool
                if let h = holder[s] {
                    blocks = ref.projectBefore(a, h, atProject: ref.slotProject[s])
                } else {
                    blocks = true
                }
                if blocks {
                    let held = holder[s].map { ref.input.applicants[$0].id } ?? "nobody"
                    pairs.append("(\(ref.input.applicants[a].id), \(ref.input.slots[s].id) held by \(held))")
                }
            }
        }
        return pairs
    }

    /// Slot per applicant id (nil when not offered), for comparing two results.
    static func offers(_ rows: [ApplicantResult]) -> [String: String?] {
        Dictionary(rows.map { ($0.applicantID, $0.slotID) }, uniquingKeysWith: { x, _ in x })
    }

    /// Rows that differ in outcome or slot between the engine and the reference.
    static func differences(engine: [ApplicantResult], reference: [ApplicantResult]) -> [String] {
        let mine = Dictionary(engine.map { ($0.applicantID, $0) }, uniquingKeysWith: { x, _ in x })
        return reference.compactMap { r in
            guard let e = mine[r.applicantID] else { return "\(r.applicantID): missing from engine" }
            if e.outcome == r.outcome && e.slotID == r.slotID { return nil }
            return "\(r.applicantID): engine \(e.outcome) \(e.slotID ?? "-"), reference \(r.outcome) \(r.slotID ?? "-")"
        }
    }
}
