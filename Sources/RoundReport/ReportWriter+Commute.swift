/// The commute of the chosen mechanism's offers, as a histogram of 5-minute bins.
extension ReportWriter {
    static let binMinutes = 5
    /// Bins 0–4 … 175–179 are drawn one by one; longer commutes share a last "≥ 180" bin.
    static let regularBins = 36

    mutating func writeCommuteHistogram() {
        html.raw("<section id=\"commute\">\n")
        heading("Commute of offers", "获配者通勤时间分布")
        let commutes = chosen.commutes
        guard let longest = commutes.last else {
            html.raw("<p class=\"note\" id=\"commute-none\">No offers, so no commutes to show.</p>\n</section>\n")
            return
        }
        let width = Self.binMinutes
        let regular = min(Self.regularBins, max(0, longest) / width + 1)
        let overflow = longest >= Self.regularBins * width
        var counts = [Int](repeating: 0, count: regular + (overflow ? 1 : 0))
        for minutes in commutes { counts[min(counts.count - 1, max(0, minutes) / width)] += 1 }

        let barWidth = max(8, min(40, 560 / counts.count))
        let (left, right, top, bottom, plotHeight) = (60, 14, 26, 38, 180)
        let plotWidth = counts.count * barWidth
        let step = SVGBars.axisStep(for: counts.max() ?? 0)
        let yMax = max(step, ((counts.max() ?? 0) + step - 1) / step * step)
        let base = top + plotHeight
        html.raw("<p class=\"note\">\(NumberText.grouped(commutes.count)) offers in 5-minute bins")
        html.raw("\(overflow ? "; the last bin holds every commute of \(Self.regularBins * width) minutes or more" : ""). ")
        html.raw("Dashed lines: median \(chosen.medianCommute ?? 0) min, 90th percentile \(chosen.p90Commute ?? 0) min.</p>\n")
        let (svgWidth, svgHeight) = (max(300, left + plotWidth + right), base + bottom)
        html.raw("<figure><svg id=\"commute-histogram\" width=\"\(svgWidth)\" height=\"\(svgHeight)\" viewBox=\"0 0 \(svgWidth) \(svgHeight)\" \(SVGBars.chartFont)")
        html.raw(" role=\"img\" aria-label=\"Histogram of offer commutes in 5-minute bins\">\n")
        var tick = 0
        while tick <= yMax {
            let y = base - SVGBars.scaled(tick, of: yMax, length: plotHeight)
            html.raw("<line \(SVGBars.gridPaint) x1=\"\(left)\" y1=\"\(y)\" x2=\"\(left + plotWidth)\" y2=\"\(y)\" />")
            html.raw("<text x=\"\(left - 6)\" y=\"\(y + 4)\" text-anchor=\"end\">\(NumberText.grouped(tick))</text>\n")
            tick += step
        }
        let labelEvery = counts.count <= 24 ? 3 : 6  // every 15 or 30 minutes
        for (bin, count) in counts.enumerated() {
            let from = bin * width
            let isOverflow = overflow && bin == counts.count - 1
            let height = SVGBars.scaled(count, of: yMax, length: plotHeight)
            let x = left + bin * barWidth
            let range = isOverflow ? "\(from)+ min" : "\(from)–\(from + width - 1) min"
            html.raw("<rect class=\"bin\" fill=\"\(SVGBars.offeredColour)\" x=\"\(x + 1)\" y=\"\(base - height)\" width=\"\(barWidth - 2)\" height=\"\(height)\"")
            html.raw(" data-from=\"\(from)\" data-to=\"\(isOverflow ? "" : String(from + width - 1))\" data-count=\"\(count)\">")
            html.raw("<title>\(range): \(NumberText.grouped(count)) offers</title></rect>\n")
            if bin % labelEvery == 0 || isOverflow {
                let label = isOverflow ? "≥\(from)" : String(from)
                html.raw("<text x=\"\(isOverflow ? x + barWidth / 2 : x)\" y=\"\(base + 15)\" text-anchor=\"middle\">\(label)</text>\n")
            }
        }
        html.raw("<line \(SVGBars.axisPaint) x1=\"\(left)\" y1=\"\(base)\" x2=\"\(left + plotWidth)\" y2=\"\(base)\" />\n")
        html.raw("<text x=\"\(left + plotWidth / 2)\" y=\"\(base + 32)\" text-anchor=\"middle\">commute, minutes 通勤分钟</text>\n")
        html.raw("<text transform=\"rotate(-90)\" x=\"-\(top + plotHeight / 2)\" y=\"12\" text-anchor=\"middle\">offers 人数</text>\n")
        if let median = chosen.medianCommute, let p90 = chosen.p90Commute {
            func position(_ minutes: Int) -> Int {
                let bin = min(counts.count - 1, max(0, minutes) / width)
                if overflow && bin == counts.count - 1 { return left + bin * barWidth + barWidth / 2 }
                return left + bin * barWidth + ((minutes - bin * width) * 2 + 1) * barWidth / (2 * width)
            }
            for (name, minutes, anchor) in [("median", median, "end"), ("P90", p90, "start")] {
                let x = position(minutes)
                let labelX = anchor == "end" ? x - 3 : x + 3
                html.raw("<line stroke=\"\(SVGBars.markColour)\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\" x1=\"\(x)\" y1=\"\(top - 4)\" x2=\"\(x)\" y2=\"\(base)\" />")
                html.raw("<text fill=\"\(SVGBars.markColour)\" x=\"\(labelX)\" y=\"\(top - 8)\" text-anchor=\"\(anchor)\">\(name) \(minutes)</text>\n")
            }
        }
        html.raw("</svg></figure>\n</section>\n")
    }
}
