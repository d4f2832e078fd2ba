import AllocationFiles
import CityGenerator
import Foundation
import TestSupport
import Testing

/// The generator's promises: same arguments same bytes, exact counts, and files the
/// contract accepts — checked by re-reading the CSV here, independently of the writer.
@Suite struct CityGeneratorTests {
    @Test func sameSeedGivesSameBytes() {
        let a = CityGenerator(applicants: 800, slots: 600, seed: "2026-12-01 public draw, Putuo").generate()
        let b = CityGenerator(applicants: 800, slots: 600, seed: "2026-12-01 public draw, Putuo").generate()
        #expect(a == b)
    }

    @Test func differentSeedGivesDifferentBytes() {
        let a = CityGenerator(applicants: 800, slots: 600, seed: "seed-a").generate()
        let b = CityGenerator(applicants: 800, slots: 600, seed: "seed-b").generate()
        #expect(a.projectsCSV != b.projectsCSV)
        #expect(a.slotsCSV != b.slotsCSV)
        #expect(a.applicantsCSV != b.applicantsCSV)
        #expect(a.policyJSON != b.policyJSON)
    }

    @Test(arguments: [(1, 0), (1, 1), (7, 2), (50, 3), (1000, 17), (300, 1234), (2500, 5000)])
    func exactCounts(applicants: Int, slots: Int) throws {
        let city = CityGenerator(applicants: applicants, slots: slots, seed: "counts").generate()
        #expect(try CSVDocument(city.applicantsCSV).rows.count == applicants)
        #expect(try CSVDocument(city.slotsCSV).rows.count == slots)
        #expect(try CSVDocument(city.projectsCSV).rows.count == city.projectCount)
        #expect(city.projectCount == CityGenerator.projectCount(forSlots: slots))
        #expect(city.projectCount >= 3)
    }

    @Test func projectsAverageAboutOneHundredTwentyFiveSlots() {
        #expect(CityGenerator.projectCount(forSlots: 50_000) == 400)
        #expect(CityGenerator.projectCount(forSlots: 0) == 3)
    }

    @Test func projectsAreWellFormed() throws {
        let projects = try CSVDocument(city.projectsCSV)
        #expect(projects.header == ["project_id", "name", "district", "lat", "lon", "programme"])
        let ids = try projects.column("project_id")
        #expect(Set(ids).count == ids.count)
        #expect(ids == ids.sorted())
        for p in projects.records {
            #expect(ContractRules.isIdentifier(p["project_id"]!))
            #expect(["talent", "frontline", "general"].contains(p["programme"]!))
            #expect(Self.districts.contains(p["district"]!))
            #expect(Self.inShanghai(lat: p["lat"]!, lon: p["lon"]!))
        }
        // Names exercise CSV quoting, and survive it.
        #expect(try projects.column("name").contains { $0.contains(",") })
        #expect(try projects.column("name").contains { $0.contains("\"") })
    }

