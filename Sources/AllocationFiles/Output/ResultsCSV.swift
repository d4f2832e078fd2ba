import Dispatch
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
        let ordered = zip(rows, rows.dropFirst()).allSatisfy { !$1.applicantID.utf8Less($0.applicantID) }
            ? rows : rows.sorted { $0.applicantID.utf8Less($1.applicantID) }
        // Rows are rendered in fixed chunks on all cores and joined in order: same bytes,
        // whatever the thread timing (a 200k-row file is ~46 MB, mostly reasons).
        let chunks = max(1, min(16, ordered.count / 8192))
        var parts = [[UInt8]](repeating: [], count: chunks)
        parts.withUnsafeMutableBufferPointer { buffer in
            // Each iteration writes only its own element.
            nonisolated(unsafe) let slots = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { i in
                let range = (ordered.count * i / chunks)..<(ordered.count * (i + 1) / chunks)
                slots[i] = renderRows(ordered[range])
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(header.utf8.count + 1 + parts.reduce(0) { $0 + $1.count })
        out.append(contentsOf: header.utf8)
        out.append(UInt8(ascii: "\n"))
        // Each part is let go once copied, so the file is held about once, not twice.
        for i in parts.indices {
            out.append(contentsOf: parts[i])
            parts[i] = []
        }
        return out
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
    /// CR or LF; otherwise as is.
    static func appendField(_ value: String, to out: inout [UInt8]) {
        let needsQuotes = value.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else {
            out.append(contentsOf: value.utf8)
            return
        }
        out.append(UInt8(ascii: "\""))
        for b in value.utf8 {
            if b == UInt8(ascii: "\"") { out.append(b) }
            out.append(b)
        }
        out.append(UInt8(ascii: "\""))
    }
}
