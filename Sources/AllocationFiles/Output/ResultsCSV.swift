import Allocation

/// Renders `results.csv` byte for byte as the contract fixes it, so two runs on the same
/// inputs produce identical files that anyone can diff or hash.
public enum ResultsCSV {
    /// The header the contract fixes.
    public static let header = "applicant_id,outcome,slot_id,project_id,commute_min,rent,reason"

    /// UTF-8 without byte-order mark, LF line ends, RFC 4180 quoting only where a field
    /// needs it, one row per applicant ordered by applicant id byte-wise. Rows are
    /// written as given (the engine leaves slot columns empty unless offered); only their
    /// order is enforced here, since the contract fixes it.
    public static func render(_ rows: [ApplicantResult]) -> [UInt8] {
        var parts = renderParts(rows)
        return Parallel.join(&parts)
    }

    /// The bytes of `render`, in parts to be written one after the other: the header,
    /// then the rows in chunks.
    static func renderParts(_ rows: [ApplicantResult]) -> [[UInt8]] {
        // Ids compared in place: iterating the rows copied each (five references).
        let inOrder = rows.indices.dropFirst().allSatisfy { !rows[$0].applicantID.utf8Less(rows[$0 - 1].applicantID) }
        let ordered = inOrder ? rows : rows.sorted { $0.applicantID.utf8Less($1.applicantID) }
        // Rows are rendered in fixed chunks on all cores and joined in order: same bytes,
        // whatever the thread timing (a 200k-row file is ~46 MB, mostly reasons).
        let chunks = max(1, min(16, ordered.count / 8192))
        return [Array((header + "\n").utf8)]
            + Parallel.map(chunks: chunks) { i in
                renderRows(ordered[Parallel.range(i, of: chunks, count: ordered.count)])
            }
    }

    private static func renderRows(_ rows: ArraySlice<ApplicantResult>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(rows.count * 64)
        for r in rows {
            appendField(r.applicantID, to: &out)
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: r.outcome.rawValue.utf8)
            out.append(UInt8(ascii: ","))
            appendField(r.slotID ?? "", to: &out)
            out.append(UInt8(ascii: ","))
            appendField(r.projectID ?? "", to: &out)
            out.append(UInt8(ascii: ","))
            if let m = r.commuteMin { out.append(contentsOf: String(m).utf8) }
            out.append(UInt8(ascii: ","))
            if let rent = r.rent { out.append(contentsOf: String(rent).utf8) }
            out.append(UInt8(ascii: ","))
            appendField(r.reason, to: &out)
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// A field in double quotes (inner quotes doubled) when it holds a comma, a quote,
    /// CR or LF; otherwise as is. Copied whole unless it holds a quote (most reasons are
    /// quoted for their commas, and hold no quote).
    static func appendField(_ value: String, to out: inout [UInt8]) {
        var needsQuotes = false, hasQuote = false
        for b in value.utf8 where b <= UInt8(ascii: ",") {
            if b == UInt8(ascii: "\"") {
                hasQuote = true
                break
            }
            if b == UInt8(ascii: ",") || b == 0x0A || b == 0x0D { needsQuotes = true }
        }
        guard needsQuotes || hasQuote else {
            out.append(contentsOf: value.utf8)
            return
        }
        out.append(UInt8(ascii: "\""))
        if hasQuote {
            for b in value.utf8 {
                if b == UInt8(ascii: "\"") { out.append(b) }
                out.append(b)
            }
        } else {
            out.append(contentsOf: value.utf8)
        }
        out.append(UInt8(ascii: "\""))
    }
}
