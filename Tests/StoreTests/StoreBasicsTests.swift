import PostgresTestSupport
import Store
import Foundation
import Testing

@Suite("Store basics")
struct StoreBasicsTests {
    @Test("opening a store creates its city once; a bad city id is refused")
    func opensCity() throws {
        let connection = try TestDatabase.migrated("storebasics")
        _ = try Store(connection: connection, city: "shanghai", actor: "test")
        _ = try Store(connection: connection, city: "shanghai", actor: "test")
        #expect(try connection.query("SELECT count(*) FROM cities").first?[0] == "1")
        #expect(throws: StoreError.self) { try Store(connection: connection, city: "bad city", actor: "test") }
    }

    @Test("audit rows carry the actor and sorted JSON details")
    func auditRow() throws {
        let connection = try TestDatabase.migrated("storeaudit")
        let store = try Store(connection: connection, city: "c1", actor: "cli:alice")
        try store.audit("test", entity: "thing", id: "x", details: ["b": 2, "a": "é\"\n"])
        let row = try #require(try connection.query("SELECT actor, details::text FROM audit_log").first)
        #expect(row[0] == "cli:alice")
        #expect(row[1] == #"{"a": "é\"\n", "b": 2}"#)
    }

    @Test("coordinates format as plain decimals that parse back to the same Double", arguments: [
        (31.2304, "31.2304"), (5e-05, "0.00005"), (-1.25e-07, "-0.000000125"), (121.0, "121"), (-90.0, "-90"),
        (0.1, "0.1"), (1.5e-10, "0.00000000015"),
    ])
    func decimalText(value: Double, text: String) {
        #expect(DecimalText.format(value) == text)
        #expect(Double(DecimalText.format(value)) == value)
    }

    @Test("random coordinates round-trip exactly")
    func decimalRoundTrip() {
        var state: UInt64 = 12345
        for _ in 0..<20_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let bits = state >> 11
            let value = (Double(bits) / Double(1 << 53) - 0.5) * 360 * pow10(Int(state % 9))
            let text = DecimalText.format(value)
            #expect(!text.contains("e"))
            #expect(Double(text) == value, "\(value) -> \(text)")
        }
    }

    private func pow10(_ n: Int) -> Double { (0..<n).reduce(1.0) { r, _ in r / 10 } }

    @Test("a text[] literal gives back every value exactly, NULL as NULL")
    func textArrayRoundTrips() throws {
        let db = try StoreFixtures.migrated("textarray")
        let values: [String?] = [
            "A0000001", "NULL", nil, "", "a,b", "{braces}", "two words", #"say "hi""#, #"back\slash"#, #"\""#, "安居 一张床",
        ]
        let rows = try db.connection.query(
            "SELECT v FROM unnest($1::text[]) WITH ORDINALITY AS t (v, n) ORDER BY n", [Store.textArray(values)])
        #expect(rows.map { $0[0] } == values)
        #expect(Store.textArray([String]()) == "{}")
        #expect(Store.textArray(["P1", "P2"]) == #"{"P1","P2"}"#)
    }
}
