import Allocation

/// How many applicants of some group were offered a place, left unmatched, or ineligible.
struct OutcomeTally: Equatable {
    var offered = 0
    var unmatched = 0
    var ineligible = 0

    var applicants: Int { offered + unmatched + ineligible }

    mutating func count(_ outcome: ApplicantResult.Outcome) {
        switch outcome {
        case .offered: offered += 1
        case .unmatched: unmatched += 1
        case .ineligible: ineligible += 1
        }
    }

    subscript(outcome: ApplicantResult.Outcome) -> Int {
        switch outcome {
        case .offered: offered
        case .unmatched: unmatched
        case .ineligible: ineligible
        }
    }

    static func + (a: OutcomeTally, b: OutcomeTally) -> OutcomeTally {
        OutcomeTally(offered: a.offered + b.offered, unmatched: a.unmatched + b.unmatched, ineligible: a.ineligible + b.ineligible)
    }
}
