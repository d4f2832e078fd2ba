import Foundation
import Harness
import Postgres
import PostgresTestSupport
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `anju serve` as shipped, a child process under load: PostgreSQL stopped and restarted
/// beneath it, and the signals a service manager sends. Only what a client sees counts:
/// raw HTTP over loopback sockets, so a reset or a cut-off response cannot hide in a
/// client library's retries.
@Suite("anju serve as a process", .serialized, .timeLimit(.minutes(2)))
struct ServeProcessTests {
    /// An applicant status lookup: the request the load is made of.
    private static func lookup(_ city: ServeCity) -> LoopbackHTTP.Request {
        LoopbackHTTP.Request(path: "/v1/applicants/A1", headers: ["Authorization": "Bearer \(city.tokens["A1"]!)", "X-Applicant-Id": "A1"])
    }

    /// PostgreSQL stops (fast shutdown) under a load of status lookups and starts again:
    /// every answer while it is down is a 503 problem with a stable code, the liveness and
    /// readiness probes say so, and lookups succeed again without restarting anju.
    @Test func postgresStoppedAndRestartedUnderLoad() async throws {
        // A cluster of this test's own: stopping the shared test cluster would break every
        // suite running beside this one. Its socket port is outside TestDatabase's
        // 40000-59999, and its socket lives in its own folder anyway.
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("anju-serve-pg-\(getpid())-\(UUID().uuidString.prefix(8))")
        let cluster = PrivateCluster(
            folder: folder, port: 60_000 + Int(getpid() % 5_000),
            settings: ["fsync=off", "synchronous_commit=off", "full_page_writes=off"])
        defer {
            try? cluster.stop()
            try? FileManager.default.removeItem(at: folder)
        }
        let url = try await onOwnThread { () throws -> String in
            try cluster.start()
            try cluster.connect().query("CREATE DATABASE anju_serve")
            try Migrator(folder: TestDatabase.sqlFolder).migrate(try cluster.connect(database: "anju_serve"))
            return cluster.connectionURL(database: "anju_serve")
        }
        let city = try await ServeCity.prepare(databaseURL: url)
        let (server, port) = try await startReady(url, poolSize: 4)
        defer { server.stop() }

        let load = Load(port: port, clients: 6, keepAlive: false, request: Self.lookup(city))
        load.start()
        defer { load.halt() }
        try await Task.sleep(for: .milliseconds(700))
        let stopBegan = Monotonic.now
        try await onOwnThread { try cluster.stop() }
        let stopEnded = Monotonic.now
        // Down: the probes, while the load goes on.
        var probes: [String] = []
        let downUntil = ContinuousClock.now + .milliseconds(1_500)
        while ContinuousClock.now < downUntil {
            let (health, ready) = try await onOwnThread {
                (ProbeClient.request(port: port, LoopbackHTTP.Request(path: "/healthz")),
                 ProbeClient.request(port: port, LoopbackHTTP.Request(path: "/readyz")))
            }
            probes.append("healthz \(health.summary), readyz \(ready.summary)")
            #expect(health.reply?.status == 200, "/healthz while PostgreSQL is down: \(health.summary)")
            #expect(ready.reply?.status == 503, "/readyz while PostgreSQL is down: \(ready.summary)")
            #expect(ready.reply?.contentType == "application/problem+json" && ready.reply?.problemCode == "not_ready",
                    "/readyz while PostgreSQL is down: \(ready.summary)")
            try await Task.sleep(for: .milliseconds(250))
        }
        let startBegan = Monotonic.now
        try await onOwnThread { try cluster.start() }
        let startEnded = Monotonic.now
        // Back: a lookup succeeds again within a bound, with the same process.
        let recoveryLimit = 10.0
        var recovered: Double?
        while recovered == nil, Monotonic.seconds(from: startEnded, to: Monotonic.now) < recoveryLimit {
            if try await onOwnThread({ ProbeClient.request(port: port, Self.lookup(city)).reply?.status == 200 }) {
                recovered = Monotonic.seconds(from: startEnded, to: Monotonic.now)
            } else {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        try await Task.sleep(for: .milliseconds(700))
        let samples = try await load.stop()

        // Each lookup by when it ran, relative to the outage.
        func phase(_ s: Sample) -> String {
            if s.finished < stopBegan { return "before" }
            if s.started >= stopEnded && s.finished <= startBegan { return "down" }
            if s.started >= startEnded { return "after" }
            return "transition"
        }
        let byPhase = Dictionary(grouping: samples, by: phase)
        let report = Self.describe(byPhase, order: ["before", "transition", "down", "after"])
            + "; stop took \(Self.format(Monotonic.seconds(from: stopBegan, to: stopEnded))) s"
            + ", start \(Self.format(Monotonic.seconds(from: startBegan, to: startEnded))) s"
            + ", lookups succeeded again \(recovered.map { Self.format($0) + " s" } ?? "never") after the start"
            + "; first probes while down: \(probes.first ?? "none")"

        #expect(!samples.isEmpty && (byPhase["before"] ?? []).allSatisfy { $0.outcome.status == 200 }, "before the stop: \(report)")
        let down = byPhase["down"] ?? []
        #expect(down.count >= 10, "too few lookups while PostgreSQL was down to judge: \(report)")
        // Down: every answer a 503 problem with a stable code, never a 500, a reset or a hang.
        let notUnavailable = down.filter { $0.outcome.status != 503 }
        #expect(notUnavailable.isEmpty, "\(notUnavailable.count) lookups while down were not 503: \(report)")
        // A 503 tells the client when to try again.
        let withoutRetryAfter = samples.filter { sample in
            if case .reply(let reply) = sample.outcome { reply.status == 503 && reply.headers["retry-after"] == nil } else { false }
        }
        #expect(withoutRetryAfter.isEmpty, "\(withoutRetryAfter.count) 503s without Retry-After: \(report)")
        // Anything but a 200, in any phase: a 503 problem with a stable code, never a 500,
        // a reset, a cut-off answer or a timeout.
        let stableCodes: Set<String> = ["database_unavailable", "pool_timeout"]
        let badAnswers = samples.filter { sample in
            switch sample.outcome {
            case .reply(let reply) where reply.status == 200: false
            case .reply(let reply):
                !(reply.status == 503 && reply.contentType == "application/problem+json" && stableCodes.contains(reply.problemCode ?? ""))
            case .failed: true
            }
        }
        #expect(badAnswers.isEmpty,
                "\(badAnswers.count) lookups neither 200 nor a 503 problem with a stable code, e.g. \(badAnswers.prefix(3).map { "\(phase($0)): \($0.outcome)" }): \(report)")
        let slowest = samples.map(\.seconds).max() ?? 0
        #expect(slowest < 6, "a lookup took \(Self.format(slowest)) s (the pool waits at most 5 s): \(report)")
        // Back up: recovered without a restart, and every lookup after the first success is a 200.
        #expect(recovered != nil, "lookups did not succeed again within \(recoveryLimit) s of the restart: \(report)\n\(server.log.suffix(2_000))")
        if let recovered {
            let settled = startEnded + UInt64(recovered * 1e9)
            let afterRecovery = samples.filter { $0.started >= settled }
            #expect(!afterRecovery.isEmpty && afterRecovery.allSatisfy { $0.outcome.status == 200 },
                    "after recovering: \(Self.describe(["after": afterRecovery], order: ["after"])) — \(report)")
        }
        #expect(server.exitStatus() == nil, "anju serve (pid \(server.pid)) exited during the outage\n\(server.log.suffix(2_000))")
        #expect(Self.commandLine(of: server.pid).contains("serve"), "pid \(server.pid) is no longer anju serve")
        print("ServeProcessTests.postgresStoppedAndRestartedUnderLoad: \(report)")
    }

    /// SIGTERM (the service manager's stop) and SIGINT (Ctrl-C) with lookups in flight:
    /// every request sent before the signal gets its full answer, then anju exits 0 within
    /// a few seconds and nothing listens on the port any more.
    @Test(arguments: [SIGTERM, SIGINT])
    func signalFinishesAcceptedRequestsThenExitsZero(signal: Int32) async throws {
        let name = signal == SIGTERM ? "SIGTERM" : "SIGINT"
        let (connection, url) = try TestDatabase.migratedWithURL("serve_\(name.lowercased())")
        let city = try await ServeCity.prepare(databaseURL: url)
        // One connection for 24 clients: requests queue for it, so many are in flight at once.
        let (server, port) = try await startReady(url, poolSize: 1)
        defer { server.stop() }

        let load = Load(port: port, clients: 24, keepAlive: true, request: Self.lookup(city))
        load.start()
        defer { load.halt() }
        try await Task.sleep(for: .milliseconds(500))
        // Hold every lookup behind a table lock, so that at the signal each client's request
        // has long been read by the server and is waiting for the database: "accepted"
        // without doubt. (Without it, a request still in the kernel's buffer when the
        // server closes an idle keep-alive connection is reset: the race RFC 9112 §9.3.1
        // leaves to clients, who retry idempotent requests.)
        try connection.query("BEGIN")
        try connection.query("LOCK TABLE applicants IN ACCESS EXCLUSIVE MODE")
        try await Task.sleep(for: .milliseconds(500))
        let signalled = Monotonic.now
        kill(server.pid, signal)
        try await Task.sleep(for: .milliseconds(300))
        try connection.query("COMMIT")
        let exitLimit = 10.0
        var status: Int32?
        while status == nil, Monotonic.seconds(from: signalled, to: Monotonic.now) < exitLimit {
            status = server.exitStatus()
            if status == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        let exitSeconds = Monotonic.seconds(from: signalled, to: Monotonic.now)
        let samples = try await load.stop()
        let refusedAfterwards = try await onOwnThread { ProbeClient.request(port: port, LoopbackHTTP.Request(path: "/healthz")) }

        let beforeSignal = samples.filter { ($0.sent ?? .max) < signalled }
        let inFlight = beforeSignal.filter { $0.finished > signalled }
        let afterSignal = samples.filter { ($0.sent ?? .max) >= signalled }
        let report = Self.describe(["sent before": beforeSignal, "in flight at the signal": inFlight, "sent after": afterSignal],
                                   order: ["sent before", "in flight at the signal", "sent after"])
            + "; \(status.map { "exited \($0)" } ?? "still running") \(Self.format(exitSeconds)) s after the signal"

        #expect(inFlight.count == 24, "every client's request waits behind the lock at the \(name): \(report)")
        let unanswered = beforeSignal.filter { $0.outcome.status != 200 }
        #expect(unanswered.isEmpty, "\(unanswered.count) requests sent before \(name) got no 200 answer: \(report)")
        // After the signal the server may answer, close an idle connection or refuse one,
        // but it never cuts an answer short.
        let truncated = afterSignal.filter { if case .failed(.truncated) = $0.outcome { true } else { false } }
        #expect(truncated.isEmpty, "\(truncated.count) responses cut short after \(name): \(report)")
        #expect(status == 0, "anju serve after \(name): \(report)\n\(server.log.suffix(2_000))")
        #expect(exitSeconds < 5, "\(report)")
        #expect(refusedAfterwards.failure == .refused, "port \(port) after the exit: \(refusedAfterwards.summary)")
        #expect(server.log.contains("stopped"), "no graceful stop logged\n\(server.log.suffix(2_000))")
        print("ServeProcessTests.signal(\(name)): \(report)")
    }

    /// "before: 1200 × 200 | down: 340 × 503 database_unavailable …", with the slowest of each.
    private static func describe(_ groups: [String: [Sample]], order: [String]) -> String {
        order.map { name in
            let samples = groups[name] ?? []
            let counts = Dictionary(grouping: samples, by: { "\($0.outcome)" }).mapValues(\.count)
                .sorted { $0.value > $1.value }.map { "\($0.value) × \($0.key)" }.joined(separator: ", ")
            let slowest = samples.map(\.seconds).max() ?? 0
            return "\(name): \(samples.count)\(samples.isEmpty ? "" : " (\(counts); slowest \(format(slowest)) s)")"
        }.joined(separator: " | ")
    }

    /// Seconds to the millisecond.
    private static func format(_ seconds: Double) -> String { String(format: "%.3f", seconds) }

    /// The process's command line, "" once it is gone.
    private static func commandLine(of pid: pid_t) -> String {
        let bytes = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
        return String(decoding: bytes.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
    }

    /// `anju serve` for the city `ServeCity` prepares, logging at info (its "stopped"), once
    /// `/readyz` answers 200; stopped again if it never does.
    private func startReady(_ databaseURL: String, poolSize: Int) async throws -> (ServeProcess, port: Int) {
        let server = try ServeProcess(
            databaseURL: databaseURL, poolSize: poolSize, arguments: ["--city", "c1"], environment: ["LOG_LEVEL": "info"])
        do {
            let port = try await server.waitForPort(within: .seconds(60))
            try await waitUntil("/readyz answers 200", within: .seconds(15), server: server) {
                ProbeClient.request(port: port, LoopbackHTTP.Request(path: "/readyz")).reply?.status == 200
            }
            return (server, port)
        } catch {
            server.stop()
            throw error
        }
    }

    /// Polls `condition` (blocking, off the cooperative pool) until it holds; fails with
    /// `what` and the server's log when `limit` passes or the server exits first.
    private func waitUntil(
        _ what: String, within limit: Duration, server: ServeProcess, _ condition: @escaping @Sendable () -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try await onOwnThread(condition) { return }
            if let status = server.exitStatus() {
                throw ServeProcessError("anju serve exited with \(status) while waiting until \(what)\n\(server.log)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServeProcessError("not within \(limit): \(what)\n\(server.log.suffix(3_000))")
    }
}

// MARK: - The city

/// A small city imported through the CLI (projects, two apartments, three applicants), a
/// round run, and tokens for A1 and A2: what the lookups need.
private struct ServeCity {
    let tokens: [String: String]

    static func prepare(databaseURL: String) async throws -> ServeCity {
        let scratch = try ScratchFolder()
        let files = [
            "projects.csv": """
                project_id,name,district,lat,lon,programme
                P1,人民广场公寓,Huangpu,31.2304,121.4737,general
                P2,Putuo Court,Putuo,31.2494,121.3970,general

                """,
            "slots.csv": """
                slot_id,project_id,kind,room_id,max_household,rent,gender,accessible,status,reserved_employer_id
                S1,P1,apartment,,3,2000,any,false,available,
                S2,P2,apartment,,3,1800,any,false,available,

                """,
            "applicants.csv": """
                applicant_id,category,household_size,gender,birth_date,monthly_income,work_lat,work_lon,work_district,max_commute_min,max_rent,needs_accessible,priority_points,employer_id,applied_at
                A1,general,1,female,1995-03-01,8000,31.2300,121.4700,Huangpu,60,,false,0,,
                A2,general,1,male,1994-03-01,8000,31.2300,121.4700,Huangpu,60,,false,0,,
                A3,general,1,female,1993-03-01,8000,31.2300,121.4700,Huangpu,60,,false,0,,

                """,
            "policy.json": #"{"round_date": "2026-12-01", "seed": "serve tests"}"#,
        ]
        for (name, text) in files { try Files.write(Array(text.utf8), to: scratch.path(name)) }
        let environment = ["DATABASE_URL": databaseURL, "ANJU_CITY": "c1", "ANJU_ACTOR": "test:serve"]
        let steps = [
            ["import", "projects", scratch.path("projects.csv")],
            ["import", "slots", scratch.path("slots.csv")],
            ["import", "applicants", scratch.path("applicants.csv")],
            ["round", "create", "--policy", scratch.path("policy.json"), "--id", "R1"],
            ["round", "run", "R1", "--quiet"],
            ["tokens", "issue", "--applicants", "A1,A2", "--out", scratch.path("tokens.csv")],
        ]
        for step in steps {
            let run = try await Anju.run(step, environment: environment)
            guard run.status == 0 else { throw ServeProcessError("anju \(step.joined(separator: " ")): \(run)") }
        }
        var tokens: [String: String] = [:]
        for line in try String(contentsOfFile: scratch.path("tokens.csv"), encoding: .utf8).split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",")
            if fields.count == 2 { tokens[String(fields[0])] = String(fields[1]) }
        }
        guard tokens["A1"] != nil else { throw ServeProcessError("tokens.csv has no token for A1") }
        return ServeCity(tokens: tokens)
    }
}
