import Allocation
import Testing

@testable import AllocationFiles

/// Each typed column's rule, one spoiled cell at a time (the row is always on line 2).
@Suite struct FieldTypeTests {
    private func applicantProblems(_ changes: [String: String]) -> [String] {
        ApplicantsFile.parse(Fixtures.csv(Fixtures.applicantsHeader, Fixtures.applicantRow, changes)).diagnostics.map(\.description)
    }

    private func slotProblems(_ changes: [String: String]) -> [String] {
        SlotsFile.parse(Fixtures.csv(Fixtures.slotsHeader, Fixtures.slotRow, changes)).diagnostics.map(\.description)
    }

    private func projectProblems(_ changes: [String: String]) -> [String] {
        ProjectsFile.parse(Fixtures.csv(Fixtures.projectsHeader, Fixtures.projectRow, changes)).diagnostics.map(\.description)
    }

    @Test func fixtureRowsAreValid() {
        #expect(applicantProblems([:]).isEmpty)
        #expect(slotProblems([:]).isEmpty)
        #expect(projectProblems([:]).isEmpty)
    }

    @Test(arguments: [
        ("household_size", "0", "applicants.csv:2: household_size: 0 is out of range; expected a whole number of at least 1"),
        ("monthly_income", "-1", "applicants.csv:2: monthly_income: -1 is out of range; expected a whole number of at least 0"),
        ("max_commute_min", "0", "applicants.csv:2: max_commute_min: 0 is out of range; expected a whole number of at least 1"),
        ("max_rent", "-5", "applicants.csv:2: max_rent: -5 is out of range; expected a whole number of at least 0"),
        ("priority_points", "-1", "applicants.csv:2: priority_points: -1 is out of range; expected a whole number of at least 0"),
        ("monthly_income", "9000.0", "applicants.csv:2: monthly_income: \"9000.0\" is not an integer; expected a whole number of at least 0, written as digits with an optional leading -"),
        ("monthly_income", "+9000", "applicants.csv:2: monthly_income: \"+9000\" is not an integer; expected a whole number of at least 0, written as digits with an optional leading -"),
        ("monthly_income", " 9000", "applicants.csv:2: monthly_income: \" 9000\" is not an integer; expected a whole number of at least 0, written as digits with an optional leading -"),
        ("monthly_income", "9,000", "applicants.csv:2: -: the record has 16 fields but the header has 15 columns; a value containing a comma must be in double quotes"),
        ("monthly_income", "9223372036854775808", "applicants.csv:2: monthly_income: \"9223372036854775808\" is out of range; expected a whole number of at least 0 that fits in 64 bits"),
        ("work_lat", "90.5", "applicants.csv:2: work_lat: 90.5 is out of range; expected a latitude in decimal degrees between -90 and 90"),
        ("work_lon", "-180.01", "applicants.csv:2: work_lon: -180.01 is out of range; expected a longitude in decimal degrees between -180 and 180"),
        ("work_lat", "3.1e1", "applicants.csv:2: work_lat: \"3.1e1\" is not a decimal number; expected a latitude in decimal degrees between -90 and 90, written as digits with an optional leading - and decimal point, such as 31.2304"),
        ("work_lat", ".5", "applicants.csv:2: work_lat: \".5\" is not a decimal number; expected a latitude in decimal degrees between -90 and 90, written as digits with an optional leading - and decimal point, such as 31.2304"),
        ("work_lat", "31.", "applicants.csv:2: work_lat: \"31.\" is not a decimal number; expected a latitude in decimal degrees between -90 and 90, written as digits with an optional leading - and decimal point, such as 31.2304"),
        ("work_lon", "+121.4", "applicants.csv:2: work_lon: \"+121.4\" is not a decimal number; expected a longitude in decimal degrees between -180 and 180, written as digits with an optional leading - and decimal point, such as 31.2304"),
        ("needs_accessible", "yes", "applicants.csv:2: needs_accessible: \"yes\" is not a boolean; expected true, false, 1 or 0"),
        ("category", "student", "applicants.csv:2: category: \"student\" is not one of youth_talent, frontline_worker, general"),
        ("gender", "any", "applicants.csv:2: gender: \"any\" is not one of female, male"),
        ("gender", "Female", "applicants.csv:2: gender: \"Female\" is not one of female, male"),
        ("birth_date", "1995-02-29", "applicants.csv:2: birth_date: \"1995-02-29\" is not a valid date; expected a calendar date written YYYY-MM-DD"),
        ("birth_date", "12/04/1995", "applicants.csv:2: birth_date: \"12/04/1995\" is not a valid date; expected a calendar date written YYYY-MM-DD"),
        ("applicant_id", "A 1", "applicants.csv:2: applicant_id: \"A 1\" is not a valid id; expected an id of 1 to 64 characters from A-Z a-z 0-9 _ - ."),
        ("applicant_id", String(repeating: "x", count: 65), "applicants.csv:2: applicant_id: \"\(String(repeating: "x", count: 65))\" is not a valid id; expected an id of 1 to 64 characters from A-Z a-z 0-9 _ - ."),
        ("employer_id", "公司", "applicants.csv:2: employer_id: \"公司\" is not a valid id; expected an id of 1 to 64 characters from A-Z a-z 0-9 _ - ."),
        ("applicant_id", "", "applicants.csv:2: applicant_id: missing value; expected an id of 1 to 64 characters from A-Z a-z 0-9 _ - ."),
        ("work_district", "", "applicants.csv:2: work_district: missing value; expected a non-empty text"),
        ("needs_accessible", "", "applicants.csv:2: needs_accessible: missing value; expected true, false, 1 or 0"),
        ("applied_at", "2026-11-03 09:30:00", "applicants.csv:2: applied_at: \"2026-11-03 09:30:00\" is not a valid timestamp; expected an RFC 3339 timestamp such as 2026-11-03T09:30:00+08:00 or 2026-11-03T01:30:00Z, or a date YYYY-MM-DD"),
    ])
    func applicantValueRules(column: String, value: String, expected: String) {
        #expect(applicantProblems([column: value]) == [expected])
    }

