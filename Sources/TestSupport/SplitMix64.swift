/// SplitMix64: a tiny seeded generator, so every random instance, round or thread's choices
/// in a test reproduce from the seed alone, independent of the standard library's
/// algorithms. It is also a `RandomNumberGenerator`, for `Int.random(in:using:)` and
/// `randomElement(using:)`; the helpers below draw their own way and never change, so
/// instances built with them keep their bytes across toolchains.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The whole generator: copy a value to replay its draws from here.
    public var state: UInt64

    /// The same seed gives the same draws, on every platform and toolchain.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits (Steele, Lea and Flood's SplitMix64 step).
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `range` (modulo: the bias is negligible for a test's small ranges).
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }

    /// Uniform in [low, high).
    public mutating func double(_ low: Double, _ high: Double) -> Double { low + (high - low) * unit() }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// One of `choices` (which must not be empty).
    public mutating func pick<T>(_ choices: [T]) -> T { choices[int(0...(choices.count - 1))] }

    /// Fisher–Yates, with `int`, so a shuffle is the same on every toolchain.
    public mutating func shuffle<T>(_ xs: inout [T]) {
        guard xs.count > 1 else { return }
        for i in stride(from: xs.count - 1, to: 0, by: -1) { xs.swapAt(i, int(0...i)) }
    }
}
