import Foundation
import Testing

@testable import Allocation

/// Numbers computed outside Swift (Python's hashlib and math, on this machine) and pasted
/// here, so the lottery and the commute are pinned to the contract, not to our own code.
@Suite struct KnownAnswerTests {
    /// `int.from_bytes(hashlib.sha256((seed + ":" + id).encode()).digest()[:8], "big")`.
    @Test(
        "lottery numbers",
        arguments: [
            ("seed", "A1", 3_785_811_200_986_099_088 as UInt64),
            ("seed", "a10", 15_404_051_407_948_124_539),
            ("seed", "a9", 4_072_220_920_614_468_032),
            ("2026-12-01 public draw, Putuo", "A1", 13_509_502_489_732_271_179),
            ("2026-12-01 public draw, Putuo", "frontline-007", 12_246_617_088_940_844_601),
            ("上海2026年公租房摇号", "a9", 7_506_160_772_457_306_560),
            ("上海2026年公租房摇号", "B.x_1-2", 1_610_846_053_791_128_736),
            ("x", "y", 1_329_936_856_886_498_558),
        ])
    func lottery(seed: String, id: String, expected: UInt64) {
        #expect(Lottery.number(seed: seed, applicantID: id) == expected)
        #expect(ReferenceSHA256.lotteryNumber(seed: seed, applicantID: id) == expected)
    }

    /// `hashlib.sha256(m).hexdigest()`, across the padding boundaries (55, 56, 63, 64 bytes).
    @Test(
        "reference SHA-256",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (String(repeating: "a", count: 55), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
            (String(repeating: "a", count: 56), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
            (String(repeating: "a", count: 63), "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
            (String(repeating: "a", count: 64), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
            (String(repeating: "a", count: 119), "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"),
            ("上海", "4906a49adc5c472b34483976104ec1d76992745367cc22d5fbc2a4db8e8e1ed7"),
        ])
    func sha256(message: String, hex: String) {
        #expect(ReferenceSHA256.hex(message) == hex)
    }

    /// From People's Square (31.2304, 121.4737) to Lujiazui, Pudong airport and Hongqiao;
    /// distance by Python's math, minutes with the default model (10, 1.3, 25 km/h).
    @Test(
        "haversine distances and commute minutes in Shanghai",
        arguments: [
            (31.2397, 121.4998, 2.6883616011065135, 18),
            (31.1443, 121.8083, 33.23751937989532, 114),
            (31.1979, 121.3363, 13.55701181307489, 52),
        ])
    func shanghai(lat: Double, lon: Double, km: Double, minutes: Int) {
        let from = RuleFixtures.here
        let engineKm = CommuteModel.distanceKm(lat1: from.lat, lon1: from.lon, lat2: lat, lon2: lon)
        let referenceKm = ReferenceRules.haversineKm(lat1: from.lat, lon1: from.lon, lat2: lat, lon2: lon)
        #expect(abs(engineKm - km) < 1e-9)
        #expect(abs(referenceKm - km) < 1e-9)
        #expect(CommuteModel().minutes(fromLat: from.lat, lon: from.lon, toLat: lat, lon: lon) == minutes)
        let p = Project(id: "p", name: "P", district: "d", lat: lat, lon: lon, programme: "general")
        let a = RuleFixtures.applicant(workLat: from.lat, workLon: from.lon)
        #expect(ReferenceRules.commuteMinutes(a, to: p, policy: RuleFixtures.policy()) == minutes)
    }

    @Test("a custom commute model: overhead, detour and speed all apply")
    func customModel() {
        // d = 2.6883616011065135 km; 0 + d * 1.75 / 18 * 60 = 15.68… → 16 minutes.
        let model = CommuteModel(overheadMin: 0, detourFactor: 1.75, speedKmh: 18)
        #expect(model.minutes(fromLat: 31.2304, lon: 121.4737, toLat: 31.2397, lon: 121.4998) == 16)
        // Same place: just the overhead, rounded half up: 12.5 → 13.
        #expect(CommuteModel(overheadMin: 12.5).minutes(fromLat: 31, lon: 121, toLat: 31, lon: 121) == 13)
    }
}
