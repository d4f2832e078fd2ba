/// A string compared and hashed by its UTF-8 bytes, as the file contract compares ids and
/// districts: `Jing'an` in NFC and in NFD are two districts, which Swift's `String`
/// equality (canonical equivalence) would merge.
struct ByteKey: Hashable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (a: ByteKey, b: ByteKey) -> Bool { sameBytes(a.text, b.text) }

    func hash(into hasher: inout Hasher) {
        let hashed: Void? = text.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if hashed == nil {
            for byte in text.utf8 { hasher.combine(byte) }
        }
        hasher.combine(0xFF as UInt8)  // terminator: no valid UTF-8 contains 0xFF
    }

    /// Whether `a` and `b` are the same bytes; compares contiguous storage directly when
    /// both strings have it (native strings do).
    static func sameBytes(_ a: String, _ b: String) -> Bool {
        let (x, y) = (a.utf8, b.utf8)
        guard x.count == y.count else { return false }
        let fast = x.withContiguousStorageIfAvailable { xs in
            y.withContiguousStorageIfAvailable { ys in xs.elementsEqual(ys) }
        }
        return (fast ?? nil) ?? x.elementsEqual(y)
    }
}
