import Allocation

/// The report's names for the contract's codes, in English and Chinese.
enum ReportLabels {
    static func category(_ category: Applicant.Category) -> (english: String, chinese: String) {
        switch category {
        case .youthTalent: ("Youth talent", "青年人才")
        case .frontlineWorker: ("Frontline workers", "一线职工")
        case .general: ("General", "普通申请人")
        }
    }

    static func mechanism(_ mechanism: Mechanism) -> (english: String, chinese: String) {
        switch mechanism {
        case .serial: ("Serial", "顺序选择")
        case .deferredAcceptance: ("Deferred acceptance", "延迟接受")
        case .optimal: ("Optimal", "最优匹配")
        }
    }

    /// One line on what each mechanism promises, from the contract.
    static func promise(_ mechanism: Mechanism) -> String {
        switch mechanism {
        case .serial: "applicants in priority order each take their best remaining place"
        case .deferredAcceptance:
            "the applicant-optimal stable matching: nobody prefers a place that would rather have them"
        case .optimal: "the most people housed, then the least total commute"
        }
    }

    /// The outcome's names and its colour in every chart.
    static func outcome(_ outcome: ApplicantResult.Outcome) -> (english: String, chinese: String, colour: String) {
        switch outcome {
        case .offered: ("offered", "获配", SVGBars.offeredColour)
        case .unmatched: ("unmatched", "未配到", "#e0a030")
        case .ineligible: ("ineligible", "不符合条件", "#a7aeb6")
        }
    }

    /// A text shortened to about `budget` pixels of 11 px type (wide characters count
    /// double), with `…` when cut: SVG text does not wrap or clip by itself.
    static func truncated(_ text: String, budget: Int) -> String {
        func width(_ character: Character) -> Int {
            (character.unicodeScalars.first?.value ?? 0) >= 0x1100 ? 11 : 6
        }
        if text.reduce(0, { $0 + width($1) }) <= budget { return text }
        var used = 0
        var out = ""
        for character in text {
            used += width(character)
            if used > budget - 8 { break }
            out.append(character)
        }
        return out + "…"
    }

    /// `value` as one shell word: unchanged when it is plain, else single-quoted.
    static func shellWord(_ value: String) -> String {
        let plain = !value.isEmpty && value.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            default: "_-.,:/@+=".utf8.contains(byte)
            }
        }
        return plain ? value : "'" + value.replacing("'", with: "'\\''") + "'"
    }
}
