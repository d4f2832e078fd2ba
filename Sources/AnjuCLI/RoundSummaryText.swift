import Allocation

/// The short human summary `anju solve` prints: outcomes by category, and the commute
/// that offered applicants will have (median and 90th percentile).
enum RoundSummaryText {
    static func render(_ result: RoundResult, input: RoundInput, out: String?) -> String {
        // Rows come in id order, as input files usually do: then row i is applicant i, and
        // no dictionary of every id is built (that took ~0.2 s at 200,000 applicants).
        let aligned =
            input.applicants.count == result.rows.count
            && zip(input.applicants, result.rows).allSatisfy { $0.id == $1.applicantID }
        var category: [String: Applicant.Category] = [:]
        if !aligned { for a in input.applicants { category[a.id] = a.category } }
        var table: [Applicant.Category: [ApplicantResult.Outcome: Int]] = [:]
        var commutes: [Int] = []
        for (i, row) in result.rows.enumerated() {
            let c = aligned ? input.applicants[i].category : category[row.applicantID] ?? .general
            table[c, default: [:]][row.outcome, default: 0] += 1
            if let m = row.commuteMin, row.outcome == .offered { commutes.append(m) }
        }
        commutes.sort()
        func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }
        var text = "Round: \(result.mechanism.rawValue), seed \"\(result.seed)\", "
        text += "\(result.rows.count) applicants, \(result.slotsAvailable) places available\n"
        text += "  category              offered  unmatched  ineligible\n"
        for c in Applicant.Category.allCases {
            let t = table[c] ?? [:]
            text += "  " + c.rawValue.padding(toLength: 20, withPad: " ", startingAt: 0)
            text += pad(String(t[.offered] ?? 0), 9) + pad(String(t[.unmatched] ?? 0), 11)
            text += pad(String(t[.ineligible] ?? 0), 12) + "\n"
        }
        text += "  " + "total".padding(toLength: 20, withPad: " ", startingAt: 0)
        text += pad(String(result.offered), 9) + pad(String(result.unmatched), 11) + pad(String(result.ineligible), 12) + "\n"
        if commutes.isEmpty {
            text += "Commute of offered applicants: none offered\n"
        } else {
            text += "Commute of offered applicants: median \(percentile(commutes, 50)) min, "
            text += "90th percentile \(percentile(commutes, 90)) min, total \(result.exactTotalCommuteMin) min\n"
        }
        if let out { text += "Wrote \(out)/results.csv and \(out)/summary.json\n" }
        return text
    }

    /// Nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Int], _ p: Int) -> Int {
        let rank = max(1, Int((Double(p) / 100 * Double(sorted.count)).rounded(.up)))
        return sorted[min(sorted.count, rank) - 1]
    }
}
