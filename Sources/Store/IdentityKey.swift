import Crypto
import Foundation

/// The secret key of the identity hashes. Identity-document numbers (and the name, birth
/// date and phone or email that also identify a person) are stored only as HMAC-SHA256
/// under this key, so a copy of the database alone cannot be searched for a known number:
/// the key lives outside the database, in a file only the service can read.
public struct IdentityKey: Sendable {
    /// The raw key (SymmetricKey is not Sendable; a fresh one is made per hash).
    private let bytes: [UInt8]

    /// The environment variable naming the key file.
    public static let environmentVariable = "ANJU_IDENTITY_KEY_FILE"

    /// A key from raw bytes (at least 32).
    public init(bytes: [UInt8]) throws {
        guard bytes.count >= 32 else {
            throw StoreError(.identityKeyMissing, "the identity key must have at least 32 bytes (it has \(bytes.count))")
        }
        self.bytes = bytes
    }

    /// The key in `path`: 64 or more hex digits (surrounding whitespace ignored).
    public static func load(path: String) throws -> IdentityKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StoreError(.identityKeyMissing, "cannot read the identity key file \(path)")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count >= 64, text.count % 2 == 0, let bytes = Self.hexBytes(text) else {
            throw StoreError(.identityKeyMissing, "the identity key file \(path) must hold at least 64 hex digits")
        }
        return try IdentityKey(bytes: bytes)
    }

    /// The key in `path`, created (32 random bytes, readable by the owner only) when the
    /// file does not exist yet: for the private development cluster and the demo.
    public static func loadOrCreate(path: String) throws -> IdentityKey {
        if !FileManager.default.fileExists(atPath: path) {
            let folder = (path as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let hex = Credential.newHexSecret()
            guard FileManager.default.createFile(
                atPath: path, contents: Data((hex + "\n").utf8), attributes: [.posixPermissions: 0o600])
            else { throw StoreError(.identityKeyMissing, "cannot create the identity key file \(path)") }
        }
        return try load(path: path)
    }

    /// The key named by `ANJU_IDENTITY_KEY_FILE`, else `fallback` (created when missing),
    /// else nil.
    public static func fromEnvironment(_ environment: [String: String], fallback: String?) throws -> IdentityKey? {
        if let path = environment[environmentVariable], !path.isEmpty { return try load(path: path) }
        if let fallback { return try loadOrCreate(path: fallback) }
        return nil
    }

    /// Lowercase hex HMAC-SHA256 of `parts`, each prefixed by its length so that no two
    /// different lists give the same message.
    func hash(_ parts: [String]) -> String {
        var message = Data()
        for part in parts {
            let bytes = Array(part.utf8)
            message.append(contentsOf: "\(bytes.count):".utf8)
            message.append(contentsOf: bytes)
        }
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: bytes))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    private static func hexBytes(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        var high: UInt8?
        for c in text.utf8 {
            let v: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let h = high {
                bytes.append(h << 4 | v)
                high = nil
            } else {
                high = v
            }
        }
        return high == nil ? bytes : nil
    }
}
