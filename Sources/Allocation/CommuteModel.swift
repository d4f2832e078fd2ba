import Foundation

/// The contract's commute model: a straight-line distance stretched by a detour factor,
/// travelled at a fixed speed, plus a fixed overhead, rounded half up to whole minutes.
public struct CommuteModel: Sendable, Hashable {
    public var overheadMin: Double
    public var detourFactor: Double
    public var speedKmh: Double

    public init(overheadMin: Double = 10, detourFactor: Double = 1.3, speedKmh: Double = 25) {
        self.overheadMin = overheadMin
        self.detourFactor = detourFactor
        self.speedKmh = speedKmh
    }

    /// Mean Earth radius (IUGG), fixed by the contract.
    public static let earthRadiusKm = 6371.0088

    /// Great-circle (haversine) distance in km, exactly as the contract writes it.
    public static func distanceKm(lat1: Double, lon1: Double, lat2: Double, lon2: Double) -> Double {
        let rad = Double.pi / 180
        let p1 = lat1 * rad
        let p2 = lat2 * rad
        let sdp = sin((p2 - p1) / 2)
        let sdl = sin((lon2 * rad - lon1 * rad) / 2)
        let h = sdp * sdp + cos(p1) * cos(p2) * sdl * sdl
        return 2 * earthRadiusKm * asin(min(1, h).squareRoot())
    }

    /// Whole minutes from a distance: `floor(overhead + d * detour / speed * 60 + 0.5)`,
    /// evaluated left to right. A valid policy can make that exceed 64 bits (a huge
    /// overhead, a speed of 1e-300 km/h): such a commute is `beyondEveryLimit`.
    public func minutes(distanceKm d: Double) -> Int {
        CommuteModel.wholeMinutes((overheadMin + d * detourFactor / speedKmh * 60 + 0.5).rounded(.down))
    }

    /// Stands for a commute of 2^63 minutes or more. No commute below that equals it (a
    /// double under 2^63 is at most 2^63 − 1024), so "within a limit" stays exact with
    /// `isWithin`, even for a limit of `Int.max`.
    public static let beyondEveryLimit = Int.max

    /// `floor`ed minutes as an integer, saturating at `beyondEveryLimit` instead of trapping.
    @inline(__always)
    static func wholeMinutes(_ floored: Double) -> Int {
        floored < 9_223_372_036_854_775_808.0 ? Int(floored) : beyondEveryLimit
    }

    /// The contract's `commute_min ≤ max commute`, with a commute beyond 64 bits never within.
    @inline(__always)
    public static func isWithin(_ minutes: Int, limit: Int) -> Bool {
        minutes <= limit && minutes != beyondEveryLimit
    }

    public func minutes(fromLat lat1: Double, lon lon1: Double, toLat lat2: Double, lon lon2: Double) -> Int {
        minutes(distanceKm: CommuteModel.distanceKm(lat1: lat1, lon1: lon1, lat2: lat2, lon2: lon2))
    }

    /// The largest distance (km) whose commute can still be `limit` minutes or less,
    /// with a margin, so a spatial index may skip projects beyond it without changing
    /// any eligibility decision.
    public func reachKm(withinMinutes limit: Int) -> Double {
        let d = unmarginedReachKm(withinMinutes: limit)
        return d < 0 ? -1 : d * (1 + 1e-9) + 1e-6
    }

    /// The distance at which the commute reaches `limit + 1` minutes, as computed, without
    /// `reachKm`'s margin: only what lies clearly inside it may skip the exact check. (The
    /// margin's 1e-6 km is a billion minutes at a speed of 1e-9 km/h.)
    func unmarginedReachKm(withinMinutes limit: Int) -> Double {
        (Double(limit) + 0.5 - overheadMin) / 60 * speedKmh / detourFactor
    }
}
