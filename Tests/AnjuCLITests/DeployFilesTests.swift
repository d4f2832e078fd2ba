import Foundation
import PostgresTestSupport
import Testing

/// The files in deploy/ (Dockerfile, compose.yaml, anju.service, nginx/anju.conf), checked as
/// far as a machine without a Docker engine can: `Tests/deploy/check-deploy-files.sh` runs the
/// static rules, `systemd-analyze verify`, `nginx -t`, and, given a running `anju serve`,
/// nginx in front of it and the image's HEALTHCHECK command against it.
@Suite(.timeLimit(.minutes(2)))
struct DeployFilesTests {
    /// The repository, three folders above this file.
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let script = "Tests/deploy/check-deploy-files.sh"
    static let bash = URL(fileURLWithPath: "/bin/bash")

    /// Every check passes with the real `anju serve` behind the real nginx config, and the
    /// server stops with status 0 on SIGTERM within the unit's and compose's grace period.
    @Test func deployFilesPassEveryCheckInFrontOfARunningServer() async throws {
        let (_, url) = try TestDatabase.migratedWithURL("deploy")
        let server = try ServeProcess(databaseURL: url, poolSize: 2)
        defer { server.stop() }
        let port = try await server.waitForPort(within: .seconds(60))

        let run = try await ProcessRun.run(
            Self.bash, [Self.repository.appendingPathComponent(Self.script).path, "--upstream", "127.0.0.1:\(port)"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("ok: Dockerfile"), "\(run)")
        #expect(run.stdout.contains("ok: compose.yaml"), "\(run)")
        #expect(run.stdout.contains("ok: the Dockerfile's HEALTHCHECK command succeeds against anju serve"), "\(run)")
        #expect(run.stdout.contains("ok: the HEALTHCHECK command fails with nothing listening"), "\(run)")
        if run.stdout.contains("ok: nginx -t accepts") {
            // nginx was found or fetched: the live proxy checks must all have run.
            for check in ["redirects to https://", "reaches anju, with HSTS", "is a 413 problem", "reaches anju (its 401",
                          "/metrics is hidden", "no Authorization, X-Applicant-Id or query", "anju down is a 503 problem"] {
                #expect(run.stdout.contains(check), "missing \(check)\n\(run)")
            }
        }

        // anju.service (TimeoutStopSec=30s) and compose.yaml (stop_grace_period: 30s) rely on
        // a graceful exit on SIGTERM.
        let status = try await server.terminate(within: .seconds(15))
        #expect(status == 0, "anju serve exited \(String(describing: status)) after SIGTERM\n\(server.log)")
    }

    /// The checks can fail: a copy of the files with one mistake each is refused, and each
    /// mistake is named.
    @Test func brokenDeployFilesAreRefusedWithEveryMistakeNamed() async throws {
        let copy = try ScratchFolder()
        for path in ["deploy", ".dockerignore", "Tests/deploy", "Sources/AnjuServer/ServerConfiguration.swift"] {
            let target = URL(fileURLWithPath: copy.path(path))
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Self.repository.appendingPathComponent(path), to: target)
        }
        try edit(copy.path("deploy/Dockerfile"), "USER anju:anju", "USER root")
        try edit(copy.path("deploy/Dockerfile"), "--static-swift-stdlib ", "")
        try edit(copy.path("deploy/Dockerfile"), "libpq5 ca-certificates", "libpq5 curl ca-certificates")
        try edit(copy.path(".dockerignore"), "\n.git\n", "\n")
        try edit(
            copy.path("deploy/compose.yaml"),
            "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in deploy/.env or the environment}",
            "      POSTGRES_PASSWORD: hunter2")
        try edit(copy.path("deploy/compose.yaml"), "service_completed_successfully", "service_started")
        try edit(copy.path("deploy/compose.yaml"), "127.0.0.1:8080}:8080", "0.0.0.0:8080}:8080")
        try edit(copy.path("deploy/anju.service"), "ProtectSystem=strict\n", "ProtectSytem=strict\n")
        try edit(copy.path("deploy/nginx/anju.conf"), "'\"$http_user_agent\"';", "'\"$http_user_agent\" $http_authorization';")
        try edit(copy.path("deploy/nginx/anju.conf"), "client_max_body_size 64k;", "client_max_body_size 1m;")
        try edit(copy.path("deploy/nginx/anju.conf"), "proxy_pass http://anju_backend;", "proxy_pass http://anju_backend")

        // The copy reuses the nginx the repository's checks unpacked, instead of fetching it again.
        let tools = Self.repository.appendingPathComponent(".build/deploy-tools").path
        let run = try await ProcessRun.run(Self.bash, [copy.path(Self.script)], environment: ["ANJU_DEPLOY_TOOLS": tools])
        #expect(run.status == 1, "\(run)")
        let expected = [
            "the final stage runs as root",
            "the build stage does not run anything with '--static-swift-stdlib'",
            "the runtime stage installs curl",
            ".dockerignore does not exclude .git",
            "POSTGRES_PASSWORD: 'hunter2' is not ${POSTGRES_PASSWORD:?...}",
            "anju does not wait for migrate to complete successfully",
            "publish on 127.0.0.1 only",
            "anju.service: no line ProtectSystem=strict",
            "the log format logs $http_authorization",
            "client_max_body_size 1m (1048576 bytes) differs from anju's maxBodyBytes (65536)",
        ]
        for message in expected {
            #expect(run.stderr.contains(message), "not reported: \(message)\n\(run)")
        }
        if which("systemd-analyze") {
            #expect(run.stderr.contains("Unknown key 'ProtectSytem'"), "\(run)")
        }
        if !run.stderr.contains("SKIP: nginx -t") {
            #expect(run.stderr.contains("FAIL: nginx -t:"), "the missing semicolon was not caught\n\(run)")
        }
    }

    /// Replaces `old` (which must occur) by `new` in the file at `path`.
    private func edit(_ path: String, _ old: String, _ new: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(old), "\(path) no longer contains \(old.debugDescription); update this test")
        try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
    }

    private func which(_ program: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(program)")
        }
    }
}
