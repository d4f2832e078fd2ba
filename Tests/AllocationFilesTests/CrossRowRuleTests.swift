import Allocation
import Testing

@testable import AllocationFiles

/// Rules that tie rows and files together: unique ids, references, dorm rooms.
@Suite struct CrossRowRuleTests {
    private let slotsHeader = "slot_id,project_id,kind,room_id,max_household,rent,gender,accessible,status,reserved_employer_id\n"

    @Test func duplicateIdsAreReportedAtEachLaterOccurrence() {
        let text = """
            applicant_id,category,household_size,gender,birth_date,monthly_income,work_lat,work_lon,work_district,needs_accessible
            A00001,general,1,male,1990-01-01,5000,31,121,Putuo,false
            A00017,general,1,male,1990-01-01,5000,31,121,Putuo,false
            A00002,general,1,male,1990-01-01,5000,31,121,Putuo,false
            A00017,general,1,male,1990-01-01,5000,31,121,Putuo,false
            A00017,general,0,male,1990-01-01,5000,31,121,Putuo,false
            """
        let parsed = ApplicantsFile.parse(Fixtures.bytes(text))
        #expect(parsed.diagnostics.map(\.description) == [
            "applicants.csv:5: applicant_id: duplicate id \"A00017\" (first on line 3)",
            "applicants.csv:6: applicant_id: duplicate id \"A00017\" (first on line 3)",
            "applicants.csv:6: household_size: 0 is out of range; expected a whole number of at least 1",
        ])
        #expect(parsed.rows.map(\.id) == ["A00001", "A00017", "A00002"])
        #expect(parsed.ids == ["A00001", "A00017", "A00002"])
    }

    @Test func duplicateProjectAndSlotIds() {
        let projects = ProjectsFile.parse(Fixtures.bytes("project_id,name,district,lat,lon,programme\nP1,a,d,1,2,x\nP1,b,d,1,2,x\n"))
        #expect(projects.diagnostics.map(\.description) == ["projects.csv:3: project_id: duplicate id \"P1\" (first on line 2)"])
        let slots = SlotsFile.parse(Fixtures.bytes(slotsHeader + "S1,P1,apartment,,1,1,any,0,available,\nS1,P1,apartment,,1,1,any,0,available,\n"))
        #expect(slots.diagnostics.map(\.description) == ["slots.csv:3: slot_id: duplicate id \"S1\" (first on line 2)"])
    }

    @Test func unknownProject() {
        let text = slotsHeader + "S1,P1,apartment,,1,1,any,0,available,\nS2,P999,apartment,,1,1,any,0,available,\n"
        let parsed = SlotsFile.parse(Fixtures.bytes(text), projectIDs: ["P1"])
        #expect(parsed.diagnostics.map(\.description) == ["slots.csv:3: project_id: unknown project \"P999\"; it is not in projects.csv"])
        #expect(SlotsFile.parse(Fixtures.bytes(text)).diagnostics.isEmpty, "without known projects the reference is not checked")
    }

    @Test func projectWithOtherProblemsIsStillKnown() {
        let projects = ProjectsFile.parse(Fixtures.bytes("project_id,name,district,lat,lon,programme\nP1,a,d,100,2,talent\n"))
        #expect(projects.diagnostics.count == 1)
        #expect(projects.ids == ["P1"])
    }

    @Test func unknownProgramme() {
        let text = "project_id,name,district,lat,lon,programme\nP1,a,d,1,2,talent\nP2,b,d,1,2,talentt\n"
        let parsed = ProjectsFile.parse(Fixtures.bytes(text), programmes: ["talent", "general", "frontline"])
        #expect(parsed.diagnostics.map(\.description) == [
            "projects.csv:3: programme: unknown programme \"talentt\"; policy.json defines \"frontline\", \"general\", \"talent\""
        ])
        #expect(ProjectsFile.parse(Fixtures.bytes(text)).diagnostics.isEmpty, "without the policy's names the check is skipped")
        #expect(ProjectsFile.parse(Fixtures.bytes(text), programmes: []).diagnostics.count == 2)
    }

    @Test func bedsMustBeForOnePerson() {
        let text = slotsHeader + "S1,P1,bed,R1,2,800,male,0,available,\nS2,P1,apartment,,2,800,male,0,available,\n"
        #expect(SlotsFile.parse(Fixtures.bytes(text)).diagnostics.map(\.description) == [
            "slots.csv:2: max_household: 2 is not allowed for a bed; a bed is for one person, so max_household must be 1"
        ])
    }

    @Test func bedsOfOneRoomShareOneGender() {
        let text = slotsHeader + """
            B1,P1,bed,R1,1,800,female,0,available,
            B2,P1,bed,R1,1,800,female,0,available,
            B3,P1,bed,R1,1,800,male,0,available,
            B4,P1,bed,R1,1,800,any,0,available,
            B5,P2,bed,R1,1,800,male,0,available,
            B6,P1,bed,R2,1,800,male,0,available,
            B7,P1,bed,,1,800,male,0,available,
            A1,P1,apartment,R1,3,800,male,0,available,

            """
        let parsed = SlotsFile.parse(Fixtures.bytes(text))
        #expect(parsed.diagnostics.map(\.description) == [
            "slots.csv:4: gender: \"male\" differs from \"female\", the gender of the first bed of room \"R1\" in project \"P1\" (line 2); beds of one room share one gender",
            "slots.csv:5: gender: \"any\" differs from \"female\", the gender of the first bed of room \"R1\" in project \"P1\" (line 2); beds of one room share one gender",
        ])
        // R1 of P2 is another room; beds without a room and apartments with a room_id are not grouped.
        #expect(parsed.rows.map(\.id) == ["B1", "B2", "B5", "B6", "B7", "A1"])
        #expect(parsed.rows.last?.roomID == "R1")
    }

    @Test func roomsAreJudgedByTheirFirstBedInFileOrder() {
        let text = slotsHeader + "B1,P1,bed,R1,1,800,male,0,available,\nB2,P1,bed,R1,1,800,female,0,available,\nB3,P1,bed,R1,1,800,female,0,available,\n"
        #expect(SlotsFile.parse(Fixtures.bytes(text)).diagnostics.map(\.line) == [3, 4])
    }
}
