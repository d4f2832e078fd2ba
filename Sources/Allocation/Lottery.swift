import Crypto

/// The public lottery: anyone holding the seed can recompute every applicant's number.
public enum Lottery {
    /// The first 8 bytes, big-endian, of SHA-256(`seed + ":" + applicantID`) in UTF-8.
    /// Lower numbers draw first.
    public static func number(seed: String, applicantID: String) -> UInt64 {
        let digest = SHA256.hash(data: Array((seed + ":" + applicantID).utf8))
        var value: UInt64 = 0
        for (i, byte) in digest.enumerated() where i < 8 {
            value = value << 8 | UInt64(byte)
        }
        return value
    }
}
