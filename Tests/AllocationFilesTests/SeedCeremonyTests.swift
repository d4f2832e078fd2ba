import Allocation
import AllocationFiles
import Foundation
import Testing

/// The seed ceremony's pure rules: commitments, the check of revealed parts, the formula.
@Suite("Seed ceremony")
struct SeedCeremonyTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func recipe(_ secret: String = "bureau secret", witnesses: [(String, String)] = []) -> SeedRecipe {
        SeedRecipe(
            bureauCommitment: SeedCeremony.commitment(secret), publicSource: "SSE Composite close", publicDate: "2026-12-08",
            witnesses: witnesses.map { .init(name: $0.0, commitment: SeedCeremony.commitment($0.1)) })
    }

    @Test("a commitment is the lowercase hex SHA-256 of the secret's UTF-8 bytes")
    func commitment() {
        // SHA-256("abc"), FIPS 180-2's example.
        #expect(SeedCeremony.commitment("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // SHA-256 of the UTF-8 bytes e5 ae 89 e5 b1 85, as `printf 安居 | sha256sum` prints it.
        #expect(SeedCeremony.commitment("安居") == "61b4a2aa5a538fedea3e70c31a47da07fc09b86dc3a53968a88c7bc3af757b7f")
    }

    @Test("the formula's input text, written out by hand for one recipe with a witness")
    func inputText() {
        let recipe = Self.recipe("s3cret", witnesses: [("notary", "n0"), ("applicants", "a-1")])
        let reveal = SeedReveal(bureauSecret: "s3cret", publicValue: "3365.12", witnessSecrets: ["notary": "n0", "applicants": "a-1"])
        let text = SeedCeremony.inputText(SeedCeremony.parts(recipe, reveal))
        #expect(text == "anju-seed-1\nbureau\n6\ns3cret\npublic_source\n19\nSSE Composite close\npublic_date\n10\n2026-12-08\n"
            + "public_value\n7\n3365.12\nwitness:applicants\n3\na-1\nwitness:notary\n2\nn0\n")
        #expect(SeedCeremony.seed(recipe, reveal) == SeedCeremony.commitment(text))
    }

    @Test("parts that concatenate to the same text still give different seeds (lengths are in the input)")
    func unambiguous() {
        let a = SeedCeremony.seed(Self.recipe("ab"), SeedReveal(bureauSecret: "ab", publicValue: "c"))
        let b = SeedCeremony.seed(Self.recipe("a"), SeedReveal(bureauSecret: "a", publicValue: "bc"))
        #expect(a != b)
        // A value that contains what looks like the next part's label and length.
        let c = SeedCeremony.seed(Self.recipe("x\npublic_source"), SeedReveal(bureauSecret: "x\npublic_source", publicValue: "v"))
        #expect(c != a)
        // Multibyte text: the length counts UTF-8 bytes, not characters.
        let text = SeedCeremony.inputText([("bureau", "安")])
        #expect(text == "anju-seed-1\nbureau\n3\n安\n")
    }

    @Test("revealed parts are checked against every commitment; each mismatch is named at its field")
    func mismatches() {
        let recipe = Self.recipe("right", witnesses: [("notary", "n-secret")])
        let good = SeedReveal(bureauSecret: "right", publicValue: "42", witnessSecrets: ["notary": "n-secret"])
        #expect(SeedCeremony.mismatches(recipe, good).isEmpty)
        func fields(_ reveal: SeedReveal) -> [String] { SeedCeremony.mismatches(recipe, reveal).map(\.field) }
        #expect(fields(SeedReveal(bureauSecret: "Right", publicValue: "42", witnessSecrets: ["notary": "n-secret"])) == ["bureau_secret"])
        #expect(fields(SeedReveal(bureauSecret: "right ", publicValue: "42", witnessSecrets: ["notary": "n-secret"])) == ["bureau_secret"])
        #expect(fields(SeedReveal(bureauSecret: "right", publicValue: "", witnessSecrets: ["notary": "n-secret"])) == ["public_value"])
        #expect(fields(SeedReveal(bureauSecret: "right", publicValue: "4\t2", witnessSecrets: ["notary": "n-secret"])) == ["public_value"])
        #expect(fields(SeedReveal(bureauSecret: "right", publicValue: "42", witnessSecrets: ["notary": "other"])) == ["witness"])
        #expect(fields(SeedReveal(bureauSecret: "right", publicValue: "42")) == ["witness"])
        #expect(fields(SeedReveal(bureauSecret: "right", publicValue: "42", witnessSecrets: ["notary": "n-secret", "x": "y"])) == ["witness"])
        #expect(fields(SeedReveal(bureauSecret: "", publicValue: "", witnessSecrets: [:])) == ["bureau_secret", "public_value", "witness"])
    }

    @Test("a recipe's problems: commitment form, date, witness names; uppercase hex is taken as lowercase")
    func recipeProblems() {
        let hex = SeedCeremony.commitment("s")
        #expect(SeedRecipe(bureauCommitment: hex.uppercased(), publicSource: "x", publicDate: "2026-12-08").problems.isEmpty)
        func fields(_ r: SeedRecipe) -> [String] { r.problems.map(\.field) }
        #expect(fields(SeedRecipe(bureauCommitment: String(hex.dropLast()), publicSource: "x", publicDate: "2026-12-08")) == ["bureau_commitment"])
        #expect(fields(SeedRecipe(bureauCommitment: String(hex.dropLast()) + "g", publicSource: "x", publicDate: "2026-12-08")) == ["bureau_commitment"])
        #expect(fields(SeedRecipe(bureauCommitment: hex, publicSource: "", publicDate: "2026-12-08")) == ["public_source"])
        #expect(fields(SeedRecipe(bureauCommitment: hex, publicSource: "x", publicDate: "2026-02-29")) == ["public_date"])
        #expect(fields(SeedRecipe(bureauCommitment: hex, publicSource: "x", publicDate: "2028-02-29")).isEmpty)
        #expect(fields(SeedRecipe(bureauCommitment: hex, publicSource: "x", publicDate: "8 Dec 2026")) == ["public_date"])
        #expect(fields(SeedRecipe(bureauCommitment: hex, publicSource: "x", publicDate: "2026-12-08",
                                  witnesses: [.init(name: "a", commitment: hex), .init(name: "a", commitment: hex)])) == ["witness"])
        #expect(fields(SeedRecipe(bureauCommitment: hex, publicSource: "x", publicDate: "2026-12-08",
                                  witnesses: [.init(name: "a b", commitment: hex)])) == ["witness"])
        #expect(fields(SeedRecipe(bureauCommitment: hex, publicSource: "x", publicDate: "2026-12-08",
                                  witnesses: [.init(name: "ab", commitment: "00")])) == ["witness"])
        let sorted = SeedRecipe(bureauCommitment: hex, publicSource: "x", publicDate: "2026-12-08",
                                witnesses: [.init(name: "b", commitment: hex), .init(name: "B", commitment: hex), .init(name: "a", commitment: hex)])
        #expect(sorted.witnesses.map(\.name) == ["B", "a", "b"])
    }

    @Test("the standalone Python verifier forms the same seed on 300 random recipes")
    func pythonAgrees() throws {
        var rng = SplitMix(seed: 12)
        let alphabet = Array("aZ09 =:-_.安居\u{00e9}\u{1F3E0}\\\"'")
        func text(_ max: Int) -> String { String((0..<Int.random(in: 1...max, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }) }
        var cases: [[String: Any]] = []
        var expected: [String] = []
        for _ in 0..<300 {
            let witnesses = (0..<Int.random(in: 0...3, using: &rng)).map { i in ("w\(i)\(Int.random(in: 0...9, using: &rng))", text(12)) }
            var unique: [String: String] = [:]
            for w in witnesses { unique[w.0] = w.1 }
            let secret = text(20)
            let recipe = SeedRecipe(
                bureauCommitment: SeedCeremony.commitment(secret), publicSource: text(30), publicDate: "2026-12-0\(Int.random(in: 1...9, using: &rng))",
                witnesses: unique.map { .init(name: $0.key, commitment: SeedCeremony.commitment($0.value)) })
            let reveal = SeedReveal(bureauSecret: secret, publicValue: text(15), witnessSecrets: unique)
            expected.append(SeedCeremony.seed(recipe, reveal))
            cases.append([
                "recipe": ["public_source": recipe.publicSource, "public_date": recipe.publicDate,
                           "witnesses": recipe.witnesses.map { ["name": $0.name, "commitment": $0.commitment] }],
                "revealed": ["bureau_secret": secret, "public_value": reveal.publicValue,
                             "witnesses": unique.map { ["name": $0.key, "secret": $0.value] }],
            ])
        }
        let script = Self.repository.appendingPathComponent("deploy/verify-notice.py").path
        let program = """
            import importlib.util, json, sys
            spec = importlib.util.spec_from_file_location("v", sys.argv[1]); v = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(v)
            for c in json.load(sys.stdin): print(v.seed_of(c["recipe"], c["revealed"]))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", program, script]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: cases))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let got = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(got.count == expected.count)
        let differing = expected.indices.filter { $0 >= got.count || got[$0] != expected[$0] }
        #expect(differing.isEmpty, "recipes \(differing.prefix(5)) of \(expected.count) form other seeds in Python")
    }
}

/// SplitMix64, for reproducible random cases without TestSupport.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
