import AllocationFiles
import Testing

/// Import warns when an applicant id, which notices publish, looks like a personal number.
@Suite("Public reference")
struct PublicReferenceTests {
    /// The check character by the standard's own definition: weights 2^(17-i) mod 11,
    /// check = (12 - sum mod 11) mod 11, 10 written X.
    static func check(_ digits: [Int]) -> Character {
        var sum = 0
        for (i, d) in digits.enumerated() {
            var w = 1
            for _ in 0..<(17 - i) { w = w * 2 % 11 }
            sum += d * w
        }
        let c = (12 - sum % 11) % 11
        return c == 10 ? "X" : Character(String(c))
    }

    @Test("resident identity numbers: the standard's example, and 2000 random ones with the right and every wrong check")
    func identityNumbers() {
        #expect(PublicReference.personalLook("11010519491231002X") != nil)
        #expect(PublicReference.personalLook("11010519491231002x") != nil)
        #expect(PublicReference.personalLook("A-11010519491231002X") != nil)
        #expect(PublicReference.personalLook("110105194912310021") == nil)
        #expect(PublicReference.personalLook("1101051949123100X2") == nil)
        var rng = SplitMix(seed: 7)
        for _ in 0..<2000 {
            let digits = (0..<17).map { _ in Int.random(in: 0...9, using: &rng) }
            let prefix = digits.map(String.init).joined()
            let right = Self.check(digits)
            #expect(PublicReference.personalLook(prefix + String(right)) != nil, "\(prefix)\(right)")
            let wrong = "0123456789X".filter { $0 != right }.randomElement(using: &rng)!
            #expect(PublicReference.personalLook(prefix + String(wrong)) == nil, "\(prefix)\(wrong)")
        }
    }

    @Test("mobile numbers: 11 digits 1[3-9], alone or after 86; not 12…, not 10 or 12 digits")
    func mobileNumbers() {
        for id in ["13800138000", "19912345678", "A-13800138000", "8613800138000", "86-13800138000", "tel13800138000x"] {
            #expect(PublicReference.personalLook(id) != nil, "\(id)")
        }
        for id in ["12800138000", "1380013800", "138001380001", "ap-k3x9q2m7w4z8", "A-17", "2026-12-01-3", "10800138000", "8612800138000"] {
            #expect(PublicReference.personalLook(id) == nil, "\(id)")
        }
    }
}
