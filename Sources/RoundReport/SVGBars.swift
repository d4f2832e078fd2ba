import Allocation

/// The small pieces every chart shares: integer scaling, axis steps, outcome bars and
/// legend swatches. Coordinates are integers, so the SVG text is exact and deterministic.
/// Colours are SVG presentation attributes, not CSS, so that any renderer or PDF converter
/// that draws the SVG also paints it.
enum SVGBars {
    static let offeredColour = "#2e7d4f"
    /// Outline and fill of a project's available slots, behind its offers.
    static let capacityPaint = "fill=\"#e3e8ed\" stroke=\"#8c96a0\" stroke-width=\"0.6\""
    static let gridPaint = "stroke=\"#d5dbe1\""
    static let axisPaint = "stroke=\"#1d2329\""
    static let markColour = "#b3261e"
    /// Light to dark in the contract's order: serial, deferred acceptance, optimal.
    static let mechanismColours = ["#a9c4e4", "#3b6ea8", "#17325a"]
    /// The root attributes of every chart: its type, inherited by all its text.
    static let chartFont = "font-size=\"11\" font-family=\"sans-serif\" fill=\"#1d2329\""

    /// `value / maximum` of `length`, rounded half up; 0 when there is no maximum.
    static func scaled(_ value: Int, of maximum: Int, length: Int) -> Int {
        guard maximum > 0, value > 0 else { return 0 }
        return (min(value, maximum) * length + maximum / 2) / maximum
    }

    /// A round step (1, 2 or 5 × 10ⁿ) that divides `0...maximum` into at most `ticks` parts.
    static func axisStep(for maximum: Int, ticks: Int = 5) -> Int {
        guard maximum > ticks else { return 1 }
        let rough = (maximum + ticks - 1) / ticks
        var magnitude = 1
        while magnitude * 10 <= rough { magnitude *= 10 }
        for multiple in [1, 2, 5, 10] where multiple * magnitude >= rough { return multiple * magnitude }
        return 10 * magnitude
    }

    /// One horizontal bar of `tally`'s applicants split by outcome; the whole bar is
    /// `tally.applicants / scale` of the cell's width. Counts are in the table beside it.
    static func outcomeBar(_ tally: OutcomeTally, scale: Int, into html: inout HTMLBuffer) {
        let width = 1000
        html.raw("<svg class=\"bar\" viewBox=\"0 0 \(width) 12\" preserveAspectRatio=\"none\" aria-hidden=\"true\">")
        var before = 0
        var x = 0
        for outcome in ApplicantResult.Outcome.allCases {
            let count = tally[outcome]
            let end = scaled(before + count, of: scale, length: width)
            if end > x {
                html.raw("<rect fill=\"\(ReportLabels.outcome(outcome).colour)\" x=\"\(x)\" y=\"0\" width=\"\(end - x)\" height=\"12\" />")
            }
            before += count
            x = end
        }
        html.raw("</svg>")
    }

    /// A 12-pixel square for a legend; `paint` is its SVG attributes (`fill="#…"`).
    static func swatch(_ paint: String) -> String {
        "<svg width=\"12\" height=\"12\" viewBox=\"0 0 12 12\" aria-hidden=\"true\"><rect \(paint) width=\"12\" height=\"12\" /></svg>"
    }

    /// The legend of offered / unmatched / ineligible.
    static func outcomeLegend(into html: inout HTMLBuffer) {
        html.raw("<p class=\"legend\">")
        for outcome in ApplicantResult.Outcome.allCases {
            let label = ReportLabels.outcome(outcome)
            html.raw("<span>\(swatch("fill=\"\(label.colour)\"")) \(label.english) <span class=\"zh\" lang=\"zh-CN\">\(label.chinese)</span></span>")
        }
        html.raw("</p>")
    }
}
