@testable import Allocation

/// Compact, complete text of a round and of results, printed with every failing property
/// so a discrepancy can be reproduced by hand or pasted into CSV files.
enum InstanceDescription {
    static func describe(_ input: RoundInput, seed: String) -> String {
        let p = input.policy
        var lines: [String] = []
        lines.append(
            "policy round=\(p.roundDate) seed=\(quoted(seed)) local=\(p.localPriority) default_max=\(p.defaultMaxCommuteMin) "
                + "commute=(\(p.commute.overheadMin),\(p.commute.detourFactor),\(p.commute.speedKmh))")
        for name in p.programmes.keys.sorted(by: ReferenceRules.bytesLess) {
            let g = p.programmes[name]!
            let cats = g.categories.map(\.rawValue).sorted().joined(separator: "|")
            lines.append("  programme \(name) [\(cats)] max_age=\(opt(g.maxAge)) income_max=\(opt(g.incomeMax))")
        }
        lines.append("projects: project_id,district,lat,lon,programme")
        for x in input.projects {
            lines.append("  \(x.id),\(x.district),\(x.lat),\(x.lon),\(x.programme)")
        }
        lines.append(
            "slots: slot_id,project_id,kind,room_id,max_household,rent,gender,accessible,status,reserved_employer_id")
        for s in input.slots {
            lines.append(
                "  \(s.id),\(s.projectID),\(s.kind.rawValue),\(opt(s.roomID)),\(s.maxHousehold),\(s.rent),"
                    + "\(s.gender.rawValue),\(s.accessible),\(s.status.rawValue),\(opt(s.reservedEmployerID))")
        }
        lines.append(
            "applicants: applicant_id,category,household_size,gender,birth_date,monthly_income,work_lat,work_lon,"
                + "work_district,max_commute_min,max_rent,needs_accessible,priority_points,employer_id")
        for a in input.applicants {
            lines.append(
                "  \(a.id),\(a.category.rawValue),\(a.householdSize),\(a.gender.rawValue),\(a.birthDate),\(a.monthlyIncome),"
                    + "\(a.workLat),\(a.workLon),\(a.workDistrict),\(opt(a.maxCommuteMin)),\(opt(a.maxRent)),"
                    + "\(a.needsAccessible),\(a.priorityPoints),\(opt(a.employerID))")
        }
        return lines.joined(separator: "\n")
    }

    static func describe(_ rows: [ApplicantResult]) -> String {
        rows.map { r in
            "  \(r.applicantID),\(r.outcome.rawValue),\(opt(r.slotID)),\(opt(r.projectID)),\(opt(r.commuteMin)),\(opt(r.rent)),\(quoted(r.reason))"
        }.joined(separator: "\n")
    }

    /// The reference's assignment as result rows (reasons left empty), sorted like the engine's.
    static func referenceRows(_ ref: ReferenceAllocator, _ assignment: [Int?]) -> [ApplicantResult] {
        ref.input.applicants.indices.map { a in
            let id = ref.input.applicants[a].id
            guard let s = assignment[a] else {
                return ApplicantResult(applicantID: id, outcome: ref.outcome(of: a, in: assignment))
            }
            let slot = ref.input.slots[s]
            return ApplicantResult(
                applicantID: id, outcome: .offered, slotID: slot.id, projectID: slot.projectID,
                commuteMin: ref.commute(of: a, to: s), rent: slot.rent)
        }.sorted { ReferenceRules.bytesLess($0.applicantID, $1.applicantID) }
    }

    /// Large instances are not printed: `RandomInstance(seed:shape:)` regenerates them.
    static func report(
        _ what: String, instance: UInt64, _ ref: ReferenceAllocator, engine: [ApplicantResult],
        reference: [ApplicantResult]
    ) -> String {
        guard ref.input.applicants.count <= 60 else {
            return "\(what) — instance seed \(instance) (large; not printed)"
        }
        return """
            \(what) — instance seed \(instance)
            \(describe(ref.input, seed: ref.seed))
            engine rows:
            \(describe(engine))
            reference rows:
            \(describe(reference))
            """
    }

    private static func opt<T>(_ v: T?) -> String { v.map { "\($0)" } ?? "" }
    private static func quoted(_ s: String) -> String { "\"" + s + "\"" }
}
