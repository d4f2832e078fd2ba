/// The `offers` object of policy.json, which only database rounds use (`anju solve`
/// ignores it, as it ignores every unknown key):
///
///     "offers": { "response_days": 7, "max_refusals": 2 }
///
/// `response_days` (1–365, default 7): how long an applicant has to answer an offer.
/// `max_refusals` (≥ 1, default 2): declines and unanswered (expired) offers an applicant
/// may have before being suspended from the pool.
/// `refusals_lapse_days` (1–3650, absent: never): a refusal made in this round stops
/// counting that many days after it was made, so an old refusal does not suspend anyone.
/// `reinstated_refusals` (0 to `max_refusals` − 1, default 0): how many of an applicant's
/// refusals still count after the bureau reinstates them on appeal — 0 forgives them all;
/// n keeps the newest n, so the next refusals suspend again sooner.
public struct OfferSettings: Sendable, Hashable {
    public var responseDays: Int
    public var maxRefusals: Int
    /// Days after which a refusal stops counting; nil: refusals never lapse.
    public var refusalsLapseDays: Int?
    /// Refusals kept (the newest) when an applicant is reinstated on appeal.
    public var reinstatedRefusals: Int

    public init(responseDays: Int = 7, maxRefusals: Int = 2, refusalsLapseDays: Int? = nil, reinstatedRefusals: Int = 0) {
        self.responseDays = responseDays
        self.maxRefusals = maxRefusals
        self.refusalsLapseDays = refusalsLapseDays
        self.reinstatedRefusals = reinstatedRefusals
    }
}

extension PolicyFile {
    /// Reads the `offers` object of policy.json (the defaults when it is absent). Problems
    /// come back as diagnostics at the key's line, like every other policy problem; a file
    /// that is not JSON at all is left to `parse` to report.
    public static func parseOfferSettings(_ bytes: [UInt8], fileName: String = defaultName) -> (
        settings: OfferSettings, diagnostics: [Diagnostic]
    ) {
        guard let root = try? JSONParser.parse(bytes) else { return (OfferSettings(), []) }
        var reader = PolicyReader(file: fileName)
        let settings = reader.offerSettings(root)
        return (settings, Diagnostic.sorted(reader.diagnostics))
    }
}
