import Foundation
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// Who a rate limit counts a request against: an IPv4 address, or an IPv6 /64 — the
/// smallest block an ISP hands one subscriber, so one household cannot dodge its bucket by
/// walking the 2^64 addresses it owns. Held as 128 bits, IPv4 as its IPv4-mapped IPv6 form
/// (`::ffff:a.b.c.d`), so one table and one comparison serve both families.
public struct ClientAddress: Hashable, Sendable, CustomStringConvertible {
    /// The first and last 64 bits, network order.
    var high: UInt64
    var low: UInt64

    /// The client for an address of 16 bytes (IPv6) or 4 (IPv4); IPv6 is cut to its /64,
    /// except IPv4-mapped addresses (one IPv4 client) and the `::/64` block (loopback and
    /// the like), which stay whole.
    init?(bytes: [UInt8]) {
        guard let (high, low) = Self.bits(bytes) else { return nil }
        self.high = high
        self.low = (bytes.count == 16 && high != 0) ? 0 : low
    }

    /// The client of a socket peer; nil for a Unix socket.
    public init?(_ address: SocketAddress) {
        switch address {
        case .v4(let v4):
            let s = UInt32(bigEndian: v4.address.sin_addr.s_addr)
            self.init(bytes: [UInt8(s >> 24), UInt8(s >> 16 & 0xff), UInt8(s >> 8 & 0xff), UInt8(s & 0xff)])
        case .v6(let v6):
            var a = v6.address.sin6_addr
            self.init(bytes: withUnsafeBytes(of: &a) { Array($0) })
        default:
            return nil
        }
    }

    /// The client of an address written as text (`X-Real-IP`): dotted IPv4 or IPv6.
    public init?(text: some StringProtocol) {
        guard let bytes = Self.parse(String(text).trimmingCharacters(in: .whitespaces)) else { return nil }
        self.init(bytes: bytes)
    }

    public var description: String {
        if high == 0, low >> 32 == 0xffff {
            return (0..<4).map { String(low >> (24 - 8 * UInt64($0)) & 0xff) }.joined(separator: ".")
        }
        let groups = (0..<4).map { String(high >> (48 - 16 * UInt64($0)) & 0xffff, radix: 16) }
        return groups.joined(separator: ":") + (low == 0 ? "::/64" : ":" + (0..<4).map { String(low >> (48 - 16 * UInt64($0)) & 0xffff, radix: 16) }.joined(separator: ":"))
    }

    /// The 128 bits of 4 or 16 address bytes, IPv4 mapped.
    static func bits(_ bytes: [UInt8]) -> (UInt64, UInt64)? {
        func word(_ slice: ArraySlice<UInt8>) -> UInt64 { slice.reduce(0) { $0 << 8 | UInt64($1) } }
        switch bytes.count {
        case 4: return (0, 0xffff_0000_0000 | word(bytes[0..<4]))
        case 16: return (word(bytes[0..<8]), word(bytes[8..<16]))
        default: return nil
        }
    }

    /// The bytes of a textual IPv4 (4) or IPv6 (16) address; nil for anything else.
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}

/// A block of addresses written `ADDRESS/PREFIX` (or one address): the proxies whose
/// `X-Real-IP` is believed.
public struct AddressRange: Hashable, Sendable, CustomStringConvertible {
    var high: UInt64
    var low: UInt64
    /// Prefix length over the 128-bit form (an IPv4 /8 is 104).
    var prefix: Int
    public let description: String

    /// 127.0.0.0/8 and ::1: what `deploy/nginx/anju.conf` connects from.
    public static let loopback: [AddressRange] = [AddressRange("127.0.0.0/8")!, AddressRange("::1")!]

    /// Parses `10.0.0.0/8`, `fd00::/8`, `192.0.2.7`; nil when malformed.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let bytes = ClientAddress.parse(String(parts[0])), let (high, low) = ClientAddress.bits(bytes)
        else { return nil }
        let width = bytes.count * 8
        let given = parts.count == 2 ? Int(parts[1]) : width
        guard let given, (0...width).contains(given) else { return nil }
        prefix = given + (128 - width)
        (self.high, self.low) = Self.masked(high, low, prefix)
        description = text
    }

    /// Whether the full peer address (not its /64) lies in this block.
    func contains(_ address: SocketAddress) -> Bool {
        let bytes: [UInt8]
        switch address {
        case .v4(let v4):
            let s = UInt32(bigEndian: v4.address.sin_addr.s_addr)
            bytes = [UInt8(s >> 24), UInt8(s >> 16 & 0xff), UInt8(s >> 8 & 0xff), UInt8(s & 0xff)]
        case .v6(let v6):
            var a = v6.address.sin6_addr
            bytes = withUnsafeBytes(of: &a) { Array($0) }
        default:
            return false
        }
        guard let (h, l) = ClientAddress.bits(bytes) else { return false }
        let (mh, ml) = Self.masked(h, l, prefix)
        return mh == high && ml == low
    }

    static func masked(_ high: UInt64, _ low: UInt64, _ prefix: Int) -> (UInt64, UInt64) {
        func mask(_ bits: Int) -> UInt64 { bits <= 0 ? 0 : bits >= 64 ? ~0 : ~0 << UInt64(64 - bits) }
        return (high & mask(prefix), low & mask(prefix - 64))
    }
}
