import Allocation
import Testing

@testable import AllocationFiles

/// The structural layer: quoting, line ends, byte-order marks, header, field counts, UTF-8.
@Suite struct CSVSyntaxTests {
    private func descriptions(_ diagnostics: [Diagnostic]) -> [String] { diagnostics.map(\.description) }

    @Test func chineseNamesBOMAndCRLF() {
        let text = "\u{FEFF}project_id,name,district,lat,lon,programme\r\nP1,浦东人才公寓,浦东新区,31.2304,121.4737,talent\r\n"
        let parsed = ProjectsFile.parse(Fixtures.bytes(text))
        #expect(parsed.diagnostics.isEmpty)
        #expect(parsed.rows == [Project(id: "P1", name: "浦东人才公寓", district: "浦东新区", lat: 31.2304, lon: 121.4737, programme: "talent")])
    }

    @Test func quotedNewlinesCountPhysicalLines() {
        let text = """
            project_id,name,district,lat,lon,programme
            P1,"Block A
            second line
            third line",Pudong,31.2,121.4,talent
            P2,"He said ""hi"", twice",Putuo,31.2,121.4,talent

            P3,Ok,Putuo,95,121.4,talent
            """
        let parsed = ProjectsFile.parse(Fixtures.bytes(text))
        #expect(descriptions(parsed.diagnostics) == ["projects.csv:7: lat: 95 is out of range; expected a latitude in decimal degrees between -90 and 90"])
        #expect(parsed.rows.map(\.name) == ["Block A\nsecond line\nthird line", "He said \"hi\", twice"])
    }

    @Test func quotedNewlineWithCRLFInsideIsKept() {
        let text = "project_id,name,district,lat,lon,programme\r\nP1,\"a\r\nb\",D,1,2,talent\r\nP2,x,D,1,999,talent\r\n"
        let parsed = ProjectsFile.parse(Fixtures.bytes(text))
        #expect(parsed.rows.map(\.name) == ["a\r\nb"])
        #expect(parsed.diagnostics.map(\.line) == [4])
    }

    @Test func columnsInAnotherOrderAndExtraColumnsAndEmptyLines() {
        let text = "\nnotes,programme,lon,lat,district,name,project_id\n\n\"x, y\",talent,121.5,31.1,Minhang,Home,P9\n\r\n\n"
        let parsed = ProjectsFile.parse(Fixtures.bytes(text))
        #expect(parsed.diagnostics.isEmpty)
        #expect(parsed.rows == [Project(id: "P9", name: "Home", district: "Minhang", lat: 31.1, lon: 121.5, programme: "talent")])
    }

    @Test func lastLineWithoutLineEnd() {
        let parsed = ProjectsFile.parse(Fixtures.bytes("project_id,name,district,lat,lon,programme\nP1,n,d,0,0,talent"))
        #expect(parsed.diagnostics.isEmpty)
        #expect(parsed.rows.count == 1)
    }

    @Test func headerOnlyIsAnEmptyValidFile() {
        let parsed = SlotsFile.parse(Fixtures.bytes(Fixtures.slotsHeader.joined(separator: ",") + "\n"))
        #expect(parsed.diagnostics.isEmpty)
        #expect(parsed.rows.isEmpty)
        #expect(parsed.ids == [])
    }

