import Allocation
import Foundation
import Testing

@testable import AllocationFiles

/// Loading a whole input folder: missing files first, then every problem in every file.
@Suite struct InputFolderTests {
    @Test func loadsAValidFolder() throws {
        let folder = try TemporaryFolder()
        try folder.writeValidInput()
        let loaded = try InputFolder.load(folder.path)
        #expect(loaded.input.projects.map(\.id) == ["P1", "P2"])
        #expect(loaded.input.projects[1].name == "Putuo Beds, Block 2")
        #expect(loaded.input.slots.map(\.id) == ["S1", "S2", "S3"])
        #expect(loaded.input.slots[2].reservedEmployerID == "E1")
        #expect(loaded.input.applicants.map(\.id) == ["A1", "A2"])
        #expect(loaded.input.policy.seed == "2026-12-01 public draw, Putuo")
        #expect(Set(loaded.digests.keys) == Set(InputFolder.fileNames))
        // The digest is of the file's bytes, as `sha256sum` prints it.
        #expect(loaded.digests["policy.json"] == InputFolder.sha256Hex(Array(Fixtures.policy.utf8)))
        #expect(InputFolder.sha256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func missingFilesAreListedBeforeAnyParsing() throws {
        let folder = try TemporaryFolder()
        try folder.write("projects.csv", "garbage\"")
        try folder.write("policy.json", "{")
        try FileManager.default.createDirectory(atPath: folder.path + "/slots.csv", withIntermediateDirectories: false)
        #expect {
            try InputFolder.load(folder.path)
        } throws: { error in
            guard case InputError.missingFiles(let messages) = error else { return false }
            return messages == [
                "slots.csv: cannot read \(folder.path)/slots.csv: it is a folder, not a file",
                "applicants.csv: cannot read \(folder.path)/applicants.csv: No such file or directory",
            ]
        }
    }

    @Test func errorLinesForTheCLI() {
        let d = Diagnostic(file: "slots.csv", line: 14, column: "kind", message: "\"flat\" is not one of apartment, bed")
        #expect(InputError.invalid([d]).lines == ["slots.csv:14: kind: \"flat\" is not one of apartment, bed"])
        #expect(InputError.missingFiles(["a", "b"]).lines == ["a", "b"])
    }

    @Test func missingFolderListsAllFour() {
        #expect {
            try InputFolder.load("/nonexistent/anju-input")
        } throws: { error in
            guard case InputError.missingFiles(let messages) = error else { return false }
            return messages.count == 4 && messages[0] == "projects.csv: cannot read /nonexistent/anju-input/projects.csv: No such file or directory"
        }
    }

    @Test func everyProblemInEveryFileIsReportedInContractOrder() throws {
        let folder = try TemporaryFolder()
        try folder.writeValidInput(replacing: [
            "policy.json": "{\"round_date\": \"2026-12-01\", \"seed\": \"\",\n \"programmes\": {\"talent\": {\"categories\": [\"youth_talent\"]}}}",
            "projects.csv": "project_id,name,district,lat,lon,programme\nP1,a,d,1,2,talent\nP2,b,d,1,2,frontline\nP2,c,d,1,2,talent\n",
            "slots.csv": "slot_id,project_id,kind,room_id,max_household,rent,gender,accessible,status,reserved_employer_id\nS1,P1,flat,,1,1,any,0,available,\nS2,P3,bed,,2,1,any,0,available,\n",
        ])
        #expect {
            try InputFolder.load(folder.path)
        } throws: { error in
            guard case InputError.invalid(let diagnostics) = error else { return false }
            return diagnostics.map(\.description) == [
                "projects.csv:3: programme: unknown programme \"frontline\"; policy.json defines \"talent\"",
                "projects.csv:4: project_id: duplicate id \"P2\" (first on line 3)",
                "slots.csv:2: kind: \"flat\" is not one of apartment, bed",
                "slots.csv:3: project_id: unknown project \"P3\"; it is not in projects.csv",
                "slots.csv:3: max_household: 2 is not allowed for a bed; a bed is for one person, so max_household must be 1",
                "policy.json:1: seed: the seed is empty; expected the published lottery seed, a non-empty string",
            ]
        }
    }

    @Test func brokenProgrammesSkipTheProgrammeCheck() throws {
        let folder = try TemporaryFolder()
        try folder.writeValidInput(replacing: ["policy.json": "{\"round_date\": \"2026-12-01\", \"seed\": \"s\", \"programmes\": 7}"])
        #expect {
            try InputFolder.load(folder.path)
        } throws: { error in
            guard case InputError.invalid(let diagnostics) = error else { return false }
            return diagnostics.map(\.file) == ["policy.json"]
        }
    }

    @Test func diagnosticDescriptionAndSorting() {
        let d = Diagnostic(file: "slots.csv", line: 22, column: "project_id", message: "unknown project \"P999\"")
        #expect(d.description == "slots.csv:22: project_id: unknown project \"P999\"")
        let unsorted = [
            Diagnostic(file: "policy.json", line: 1, column: "-", message: "a"),
            Diagnostic(file: "applicants.csv", line: 2, column: "-", message: "b"),
            Diagnostic(file: "projects.csv", line: 9, column: "-", message: "c"),
            Diagnostic(file: "projects.csv", line: 3, column: "-", message: "d"),
            Diagnostic(file: "slots.csv", line: 1, column: "-", message: "e"),
        ]
        #expect(Diagnostic.sorted(unsorted).map(\.message) == ["d", "c", "e", "b", "a"])
    }
}
