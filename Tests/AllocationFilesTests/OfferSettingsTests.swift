import Testing

@testable import AllocationFiles

/// The `offers` object's appeal keys: read and checked for database rounds, ignored by
/// `anju solve`'s policy parse (the file contract stays valid).
@Suite struct OfferSettingsTests {
    private func offers(_ members: String) -> (settings: OfferSettings, problems: [String]) {
        let text = #"{"round_date": "2026-12-01", "seed": "s", "offers": {\#(members)}}"#
        let parsed = PolicyFile.parseOfferSettings(Array(text.utf8))
        return (parsed.settings, parsed.diagnostics.map(\.description))
    }

    @Test func defaultsNeverLapseAndForgiveAll() {
        let parsed = offers(#""max_refusals": 3"#)
        #expect(parsed.problems.isEmpty)
        #expect(parsed.settings == OfferSettings(responseDays: 7, maxRefusals: 3, refusalsLapseDays: nil, reinstatedRefusals: 0))
    }

    @Test func setValues() {
        let parsed = offers(#""max_refusals": 3, "refusals_lapse_days": 365, "reinstated_refusals": 2"#)
        #expect(parsed.problems.isEmpty)
        #expect(parsed.settings.refusalsLapseDays == 365 && parsed.settings.reinstatedRefusals == 2)
    }

    @Test func badValuesAreReportedAtTheirKey() {
        #expect(offers(#""refusals_lapse_days": 0"#).problems == ["policy.json:1: offers.refusals_lapse_days: 0 is out of range; expected a whole number of at least 1"])
        #expect(offers(#""refusals_lapse_days": 3651"#).problems == ["policy.json:1: offers.refusals_lapse_days: 3651 is out of range; expected 1 to 3650 days"])
        #expect(
            offers(#""max_refusals": 2, "reinstated_refusals": 2"#).problems == [
                "policy.json:1: offers.reinstated_refusals: 2 would leave a reinstated applicant suspended; expected 0 to 1 (below max_refusals)"
            ])
        #expect(offers(#""reinstated_refusals": -1"#).problems.count == 1)
    }

    @Test func solveStillReadsThePolicy() throws {
        let text = #"{"round_date": "2026-12-01", "seed": "s", "offers": {"refusals_lapse_days": 30, "reinstated_refusals": 1, "future_key": true}}"#
        let parsed = PolicyFile.parse(Array(text.utf8))
        #expect(parsed.diagnostics.isEmpty)
        #expect(parsed.policy != nil)
    }
}