    @Test func emptyFile() {
        for text in ["", "\u{FEFF}", "\n\r\n\n"] {
            let parsed = ProjectsFile.parse(Fixtures.bytes(text))
            #expect(descriptions(parsed.diagnostics) == [
                "projects.csv:1: -: the file is empty; expected a header row naming the columns, such as project_id,name,district,lat,lon,programme"
            ])
            #expect(parsed.ids == nil)
        }
    }

    @Test func unterminatedQuoteAtEndOfFile() {
        let text = "project_id,name,district,lat,lon,programme\nP1,ok,D,1,2,talent\nP2,\"broken,D,1,2,talent\nP3,ok,D,1,2,talent\n"
        let parsed = ProjectsFile.parse(Fixtures.bytes(text))
        #expect(descriptions(parsed.diagnostics) == [
            "projects.csv:3: name: a quoted field opened on line 3 is never closed; add the closing double quote"
        ])
        #expect(parsed.ids == nil, "rows after the quote were swallowed, so references cannot be judged")
    }

    @Test func quoteInsideUnquotedFieldAndTextAfterClosingQuote() {
        let text = "project_id,name,district,lat,lon,programme\nP1,5\" block,D,1,2,talent\nP2,\"Block\" B,D,1,2,talent\nP3,ok,D,1,2,talent\n"
        let parsed = ProjectsFile.parse(Fixtures.bytes(text))
        #expect(descriptions(parsed.diagnostics) == [
            "projects.csv:2: name: a double quote inside an unquoted field; quote the whole field and double each quote inside it (\"\")",
            "projects.csv:3: name: characters after the closing quote of a quoted field; a quoted field must be followed by a comma or the end of the line",
        ])
        #expect(parsed.rows.map(\.id) == ["P3"])
    }

    @Test func bareCarriageReturn() {
        let parsed = ProjectsFile.parse(Fixtures.bytes("project_id,name,district,lat,lon,programme\nP1,a\rb,D,1,2,talent\n"))
        #expect(parsed.diagnostics.map(\.column) == ["name"])
        #expect(parsed.diagnostics[0].message.contains("carriage return"))
    }

    @Test func wrongNumberOfFields() {
        let text = "project_id,name,district,lat,lon,programme\nP1,Block A, West,D,1,2,talent\nP2,n,D,1,2\n"
        let parsed = ProjectsFile.parse(Fixtures.bytes(text))
        #expect(descriptions(parsed.diagnostics) == [
            "projects.csv:2: -: the record has 7 fields but the header has 6 columns; a value containing a comma must be in double quotes",
            "projects.csv:3: -: the record has 5 fields but the header has 6 columns",
        ])
    }

    @Test func missingAndDuplicateColumns() {
        let text = "project_id,name,lat,lon,programme,name,note,note\nP1,n,1,2,talent,m,x,y\n"
        let parsed = ProjectsFile.parse(Fixtures.bytes(text))
        #expect(descriptions(parsed.diagnostics) == [
            "projects.csv:1: name: column \"name\" appears twice in the header (columns 2 and 6); keep only one",
            "projects.csv:1: note: column \"note\" appears twice in the header (columns 7 and 8); keep only one",
            "projects.csv:1: district: the header has no column \"district\"; it is required",
        ])
        #expect(parsed.rows.isEmpty, "a row cannot be complete without a required column")
    }

    @Test func optionalColumnsMayBeLeftOutOfTheHeader() {
        let header = ["slot_id", "project_id", "kind", "max_household", "rent", "gender", "accessible", "status"]
        let parsed = SlotsFile.parse(Fixtures.csv(header, ["S1", "P1", "bed", "1", "0", "male", "0", "offered"]))
        #expect(parsed.diagnostics.isEmpty)
        #expect(parsed.rows == [Slot(id: "S1", projectID: "P1", kind: .bed, maxHousehold: 1, rent: 0, gender: .male, accessible: false, status: .offered)])
    }

    @Test func invalidUTF8IsLocated() {
        var bytes = Fixtures.bytes("project_id,name,district,lat,lon,programme\nP1,ok,D,1,2,talent\nP2,")
        bytes += [0xE6, 0xB5]  // a truncated three-byte sequence
        bytes += Fixtures.bytes(",D,1,2,talent\nP3,\"")
        bytes += [0xC0, 0xAF]  // an overlong encoding of "/"
        bytes += Fixtures.bytes("\",D,1,2,talent\n")
        let parsed = ProjectsFile.parse(bytes)
        #expect(descriptions(parsed.diagnostics) == [
            "projects.csv:3: name: invalid UTF-8 (byte 0xE6); save the file as UTF-8",
            "projects.csv:4: name: invalid UTF-8 (byte 0xC0); save the file as UTF-8",
        ])
        #expect(parsed.rows.map(\.id) == ["P1"])
    }

    @Test func diagnosticsOnOneLineFollowTheFileColumnOrder() {
        // lon comes before lat in this header, so its problem is listed first.
        let text = "programme,lon,lat,district,name,project_id\ntalent,500,-100,,n,bad id\n"
        let parsed = ProjectsFile.parse(Fixtures.bytes(text))
        #expect(parsed.diagnostics.map(\.column) == ["lon", "lat", "district", "project_id"])
    }

    @Test func utf16IsNamed() {
        let parsed = ProjectsFile.parse([0xFF, 0xFE, 0x70, 0x00])
        #expect(parsed.diagnostics.map(\.description) == ["projects.csv:1: -: the file is UTF-16; save it as UTF-8 (CSV UTF-8 in spreadsheets)"])
        #expect(PolicyFile.parse([0xFE, 0xFF, 0x00, 0x7B]).diagnostics.map(\.description) == ["policy.json:1: -: the file is UTF-16; save it as UTF-8"])
    }

    @Test func emptyHeaderNamesAreNotDuplicates() {
        // Spreadsheets often export trailing empty columns.
        let parsed = ProjectsFile.parse(Fixtures.bytes("project_id,name,district,lat,lon,programme,,\nP1,n,d,1,2,talent,,\n"))
        #expect(parsed.diagnostics.isEmpty)
        #expect(parsed.rows.count == 1)
    }

    @Test func idLinesRecordFirstOccurrences() {
        let parsed = ProjectsFile.parse(Fixtures.bytes("project_id,name,district,lat,lon,programme\n\nP1,n,d,1,2,talent\nP2,n,d,1,2,talent\nP1,n,d,1,2,talent\n"))
        #expect(parsed.idLines == ["P1": 3, "P2": 4])
        #expect(parsed.rows.map(\.id) == ["P1", "P2"])
    }

    @Test func headerQuotingErrorsAreReported() {
        let parsed = ProjectsFile.parse(Fixtures.bytes("project_id,na\"me,district,lat,lon,programme\nP1,n,d,1,2,talent\n"))
        #expect(parsed.diagnostics.map(\.description) == [
            "projects.csv:1: -: header: a double quote inside an unquoted field; quote the whole field and double each quote inside it (\"\")",
            "projects.csv:1: name: the header has no column \"name\"; it is required",
        ])
    }
}
