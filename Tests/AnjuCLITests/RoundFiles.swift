import CityGenerator
import Crypto
import Foundation

/// The four input files of a round as bytes, keyed by file name, so a test can spoil,
/// re-encode or drop one of them before writing the folder.
struct InputFiles {
    static let names = ["projects.csv", "slots.csv", "applicants.csv", "policy.json"]
    var files: [String: [UInt8]]

    /// A synthetic city (its seed is also the policy's lottery seed).
    static func city(applicants: Int, slots: Int, seed: String) -> InputFiles {
        let city = CityGenerator(applicants: applicants, slots: slots, seed: seed).generate()
        return InputFiles(files: Dictionary(uniqueKeysWithValues: city.files.map { ($0.name, $0.bytes) }))
    }

    subscript(name: String) -> [UInt8] {
        get { files[name] ?? [] }
        set { files[name] = newValue }
    }

    /// Writes every file into `folder`, creating it.
    func write(to folder: String) throws {
        for (name, bytes) in files { try Files.write(bytes, to: (folder as NSString).appendingPathComponent(name)) }
    }

    /// Lowercase hex SHA-256 of each file, as summary.json must publish them.
    var digests: [String: String] { files.mapValues(sha256Hex) }
}

/// Lowercase hex SHA-256, computed here with swift-crypto rather than by the code under test.
func sha256Hex(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
}

/// summary.json as the contract defines it.
struct Summary: Decodable, Equatable {
    static let keys: Set<String> = [
        "mechanism", "seed", "applicants", "slots_available", "offered", "unmatched", "ineligible",
        "total_commute_min", "inputs",
    ]

    let mechanism: String
    let seed: String
    let applicants: Int
    let slotsAvailable: Int
    let offered: Int
    let unmatched: Int
    let ineligible: Int
    let totalCommuteMin: Int
    let inputs: [String: String]

    enum CodingKeys: String, CodingKey {
        case mechanism, seed, applicants, offered, unmatched, ineligible, inputs
        case slotsAvailable = "slots_available"
        case totalCommuteMin = "total_commute_min"
    }

    /// Everything but the input digests: what two encodings of one round must share.
    var withoutInputs: Summary {
        Summary(
            mechanism: mechanism, seed: seed, applicants: applicants, slotsAvailable: slotsAvailable, offered: offered,
            unmatched: unmatched, ineligible: ineligible, totalCommuteMin: totalCommuteMin, inputs: [:])
    }

    /// Reads `folder/summary.json`.
    static func read(_ folder: String) throws -> Summary {
        let bytes = try Files.read((folder as NSString).appendingPathComponent("summary.json"))
        return try JSONDecoder().decode(Summary.self, from: Data(bytes))
    }
}
