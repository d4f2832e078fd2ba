import Foundation

/// Runs of three or more ASCII words (letters and apostrophes, separated by spaces, commas or
/// hyphens) in `text`, after each of `names` is blotted out: what an English sentence left in
/// a Chinese text looks like. One check for every zh-CN text the tests read — reasons,
/// problems, pages, messages — so they all mean the same by "no English sentence".
public func englishRuns(in text: String, ignoring names: [String] = []) -> [String] {
    var text = text
    for name in names.sorted(by: { $0.count > $1.count }) where !name.isEmpty {
        text = text.replacingOccurrences(of: name, with: "·")
    }
    var runs: [String] = []
    var words: [String] = []
    var word = ""
    func endWord() {
        if !word.isEmpty { words.append(word) }
        word = ""
    }
    func endRun() {
        endWord()
        if words.count >= 3 { runs.append(words.joined(separator: " ")) }
        words = []
    }
    for scalar in text.unicodeScalars {
        if scalar.isASCII && (scalar.properties.isAlphabetic || scalar == "'") {
            word.unicodeScalars.append(scalar)
        } else if scalar == " " || scalar == "," || scalar == "-" {
            endWord()
        } else {
            endRun()
        }
    }
    endRun()
    return runs
}

/// `englishRuns` of an HTML page's text: tags removed, the character references a page
/// escapes text with read back (so `names` match as written), any other reference a break.
public func englishRuns(inPage html: String, ignoring names: [String] = []) -> [String] {
    var text = html.replacingOccurrences(of: "<[^>]*>", with: "\n", options: .regularExpression)
    for (reference, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&#x27;", "'"), ("&amp;", "&")] {
        text = text.replacingOccurrences(of: reference, with: character)
    }
    text = text.replacingOccurrences(of: "&[a-zA-Z#0-9]+;", with: "\n", options: .regularExpression)
    return englishRuns(in: text, ignoring: names)
}
