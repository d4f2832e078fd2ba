import Allocation
import Foundation

/// The report's figures worked out again, the plain way (String-keyed dictionaries, Double
/// arithmetic, a full sort), to compare with the data-* attributes of the rendered report.
struct IndependentFigures {
    struct Tally: Equatable {
        var offered = 0, unmatched = 0, ineligible = 0
        var applicants: Int { offered + unmatched + ineligible }
    }

    var byCategory: [String: Tally] = [:]
    var byDistrict: [String: Tally] = [:]
    var applicantsByDistrict: [String: Int] = [:]
    var available: [String: Int] = [:]
    var offeredByProject: [String: Int] = [:]
    var commutes: [Int] = []
    var rents: [Int] = []
    var total = Tally()
    var slotsAvailable = 0

    init(_ input: RoundInput, _ result: RoundResult) {
        var applicant: [String: Applicant] = [:]
        for a in input.applicants {
            applicant[a.id] = a
            applicantsByDistrict[a.workDistrict, default: 0] += 1
        }
        for p in input.projects { available[p.id] = 0 }
        for s in input.slots where s.status == .available {
            available[s.projectID, default: 0] += 1
            slotsAvailable += 1
        }
        for row in result.rows {
            let a = applicant[row.applicantID]!
            func bump(_ t: inout Tally) {
                switch row.outcome {
                case .offered: t.offered += 1
                case .unmatched: t.unmatched += 1
                case .ineligible: t.ineligible += 1
                }
            }
            bump(&total)
            bump(&byCategory[a.category.rawValue, default: Tally()])
            bump(&byDistrict[a.workDistrict, default: Tally()])
            if row.outcome == .offered {
                offeredByProject[row.projectID!, default: 0] += 1
                commutes.append(row.commuteMin!)
                rents.append(row.rent!)
            }
        }
        commutes.sort()
    }

    /// Nearest rank: the smallest value with at least p% of the values at or below it.
    func percentile(_ p: Double) -> Int? {
        guard !commutes.isEmpty else { return nil }
        let rank = Int((p / 100 * Double(commutes.count)).rounded(.up))
        return commutes[max(1, rank) - 1]
    }

    var meanRent: Double? { rents.isEmpty ? nil : Double(rents.reduce(0, +)) / Double(rents.count) }
}
