import Allocation

/// One mechanism's result, aggregated in a single pass over its rows: outcomes overall, by
/// category and by work district, offers per project, and the commute and rent of offers.
struct MechanismFigures {
    let mechanism: Mechanism
    var total = OutcomeTally()
    /// Parallel to `Applicant.Category.allCases`.
    var byCategory: [OutcomeTally]
    /// Parallel to `SnapshotIndex.districts`.
    var byDistrict: [OutcomeTally]
    /// Parallel to `RoundInput.projects`.
    var offeredByProject: [Int]
    /// Commute minutes of every offer that states one, ascending.
    var commutes: [Int] = []
    var totalCommuteMin = 0
    var rentSum = 0
    var rentCount = 0
    /// Rows whose applicant is not in the snapshot (counted in `total` only).
    var rowsOutsideSnapshot = 0
    /// Offers naming a project that is not in the snapshot.
    var offersOutsideSnapshot = 0

    /// `mechanism` is the key the result was given under in the report's input.
    init(_ result: RoundResult, as mechanism: Mechanism, snapshot: SnapshotIndex) {
        self.mechanism = mechanism
        byCategory = Array(repeating: OutcomeTally(), count: Applicant.Category.allCases.count)
        byDistrict = Array(repeating: OutcomeTally(), count: snapshot.districts.count)
        offeredByProject = Array(repeating: 0, count: snapshot.input.projects.count)
        commutes.reserveCapacity(min(result.rows.count, snapshot.slotsAvailable))
        var lastProject: (key: String, index: Int?)? = nil
        let applicantOf = snapshot.applicantIndices(of: result.rows)
        for (position, row) in result.rows.enumerated() {
            total.count(row.outcome)
            let a = Int(applicantOf[position])
            if a >= 0 {
                byCategory[Int(snapshot.categoryOf[a])].count(row.outcome)
                byDistrict[Int(snapshot.districtOf[a])].count(row.outcome)
            } else {
                rowsOutsideSnapshot += 1
            }
            guard row.outcome == .offered else { continue }
            if let minutes = row.commuteMin {
                commutes.append(minutes)
                totalCommuteMin += minutes
            }
            if let rent = row.rent {
                rentSum += rent
                rentCount += 1
            }
            if let projectID = row.projectID {
                let p: Int?
                if let last = lastProject, ByteKey.sameBytes(last.key, projectID) {
                    p = last.index
                } else {
                    p = snapshot.projectIndex[ByteKey(projectID)]
                }
                lastProject = (projectID, p)
                if let p { offeredByProject[p] += 1 } else { offersOutsideSnapshot += 1 }
            } else {
                offersOutsideSnapshot += 1
            }
        }
        commutes.sort()
    }

    var medianCommute: Int? { NumberText.percentile(commutes, 50) }
    var p90Commute: Int? { NumberText.percentile(commutes, 90) }
    var meanRent: Int? { NumberText.roundedMean(rentSum, count: rentCount) }
}
