import Hummingbird
import NIOCore
import Testing

@testable import AnjuServer

/// The token buckets at their edges, with time stepped by hand: burst, refill, the wait a
/// refusal names, IPv6 /64 grouping, and the table's bound under a flood of addresses.
@Suite("Rate limit: token buckets and client addresses")
struct RateLimitBucketTests {
    static func v4(_ text: String) -> ClientAddress { ClientAddress(text: text)! }

    @Test("a full bucket lets the burst through at once, then refuses with the seconds until a token is back")
    func burst() {
        var buckets = TokenBuckets(burst: 5, perSecond: 10.0 / 60, maxClients: 100)
        let a = Self.v4("203.0.113.1")
        for i in 0..<5 { #expect(buckets.take(a, now: 0) == .allowed, "request \(i + 1)") }
        // 10 a minute: one token every 6 s.
        #expect(buckets.take(a, now: 0) == .limited(retryAfter: 6))
        #expect(buckets.take(a, now: 5.5) == .limited(retryAfter: 1), "half a second short, rounded up")
        #expect(buckets.take(Self.v4("203.0.113.2"), now: 0) == .allowed, "another address has its own bucket")
    }

    @Test("tokens refill at the rate, a refusal takes none, and idling never stores more than the burst")
    func refill() {
        var buckets = TokenBuckets(burst: 2, perSecond: 1, maxClients: 100)
        let a = Self.v4("198.51.100.7")
        #expect(buckets.take(a, now: 0) == .allowed)
        #expect(buckets.take(a, now: 0) == .allowed)
        #expect(buckets.take(a, now: 0.5) == .limited(retryAfter: 1))
        #expect(buckets.take(a, now: 0.9) == .limited(retryAfter: 1), "refusals do not push the refill back")
        #expect(buckets.take(a, now: 1.0) == .allowed, "one token after one second")
        #expect(buckets.take(a, now: 1.0) == .limited(retryAfter: 1))
        // A long idle fills the bucket to its size, no further.
        #expect(buckets.take(a, now: 1000) == .allowed)
        #expect(buckets.take(a, now: 1000) == .allowed)
        #expect(buckets.take(a, now: 1000) == .limited(retryAfter: 1))
        // A clock that steps back (it should not) neither refills nor breaks the bucket.
        #expect(buckets.take(a, now: 999) == .limited(retryAfter: 1))
    }

    @Test("IPv6 addresses share a bucket per /64; IPv4 per address; an IPv4-mapped peer is its IPv4 address")
    func grouping() throws {
        let one = try #require(ClientAddress(text: "2001:db8:1:2::a"))
        #expect(one == ClientAddress(text: "2001:db8:1:2:ffff:ffff:ffff:ffff"))
        #expect(one != ClientAddress(text: "2001:db8:1:3::a"))
        #expect(one.description == "2001:db8:1:2::/64")
        #expect(Self.v4("192.0.2.1") != Self.v4("192.0.2.2"))
        #expect(Self.v4("192.0.2.1") == ClientAddress(text: "::ffff:192.0.2.1"))
        #expect(Self.v4("192.0.2.1").description == "192.0.2.1")
        #expect(ClientAddress(try SocketAddress(ipAddress: "2001:db8:1:2::99", port: 1)) == one)
        #expect(ClientAddress(try SocketAddress(ipAddress: "192.0.2.1", port: 1)) == Self.v4("192.0.2.1"))
        for bad in ["", "localhost", "192.0.2.1:80", "1.2.3", "2001:db8::1::2"] { #expect(ClientAddress(text: bad) == nil, "\(bad)") }

        var buckets = TokenBuckets(burst: 1, perSecond: 1, maxClients: 100)
        #expect(buckets.take(one, now: 0) == .allowed)
        #expect(buckets.take(try #require(ClientAddress(text: "2001:db8:1:2::b")), now: 0) == .limited(retryAfter: 1))
    }

    @Test("the proxies believed: loopback by default, CIDR blocks as given, the peer's full address compared")
    func ranges() throws {
        func peer(_ text: String) throws -> SocketAddress { try SocketAddress(ipAddress: text, port: 1) }
        #expect(AddressRange.loopback.contains { $0.contains(try! peer("127.0.0.1")) })
        #expect(AddressRange.loopback.contains { $0.contains(try! peer("127.9.0.3")) })
        #expect(AddressRange.loopback.contains { $0.contains(try! peer("::1")) })
        #expect(AddressRange.loopback.contains { $0.contains(try! peer("::ffff:127.0.0.1")) })
        #expect(!AddressRange.loopback.contains { $0.contains(try! peer("10.0.0.1")) })
        let ten = try #require(AddressRange("10.0.0.0/8"))
        #expect(ten.contains(try peer("10.255.1.2")))
        #expect(!ten.contains(try peer("11.0.0.1")))
        let v6 = try #require(AddressRange("fd00::/8"))
        #expect(v6.contains(try peer("fd12::1")))
        #expect(!v6.contains(try peer("fe80::1")))
        #expect(try #require(AddressRange("0.0.0.0/0")).contains(try peer("8.8.8.8")))
        for bad in ["10.0.0.0/33", "fd00::/129", "10.0.0.0/", "x/8", "10.0.0.0/8/8"] { #expect(AddressRange(bad) == nil, "\(bad)") }

        let limiter = RateLimiter(RateLimit())
        let headers: HTTPFields = [RateLimiter.realIP: "203.0.113.9"]
        #expect(limiter.client(peer: try peer("127.0.0.1"), headers: headers) == Self.v4("203.0.113.9"), "a trusted proxy names the client")
        #expect(limiter.client(peer: try peer("198.51.100.1"), headers: headers) == Self.v4("198.51.100.1"), "anyone else is the client")
        #expect(limiter.client(peer: try peer("127.0.0.1"), headers: [:]) == Self.v4("127.0.0.1"))
        #expect(limiter.client(peer: try peer("127.0.0.1"), headers: [RateLimiter.realIP: "junk"]) == Self.v4("127.0.0.1"))
        #expect(limiter.client(peer: nil, headers: headers) == nil)
    }

    @Test("buckets full again are dropped as clients come and go; the table never exceeds its cap, least recently used out first")
    func bounded() {
        var buckets = TokenBuckets(burst: 2, perSecond: 1, maxClients: 3)
        let (a, b, c, d) = (Self.v4("192.0.2.1"), Self.v4("192.0.2.2"), Self.v4("192.0.2.3"), Self.v4("192.0.2.4"))
        _ = buckets.take(a, now: 0)
        _ = buckets.take(a, now: 0)
        _ = buckets.take(b, now: 0)
        _ = buckets.take(b, now: 0)
        _ = buckets.take(c, now: 0)
        #expect(buckets.take(a, now: 0) == .limited(retryAfter: 1), "a used last now; b is the least recently used")
        #expect(buckets.count == 3)
        _ = buckets.take(d, now: 0)
        #expect(buckets.count == 3, "at the cap a new client evicts the least recently used")
        #expect(buckets.take(a, now: 0) == .limited(retryAfter: 1), "a kept its state")
        #expect(buckets.take(b, now: 0) == .allowed, "b was forgotten: a fresh bucket")

        // Idle buckets that are full again go as soon as anyone arrives.
        var idle = TokenBuckets(burst: 2, perSecond: 1, maxClients: 1000)
        for i in 0..<3 { _ = idle.take(Self.v4("198.51.100.\(i)"), now: 0) }
        #expect(idle.count == 3)
        _ = idle.take(Self.v4("203.0.113.1"), now: 10)
        #expect(idle.count == 1)

        // A flood of 200,000 addresses (spoofed X-Real-IPs, a /32 of IPv6 /64s) within one
        // refill time: memory stays at the cap, and each new one still gets its burst.
        var flooded = TokenBuckets(burst: 5, perSecond: 10.0 / 60, maxClients: 1000)
        var allowed = 0
        for i in 0..<200_000 {
            let client = ClientAddress(text: "2001:db8:\(String(i >> 16, radix: 16)):\(String(i & 0xffff, radix: 16))::1")!
            if flooded.take(client, now: Double(i) / 1e6) == .allowed { allowed += 1 }
        }
        #expect(allowed == 200_000)
        #expect(flooded.count == 1000)
    }
}
