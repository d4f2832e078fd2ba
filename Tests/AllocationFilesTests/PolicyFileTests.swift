import Allocation
import Testing

@testable import AllocationFiles

/// policy.json: syntax, types, ranges, defaults, and where each problem is reported.
@Suite struct PolicyFileTests {
    private func problems(_ text: String) -> [String] { PolicyFile.parse(Fixtures.bytes(text)).diagnostics.map(\.description) }

    @Test func contractExample() throws {
        let parsed = PolicyFile.parse(Fixtures.bytes(Fixtures.policy))
        #expect(parsed.diagnostics.isEmpty)
        let policy = try #require(parsed.policy)
        #expect(policy == Policy(roundDate: CivilDate(year: 2026, month: 12, day: 1)!, seed: "2026-12-01 public draw, Putuo"))
        #expect(parsed.programmeNames == ["talent", "frontline", "general"])
    }

    @Test func minimalPolicyTakesTheDefaults() throws {
        let parsed = PolicyFile.parse(Fixtures.bytes("\u{FEFF}{\"round_date\": \"2026-12-01\", \"seed\": \"种子\", \"extra\": [1, {\"x\": null}]}"))
        let policy = try #require(parsed.policy)
        #expect(policy == Policy(roundDate: CivilDate(year: 2026, month: 12, day: 1)!, seed: "种子"))
        #expect(policy.programmes == Programme.defaults)
    }

    @Test func partialCommuteAndCustomProgrammes() throws {
        let text = """
            {"round_date": "2026-12-01", "seed": "s", "mechanism": "optimal", "local_priority": false,
             "default_max_commute_min": 45, "commute": {"speed_kmh": 30.5},
             "programmes": {"dorm": {"categories": ["frontline_worker", "general"], "income_max": 0, "note": "x"}}}
            """
        let policy = try #require(PolicyFile.parse(Fixtures.bytes(text)).policy)
        #expect(policy.mechanism == .optimal && !policy.localPriority && policy.defaultMaxCommuteMin == 45)
        #expect(policy.commute == CommuteModel(overheadMin: 10, detourFactor: 1.3, speedKmh: 30.5))
        #expect(policy.programmes == ["dorm": Programme(categories: [.frontlineWorker, .general], incomeMax: 0)])
    }