    @Test(arguments: [
        "2026-11-03", "2026-11-03T09:30:00Z", "2026-11-03T09:30:00.123456+08:00", "2026-11-03t09:30:00z",
        "2026-11-03T23:59:60-05:30", "2024-02-29T00:00:00Z",
    ])
    func timestampsAccepted(value: String) {
        #expect(applicantProblems(["applied_at": value]).isEmpty)
    }

    @Test(arguments: [
        "2026-11-03T24:00:00Z", "2026-11-03T09:60:00Z", "2026-11-03T09:30:60Z", "2026-02-30T09:30:00Z",
        "2026-11-03T09:30:00", "2026-11-03T09:30:00+8:00", "2026-11-03T09:30:00+24:00", "2026-11-03T09:30:00.Z",
        "2026-11-03T09:30Z", "2026-11-3", "2025-02-29", "2026-11-03T09:30:00+08:00 ",
    ])
    func timestampsRefused(value: String) {
        #expect(applicantProblems(["applied_at": value]).count == 1)
    }

    @Test(arguments: ["TRUE", "False", "1", "0", "tRuE"])
    func booleansInAnyCase(value: String) {
        #expect(applicantProblems(["needs_accessible": value]).isEmpty)
    }

    @Test func optionalColumnsMayBeEmpty() {
        let parsed = ApplicantsFile.parse(Fixtures.csv(Fixtures.applicantsHeader, Fixtures.applicantRow, [
            "max_commute_min": "", "max_rent": "", "priority_points": "", "employer_id": "", "applied_at": "",
        ]))
        #expect(parsed.diagnostics.isEmpty)
        let a = parsed.rows[0]
        #expect(a.maxCommuteMin == nil && a.maxRent == nil && a.priorityPoints == 0 && a.employerID == nil && a.appliedAt == nil)
    }

    @Test func valuesAreConvertedExactly() {
        let parsed = ApplicantsFile.parse(Fixtures.csv(Fixtures.applicantsHeader, Fixtures.applicantRow, [
            "work_lat": "-0.000000000000000000000001", "work_lon": "121.47370000000000000001", "monthly_income": "007",
            "priority_points": "9223372036854775807",
        ]))
        #expect(parsed.diagnostics.isEmpty)
        let a = parsed.rows[0]
        #expect(a.workLat == -1e-24)
        #expect(a.workLon == 121.4737)
        #expect(a.monthlyIncome == 7)
        #expect(a.priorityPoints == Int.max)
        #expect(a.birthDate == CivilDate(year: 1995, month: 4, day: 12))
        #expect(a.appliedAt == "2026-11-03T09:30:00+08:00")
    }

    @Test(arguments: [
        ("kind", "flat", "slots.csv:2: kind: \"flat\" is not one of apartment, bed"),
        ("status", "free", "slots.csv:2: status: \"free\" is not one of available, offered, occupied, maintenance"),
        ("gender", "mixed", "slots.csv:2: gender: \"mixed\" is not one of any, female, male"),
        ("max_household", "0", "slots.csv:2: max_household: 0 is out of range; expected a whole number of at least 1"),
        ("rent", "-1", "slots.csv:2: rent: -1 is out of range; expected a whole number of at least 0"),
        ("accessible", "", "slots.csv:2: accessible: missing value; expected true, false, 1 or 0"),
        ("room_id", "room 1", "slots.csv:2: room_id: \"room 1\" is not a valid id; expected an id of 1 to 64 characters from A-Z a-z 0-9 _ - ."),
        ("reserved_employer_id", "E#1", "slots.csv:2: reserved_employer_id: \"E#1\" is not a valid id; expected an id of 1 to 64 characters from A-Z a-z 0-9 _ - ."),
    ])
    func slotValueRules(column: String, value: String, expected: String) {
        #expect(slotProblems([column: value]) == [expected])
    }

    @Test(arguments: [
        ("name", "", "projects.csv:2: name: missing value; expected a non-empty text"),
        ("lat", "", "projects.csv:2: lat: missing value; expected a latitude in decimal degrees between -90 and 90"),
        ("lon", "181", "projects.csv:2: lon: 181 is out of range; expected a longitude in decimal degrees between -180 and 180"),
        ("programme", "", "projects.csv:2: programme: missing value; expected a non-empty text"),
    ])
    func projectValueRules(column: String, value: String, expected: String) {
        #expect(projectProblems([column: value]) == [expected])
    }

    @Test func everyProblemInARowIsReported() {
        let problems = applicantProblems(["category": "x", "household_size": "0", "gender": "", "work_lat": "abc"])
        #expect(problems.map { $0.split(separator: ":")[2] } == [" category", " household_size", " gender", " work_lat"])
    }

    @Test func messagesEscapeOddValues() {
        let text = "project_id,name,district,lat,lon,programme\n\"P\"\"1\nx\",n,d,1,2,talent\n"
        #expect(ProjectsFile.parse(Fixtures.bytes(text)).diagnostics.map(\.description) == [
            "projects.csv:2: project_id: \"P\\\"1\\nx\" is not a valid id; expected an id of 1 to 64 characters from A-Z a-z 0-9 _ - ."
        ])
    }
}
