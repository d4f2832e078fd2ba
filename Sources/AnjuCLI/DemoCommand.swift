import Allocation
import AllocationFiles
import ArgumentParser
import CityGenerator
import Foundation
import Postgres
import Store

/// `anju demo`: the whole database-backed job end to end on a generated city — database,
/// schema, import, round, offers, summary, HTML report — for a first look.
public struct DemoCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate a Shanghai-like city, import it into PostgreSQL, run a round, and write its HTML report.",
        discussion: """
            With DATABASE_URL set, the demo uses that database under a new city id. Otherwise it starts \
            the private cluster (.anju/pg), recreates the database anju_demo there, and stops the cluster \
            again at the end if it was not already running (--keep-running keeps it up for anju round show, \
            anju offers …).
            """
    )

    @Option(name: .long, help: "Folder for the generated files, the results and the report.")
    var out = ".anju/demo"

    @Option(name: .long, help: "Number of applicants to generate.")
    var applicants = 20_000

    @Option(name: .long, help: "Number of slots to generate.")
    var slots = 5_000

    @Option(name: .long, help: "Seed for the city and the lottery.")
    var seed = "2026-12-01 public draw, demo"

    @Option(name: .long, help: "serial, deferred_acceptance or optimal (default: the policy's).")
    var mechanism: Mechanism?

    @Flag(name: .long, help: "Leave the private cluster running afterwards.")
    var keepRunning = false

    @OptionGroup var cluster: DatabaseCommand.ClusterOptions

    public init() {}

    public func validate() throws {
        if seed.isEmpty { throw ValidationError("--seed must not be empty") }
        if applicants < 1 || slots < 0 { throw ValidationError("--applicants must be ≥ 1 and --slots ≥ 0") }
    }

    public func run() throws {
        let input = out + "/input"
        try CityGenerator(applicants: applicants, slots: slots, seed: seed).write(to: input)
        print("1. generated \(applicants) applicants and \(slots) slots as the contract's files in \(input)")

        let (connection, city, stopAfter) = try CommandFailure.reporting { try openDatabase() }
        defer {
            if let stopAfter {
                try? stopAfter.stop()
                print("stopped the private cluster (run again with --keep-running to keep it)")
            }
        }
        try CommandFailure.reporting {
            let store = try Store(connection: connection, city: city, actor: "cli:demo")
            let progress = TerminalProgress(enabled: true)
            for kind in [ImportKind.projects, .slots, .applicants] {
                let name = "\(kind.rawValue).csv"
                progress.phase("importing \(name)")
                let started = Date()
                let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: input + "/" + name)))
                let report = try store.importFile(kind, bytes: bytes, fileName: name, dryRun: false)
                progress.finish()
                print("3. imported \(name): \(report.inserted) rows in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
            }
            try applyOnline(store, database: StoreDatabase.choose(cluster: cluster.cluster))
            let policy = [UInt8](try Data(contentsOf: URL(fileURLWithPath: input + "/policy.json")))
            let info = try store.createRound(id: nil, policy: policy, mechanism: mechanism)
            print("4. created round \(info.roundID): \(info.mechanism.rawValue), seed \(quotedSeed(info.seed))")
            let started = Date()
            let run = try store.runRound(info.roundID, phase: { progress.phase($0) }, progress: progress.fraction)
            progress.finish()
            print("5. ran round \(info.roundID) in one transaction in \(String(format: "%.2f", Date().timeIntervalSince(started))) s; offers answer by \(run.round.offerDeadline ?? "-")")
            print("   held back: \(run.heldAsDuplicates) applicant(s) in unresolved duplicate sets, \(run.pendingReview) application(s) pending review")
            print(RoundSummaryText.render(run.result, input: run.input, out: nil), terminator: "")
            let html = try RoundReportBuilder.html(store: store, round: info.roundID, progress: progress)
            progress.finish()
            try writeAll([(out + "/report.html", Array(html.utf8)), (out + "/results.csv", ResultsCSV.render(run.result.rows))])
            print("6. wrote \(out)/report.html (open it in a browser) and \(out)/results.csv")
            if stopAfter == nil {
                print("look further: anju round show \(info.roundID) --city \(city); anju offers list --city \(city)")
            }
        }
    }

    /// Step 3b: people apply online as `POST /v1/applications` would store them — 200
    /// frontline workers, every 25th of them applying twice under the same identity number,
    /// and 10 never reviewed — and the bureau approves the rest in one all-or-nothing review.
    private func applyOnline(_ store: Store, database: StoreDatabase) throws {
        // The deployment's key when there is one; else a key for this run only (the demo city
        // is recreated each time, so no later application needs to match these).
        let key = try database.identityKey() ?? IdentityKey(bytes: Array(Credential.newHexSecret().utf8.prefix(32)))
        var random = SystemRandomNumberGenerator()
        var submitted: [String] = []
        var duplicates = 0
        for i in 0..<200 {
            let repeatOfPrevious = i % 25 == 24
            let person = repeatOfPrevious ? i - 1 : i
            let form = ApplicationForm(
                fields: [
                    "category": "frontline_worker", "household_size": "1", "gender": person % 2 == 0 ? "male" : "female",
                    "birth_date": "19\(85 + person % 15)-0\(1 + person % 9)-1\(person % 9)", "monthly_income": "\(4_000 + person * 17 % 3_000)",
                    "work_lat": String(format: "%.4f", 31.15 + Double.random(in: 0..<0.2, using: &random)),
                    "work_lon": String(format: "%.4f", 121.35 + Double.random(in: 0..<0.25, using: &random)),
                    "work_district": "Huangpu", "max_commute_min": "60", "max_rent": "1000", "needs_accessible": "false",
                ],
                name: "申请人\(person)", phone: "139\(String(format: "%08d", repeatOfPrevious ? 50_000_000 + i : i))",
                identityNumber: "DEMO\(String(format: "%06d", person))", language: "zh-CN")
            submitted.append(try store.submitApplication(form, key: key).applicantID)
            if repeatOfPrevious { duplicates += 1 }
        }
        let reviewed = try store.review(submitted.dropLast(10).map { ReviewDecision(applicantID: $0, decision: .approve) })
        let sets = try store.duplicateSets()
        print("3b. 200 online applications (\(duplicates) people applied twice): \(reviewed.count) approved, 10 left pending review; \(sets.count) duplicate sets for the bureau (anju duplicates list)")
    }

    /// DATABASE_URL with a new city, or the private cluster with a fresh anju_demo database.
    private func openDatabase() throws -> (PostgresConnection, String, PrivateCluster?) {
        let database = StoreDatabase.choose(cluster: cluster.cluster)
        guard let privateCluster = database.privateCluster else {
            let connection = try database.connect()
            try StoreDatabase.migrate(connection)
            let stamp = ISO8601DateFormatter().string(from: Date()).filter { $0.isNumber }
            print("2. using DATABASE_URL, migrated; city demo-\(stamp)")
            return (connection, "demo-\(stamp)", nil)
        }
        let wasRunning = (try? privateCluster.status()) == .running
        let applied = try StoreDatabase.freshDatabase("anju_demo", on: privateCluster).applied
        let connection = try privateCluster.connect(database: "anju_demo")
        print("2. private PostgreSQL in \(privateCluster.folder.path)\(wasRunning ? " (already running)" : " (started)"); database anju_demo, \(applied.count) migrations applied")
        return (connection, "demo", wasRunning || keepRunning ? nil : privateCluster)
    }
}