    @Test func missingRequiredKeys() {
        #expect(problems("{\n}") == [
            "policy.json:1: round_date: required key is missing; expected a date such as \"2026-12-01\"",
            "policy.json:1: seed: required key is missing; expected the published lottery seed, a non-empty string",
        ])
    }

    @Test func syntaxErrorsAreOneLocatedDiagnostic() {
        #expect(problems("{\n  \"round_date\": \"2026-12-01\",\n  \"seed\": \"s\",\n}\n") == [
            "policy.json:4: -: invalid JSON: unexpected character '}'; expected a key in double quotes"
        ])
        #expect(problems("{\"seed\": \"s\"\n\"round_date\": 1}") == ["policy.json:2: -: invalid JSON: unexpected character '\"'; expected ',' or '}'"])
        #expect(problems("{\"seed\": \"a\nb\"}") == ["policy.json:1: -: invalid JSON: a control character (such as a line break) inside a string; write it as an escape like \\n"])
        #expect(problems("{\"seed\": 01}") == ["policy.json:1: -: invalid JSON: a number must not have leading zeros"])
        #expect(problems("") == ["policy.json:1: -: invalid JSON: unexpected end of file; expected a value"])
        #expect(problems("{} {}") == ["policy.json:1: -: invalid JSON: unexpected character '{' after the end of the top-level value"])
        #expect(problems("{\"seed\": \"\\ud800\"}").count == 1)
        #expect(problems("// comment\n{}").count == 1)
        #expect(problems("{\"a\": [1,]}").count == 1)
        #expect(problems(String(repeating: "[", count: 10_000)) == ["policy.json:1: -: invalid JSON: values nested more than 256 deep"])
        #expect(PolicyFile.parse([0x7B, 0x0A, 0xFF, 0x7D]).diagnostics.map(\.description) == ["policy.json:2: -: invalid UTF-8; save the file as UTF-8"])
        #expect(PolicyFile.parse(Fixtures.bytes("{")).programmeNames == nil)
    }

    @Test func topLevelMustBeAnObject() {
        #expect(problems("\n[1, 2]") == ["policy.json:2: -: the top level must be a JSON object, found an array"])
    }

    @Test func wrongTypesWithPathsAndLines() {
        let text = """
            {
              "round_date": 20261201,
              "seed": "",
              "mechanism": "greedy",
              "local_priority": "yes",
              "default_max_commute_min": 60.0,
              "commute": {
                "overhead_min": -1,
                "detour_factor": 0.9,
                "speed_kmh": 0
              },
              "programmes": {
                "talent": { "categories": ["youth_talent", "student", 3], "max_age": 35.5 },
                "frontline": { "income_max": "12000" },
                "general": [],
                "talent": { "categories": [] }
              }
            }
            """
        #expect(problems(text) == [
            "policy.json:2: round_date: expected a date written \"YYYY-MM-DD\", found the number 20261201",
            "policy.json:3: seed: the seed is empty; expected the published lottery seed, a non-empty string",
            "policy.json:4: mechanism: \"greedy\" is not one of serial, deferred_acceptance, optimal",
            "policy.json:5: local_priority: expected true or false, found the string \"yes\"",
            "policy.json:6: default_max_commute_min: 60.0 is not an integer literal; expected a whole number of at least 1, written without a decimal point or exponent",
            "policy.json:8: commute.overhead_min: -1 is out of range; expected a number of minutes of at least 0",
            "policy.json:9: commute.detour_factor: 0.9 is out of range; expected a number of at least 1",
            "policy.json:10: commute.speed_kmh: 0 is out of range; expected a speed in km/h greater than 0",
            "policy.json:13: programmes.talent.categories: \"student\" is not one of youth_talent, frontline_worker, general",
            "policy.json:13: programmes.talent.categories: expected a category name (one of youth_talent, frontline_worker, general), found the number 3",
            "policy.json:13: programmes.talent.max_age: 35.5 is not an integer literal; expected a whole number of at least 0, written without a decimal point or exponent",
            "policy.json:14: programmes.frontline.categories: required key is missing; expected an array of categories (of youth_talent, frontline_worker, general)",
            "policy.json:14: programmes.frontline.income_max: expected a whole number of at least 0, found the string \"12000\"",
            "policy.json:15: programmes.general: expected an object with categories and optional max_age and income_max, found an array",
            "policy.json:16: programmes.talent: duplicate key (first on line 13); keep only one",
        ])
    }

    @Test func integerFieldsTakeIntegerLiteralsOnly() {
        let base = "{\"round_date\": \"2026-12-01\", \"seed\": \"s\", "
        #expect(problems(base + "\"default_max_commute_min\": 60}").isEmpty)
        #expect(problems(base + "\"default_max_commute_min\": 6e1}") == [
            "policy.json:1: default_max_commute_min: 6e1 is not an integer literal; expected a whole number of at least 1, written without a decimal point or exponent"
        ])
        #expect(problems(base + "\"default_max_commute_min\": 0}") == [
            "policy.json:1: default_max_commute_min: 0 is out of range; expected a whole number of at least 1"
        ])
        #expect(problems(base + "\"default_max_commute_min\": 99999999999999999999}") == [
            "policy.json:1: default_max_commute_min: 99999999999999999999 is out of range; expected a whole number of at least 1"
        ])
        #expect(problems(base + "\"programmes\": {\"p\": {\"categories\": [], \"max_age\": null}}}") == [
            "policy.json:1: programmes.p.max_age: expected a whole number of at least 0, found null"
        ])
        // Decimal settings take any JSON number.
        #expect(problems(base + "\"commute\": {\"overhead_min\": 0, \"detour_factor\": 1, \"speed_kmh\": 2.5e1}}").isEmpty)
        #expect(problems(base + "\"commute\": {\"speed_kmh\": 1e999}}") == [
            "policy.json:1: commute.speed_kmh: 1e999 is out of range; expected a speed in km/h greater than 0"
        ])
    }

    @Test func nestedWrongTypes() {
        let base = "{\"round_date\": \"2026-02-30\", \"seed\": 5,\n"
        #expect(problems(base + "\"commute\": 3, \"programmes\": [\"talent\"]}") == [
            "policy.json:1: round_date: \"2026-02-30\" is not a valid date; expected a calendar date written YYYY-MM-DD",
            "policy.json:1: seed: expected a non-empty string, found the number 5",
            "policy.json:2: commute: expected an object with overhead_min, detour_factor and speed_kmh, found the number 3",
            "policy.json:2: programmes: expected an object mapping programme names to programmes, found an array",
        ])
        #expect(PolicyFile.parse(Fixtures.bytes(base + "\"programmes\": 1}")).programmeNames == nil)
    }

    @Test func programmeNamesSurviveOtherProblems() {
        let parsed = PolicyFile.parse(Fixtures.bytes("{\"programmes\": {\"a\": {\"categories\": [\"x\"]}, \"b\": {}}}"))
        #expect(parsed.policy == nil)
        #expect(parsed.programmeNames == ["a", "b"])
        #expect(PolicyFile.parse(Fixtures.bytes("{}")).programmeNames == Set(Programme.defaults.keys))
    }

    @Test func duplicateTopLevelKey() {
        #expect(problems("{\"round_date\": \"2026-12-01\", \"seed\": \"a\",\n\"seed\": \"b\"}") == [
            "policy.json:2: seed: duplicate key (first on line 1); keep only one"
        ])
    }

    @Test func escapedStrings() throws {
        let parsed = PolicyFile.parse(Fixtures.bytes(#"{"round_date": "2026-12-01", "seed": "a\"b\\c\/\u00e9\ud83d\ude00\n"}"#))
        #expect(try #require(parsed.policy).seed == "a\"b\\c/é😀\n")
    }
}
