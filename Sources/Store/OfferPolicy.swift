import AllocationFiles
import Postgres

/// How a round's offers are answered, from the optional `offers` object of its policy.json:
///
///     "offers": { "response_days": 7, "max_refusals": 2 }
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
                       COALESCE(policy -> 'offers' -> 'max_refusals', '2'::jsonb)::text AS max_refusals
                FROM rounds WHERE city = $1 AND round_id = $2
                """,
                [city, roundID]
            ).first
        else { throw StoreError(.roundNotFound, subject: .round(roundID), "no round \(roundID) in city \(city)") }
        var problems: [StoreProblem] = []
        func wholeNumber(_ column: String) throws -> Int {
            let text = try row.decode(String.self, column)
            if let value = Int(text), value >= 1 { return value }
            problems.append(StoreProblem("round \(roundID): policy offers.\(column) is \(text); expected a whole number of at least 1"))
            return 0
        }
        let policy = OfferPolicy(responseDays: try wholeNumber("response_days"), maxRefusals: try wholeNumber("max_refusals"))
        guard problems.isEmpty else { throw StoreError(.invalidPolicy, subject: .round(roundID), problems: problems) }
        return policy
    }
}
