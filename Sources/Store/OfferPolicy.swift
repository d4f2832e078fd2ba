import AllocationFiles
import Postgres

/// How a round's offers are answered, from the optional `offers` object of its policy.json:
///
///     "offers": { "response_days": 7, "max_refusals": 2, "refusals_lapse_days": 365, "reinstated_refusals": 0 }
///
/// An applicant has `responseDays` days to answer an offer. Each decline, and each offer
/// left unanswered past its deadline, counts one refusal; an applicant whose refusals reach
/// `maxRefusals` is suspended (out of the pool until the bureau reinstates them), below
/// that they go back to waiting with their priority unchanged. An offer withdrawn by the
/// bureau is never a refusal.
public typealias OfferPolicy = OfferSettings

extension OfferSettings {
    /// The defaults: 7 days to answer, suspended at the second refusal.
    public static let `default` = OfferSettings()
}

extension Store {
    /// The offer policy of round `roundID`, read from `rounds.policy` with the defaults for
    /// absent keys. A present value that is not a whole number ≥ 1 is `StoreError.invalid`,
    /// naming the round and the key: a typo in a policy must not silently mean "default".
    public func offerPolicy(round roundID: String) throws -> OfferPolicy {
        guard
            let row = try connection.query(
                """
                SELECT COALESCE(policy -> 'offers' -> 'response_days', '7'::jsonb)::text AS response_days,
                       COALESCE(policy -> 'offers' -> 'max_refusals', '2'::jsonb)::text AS max_refusals,
                       (policy -> 'offers' -> 'refusals_lapse_days')::text AS refusals_lapse_days,
                       COALESCE(policy -> 'offers' -> 'reinstated_refusals', '0'::jsonb)::text AS reinstated_refusals
                FROM rounds WHERE city = $1 AND round_id = $2
                """,
                [city, roundID]
            ).first
        else { throw StoreError(.roundNotFound, subject: .round(roundID), "no round \(roundID) in city \(city)") }
        var problems: [StoreProblem] = []
        func wholeNumber(_ column: String, atLeast minimum: Int = 1, below limit: Int = Int.max) throws -> Int {
            let text = try row.decode(String.self, column)
            if let value = Int(text), value >= minimum, value < limit { return value }
            let range = limit == Int.max ? "of at least \(minimum)" : "from \(minimum) to \(limit - 1)"
            problems.append(StoreProblem("round \(roundID): policy offers.\(column) is \(text); expected a whole number \(range)"))
            return 0
        }
        var policy = OfferPolicy(responseDays: try wholeNumber("response_days"), maxRefusals: try wholeNumber("max_refusals"))
        if try row.decode(String?.self, "refusals_lapse_days") != nil {
            policy.refusalsLapseDays = try wholeNumber("refusals_lapse_days", below: 3651)
        }
        policy.reinstatedRefusals = try wholeNumber("reinstated_refusals", atLeast: 0, below: max(policy.maxRefusals, 1))
        guard problems.isEmpty else { throw StoreError(.invalidPolicy, subject: .round(roundID), problems: problems) }
        return policy
    }
}
