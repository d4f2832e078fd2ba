/// The generator's only source of randomness: xoshiro256** seeded through SplitMix64 from
/// an FNV-1a hash of the seed text, so a city is a pure function of its arguments on every
/// platform. Every draw is integer arithmetic or IEEE +, −, ×, ÷ and √ (all correctly
/// rounded), never `log` or `sin`, whose last bits may differ between C libraries.
struct CityRandom {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// One independent stream per part of the city (projects, slots, applicants), so that
    /// a change in how one part is drawn leaves the others' bytes alone.
    init(seed: String, stream: UInt64) {
        var mix = CityRandom.fnv1a(seed) ^ (stream &* 0x9E37_79B9_7F4A_7C15)
        s0 = CityRandom.splitMix(&mix)
        s1 = CityRandom.splitMix(&mix)
        s2 = CityRandom.splitMix(&mix)
        s3 = CityRandom.splitMix(&mix)
    }

    /// FNV-1a over the UTF-8 bytes: stable across runs and platforms, unlike `hashValue`.
    static func fnv1a(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    private static func splitMix(_ state: inout UInt64) -> UInt64 {
        state = state &+ 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in [0, 1), 53 bits.
    @inline(__always)
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform integer in `range` (multiply-high; the bias is below 2⁻⁵⁰ for our ranges).
    @inline(__always)
    mutating func int(in range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(next().multipliedFullWidth(by: width).high)
    }

    /// True with probability `p`.
    @inline(__always)
    mutating func chance(_ p: Double) -> Bool {
        unit() < p
    }

    /// Roughly standard normal (Irwin–Hall of four uniforms, rescaled): bounded at ±3.46,
    /// which keeps scattered points from landing absurdly far away.
    mutating func normal() -> Double {
        (unit() + unit() + unit() + unit() - 2) * 1.7320508075688772
    }

    /// Triangular on [0, 1) with its mode at ½: ages and incomes cluster mid-range.
    mutating func triangular() -> Double {
        (unit() + unit()) * 0.5
    }

    /// An index drawn with probability proportional to `weights` (whole numbers).
    mutating func index(weighted table: WeightTable) -> Int {
        let r = Int(next().multipliedFullWidth(by: UInt64(table.total)).high)
        // Binary search for the first cumulative weight above r.
        var lo = 0
        var hi = table.cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if table.cumulative[mid] > r { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// One of `items`, drawn with the given whole-number weights.
    mutating func pick<T>(_ items: [(T, Int)]) -> T {
        var total = 0
        for (_, w) in items { total += w }
        var r = Int(next().multipliedFullWidth(by: UInt64(total)).high)
        for (item, w) in items {
            if r < w { return item }
            r -= w
        }
        return items[items.count - 1].0
    }
}

/// Cumulative whole-number weights, built once and drawn from many times.
struct WeightTable {
    let cumulative: [Int]
    let total: Int

    init(_ weights: [Int]) {
        var running = 0
        var cumulative: [Int] = []
        cumulative.reserveCapacity(weights.count)
        for w in weights {
            precondition(w >= 0, "weights are non-negative")
            running += w
            cumulative.append(running)
        }
        precondition(running > 0, "at least one positive weight")
        self.cumulative = cumulative
        self.total = running
    }
}