    @Test func slotsAreWellFormed() throws {
        let projectIDs = Set(try CSVDocument(city.projectsCSV).column("project_id"))
        let slots = try CSVDocument(city.slotsCSV)
        #expect(slots.header.first == "slot_id")
        let ids = try slots.column("slot_id")
        #expect(Set(ids).count == ids.count)
        #expect(ids == ids.sorted())
        var roomGender: [String: String] = [:]
        var finishedRooms: Set<String> = []
        var currentRoom = ""
        for s in slots.records {
            #expect(ContractRules.isIdentifier(s["slot_id"]!))
            #expect(projectIDs.contains(s["project_id"]!), "slot \(s["slot_id"]!) names a missing project")
            #expect(["available", "offered", "occupied", "maintenance"].contains(s["status"]!))
            #expect(["true", "false"].contains(s["accessible"]!))
            let rent = try #require(Int(s["rent"]!))
            let household = try #require(Int(s["max_household"]!))
            if s["kind"]! == "bed" {
                #expect(household == 1)
                #expect((500...1000).contains(rent))
                #expect(ContractRules.isIdentifier(s["room_id"]!))
                let room = s["project_id"]! + "/" + s["room_id"]!
                // One gender per room, and a room's beds are consecutive.
                #expect(roomGender[room, default: s["gender"]!] == s["gender"]!, "room \(room) mixes genders")
                roomGender[room] = s["gender"]!
                if room != currentRoom {
                    #expect(!finishedRooms.contains(room), "room \(room) is split")
                    finishedRooms.insert(currentRoom)
                    currentRoom = room
                }
                #expect(["any", "female", "male"].contains(s["gender"]!))
            } else {
                #expect(s["kind"]! == "apartment")
                #expect((1...5).contains(household))
                #expect((1500...6000).contains(rent))
                #expect(s["room_id"]!.isEmpty)
            }
            if !s["reserved_employer_id"]!.isEmpty { #expect(ContractRules.isIdentifier(s["reserved_employer_id"]!)) }
        }
        #expect(roomGender.values.contains("female") && roomGender.values.contains("male"))
    }

    @Test func applicantsAreWellFormed() throws {
        let applicants = try CSVDocument(city.applicantsCSV)
        let ids = try applicants.column("applicant_id")
        #expect(Set(ids).count == ids.count)
        #expect(ids == ids.sorted())
        #expect(Set(try applicants.column("category")) == ["youth_talent", "frontline_worker", "general"])
        for a in applicants.records {
            #expect(ContractRules.isIdentifier(a["applicant_id"]!))
            #expect(["female", "male"].contains(a["gender"]!))
            #expect(Self.districts.contains(a["work_district"]!))
            #expect(Self.inShanghai(lat: a["work_lat"]!, lon: a["work_lon"]!))
            #expect((Int(a["household_size"]!) ?? 0) >= 1)
            #expect(a["birth_date"]!.utf8.count == 10)
            #expect(a["applied_at"]!.isEmpty || a["applied_at"]!.hasSuffix("+08:00"))
        }
        // Every employer that leases rooms has staff among the applicants.
        let employers = Set(try applicants.column("employer_id"))
        let lessors = Set(try CSVDocument(city.slotsCSV).column("reserved_employer_id")).subtracting([""])
        #expect(!lessors.isEmpty)
        #expect(lessors.isSubset(of: employers))
    }

    @Test func policyIsTheContractDefaultWithTheSeed() throws {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(city.policyJSON)) as? [String: Any])
        #expect(json["seed"] as? String == Self.seed)
        #expect(json["round_date"] as? String == "2026-12-01")
        #expect(json["mechanism"] as? String == "deferred_acceptance")
        #expect(json["default_max_commute_min"] as? Int == 60)
        let programmes = try #require(json["programmes"] as? [String: Any])
        #expect(Set(programmes.keys) == ["talent", "frontline", "general"])
    }

    @Test func seedIsEscapedInPolicyJSON() throws {
        let seed = "quote \" backslash \\ tab \t 普陀"
        let policy = CityGenerator(applicants: 1, slots: 0, seed: seed).generate().policyJSON
        let json = try #require(try JSONSerialization.jsonObject(with: Data(policy)) as? [String: Any])
        #expect(json["seed"] as? String == seed)
    }

    @Test func contractReaderAcceptsTheCity() throws {
        do {
            let input = try InputFolder.validate(
                projects: city.projectsCSV, slots: city.slotsCSV, applicants: city.applicantsCSV,
                policy: city.policyJSON)
            #expect(input.applicants.count == 3000)
            #expect(input.slots.count == 2000)
        } catch .invalid(let diagnostics) {
            Issue.record("generated city is invalid: \(diagnostics.prefix(5).map(\.description))")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func writeCreatesTheFolderAndTheFourFiles() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("anju-city-\(UUID().uuidString)/nested").path
        defer { try? FileManager.default.removeItem(atPath: (folder as NSString).deletingLastPathComponent) }
        let city = try CityGenerator(applicants: 40, slots: 30, seed: "write").write(to: folder)
        for (name, bytes) in city.files {
            let written = try Data(contentsOf: URL(fileURLWithPath: (folder as NSString).appendingPathComponent(name)))
            #expect([UInt8](written) == bytes, "\(name) differs")
        }
    }

    // MARK: - Helpers

    static let seed = "tests, \"quoted\""
    /// Drawn once and shared: the structural tests all read the same city.
    static let sharedCity = CityGenerator(applicants: 3000, slots: 2000, seed: seed).generate()
    var city: GeneratedCity { Self.sharedCity }

    static let districts: Set<String> = [
        "Huangpu", "Xuhui", "Changning", "Jing'an", "Putuo", "Hongkou", "Yangpu", "Minhang", "Baoshan", "Jiading",
        "Pudong", "Songjiang", "Qingpu", "Fengxian", "Jinshan", "Chongming",
    ]

    static func inShanghai(lat: String, lon: String) -> Bool {
        guard let la = Double(lat), let lo = Double(lon) else { return false }
        return (30.6...31.9).contains(la) && (120.8...122.0).contains(lo)
    }

    /// The contract's identifiers: 1–64 of `A–Z a–z 0–9 _ - .`.
    static func isIdentifier(_ s: String) -> Bool {
        (1...64).contains(s.utf8.count)
            && s.utf8.allSatisfy { c in
                (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 46 || c == 95
            }
    }
}
