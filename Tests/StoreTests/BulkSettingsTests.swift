import Postgres
import PostgresTestSupport
@testable import Store
import Testing

/// The work_mem raise of imports and round runs stays inside their transaction.
@Suite("Bulk transaction settings")
struct BulkSettingsTests {
    @Test("an import raises work_mem for its transaction only, committed or rolled back")
    func workMemIsLocal() throws {
        let db = try StoreFixtures.migrated("bulkworkmem")
        let before = try db.value("SHOW work_mem")
        #expect(before != Store.bulkWorkMem)
        let store = try db.store(actor: "test:bureau")
        let projects = "project_id,name,district,lat,lon,programme\nP1,One,Huangpu,31.23,121.47,general\n"
        try db.connection.transaction { _ in
            try store.raiseWorkMemForBulk()
            #expect(try db.value("SHOW work_mem") == Store.bulkWorkMem)
        }
        #expect(try db.value("SHOW work_mem") == before)
        _ = try store.importFile(.projects, bytes: Array(projects.utf8))
        #expect(try db.value("SHOW work_mem") == before)
        _ = try store.importFile(.projects, bytes: Array(projects.utf8), dryRun: true)
        #expect(try db.value("SHOW work_mem") == before)
        #expect(throws: StoreError.self) { try store.importFile(.projects, bytes: Array("project_id\n".utf8)) }
        #expect(try db.value("SHOW work_mem") == before)
    }
}
