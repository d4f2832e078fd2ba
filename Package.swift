// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Anju",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "anju", targets: ["anju"])
    ],
    dependencies: [
        // Subcommands, options and usage errors (exit 64) for the one `anju` executable.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // SHA-256 for lottery numbers and input digests (the contract fixes SHA-256).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // `anju serve`: the HTTP server (NIO-based router, service lifecycle, graceful shutdown)
        // and HummingbirdTesting to drive the real application in tests.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Structured request logs for `anju serve` (Hummingbird's own logging API).
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // NIOThreadPool: the dedicated threads `anju serve` runs blocking libpq calls on, so
        // none ever runs on an event loop (already resolved through Hummingbird).
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        // The connection pool is a `Service` in the application's service group, so SIGTERM
        // stops the server first and the pool after it (already resolved through Hummingbird).
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Request, pool and round metrics are recorded through the swift-metrics API (already
        // resolved through Hummingbird), into a registry the application owns.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        // `/metrics`: that registry in the Prometheus text format (no hand-written exposition).
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Tests only: parse openapi.yaml to compare its paths and methods with the router's.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // Pure engine: model, eligibility, commute, lottery, mechanisms, explanations.
        .target(
            name: "Allocation",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // The file contract: CSV/JSON parsing, validation diagnostics, result writers.
        .target(
            name: "AllocationFiles",
            dependencies: ["Allocation", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Synthetic Shanghai-like cities for demos, tests and benchmarks.
        .target(name: "CityGenerator"),
        // Starting child processes with clean signal state, and a raw loopback HTTP/1.1 client:
        // how the benchmarks and the tests drive `anju serve` from outside.
        .target(name: "Harness"),
        // `anju bench`: end-to-end timing and peak RSS against peer tools.
        .target(
            name: "AnjuBenchmarks",
            dependencies: ["Allocation", "AllocationFiles", "CityGenerator", "Harness", "Postgres", "Store", "Notifications"]
        ),
        // libpq, as SwiftPM sees it (Debian: apt install libpq-dev pkg-config).
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // libcurl, as SwiftPM sees it (Debian: apt install libcurl4-openssl-dev): the notification
        // sender's SMTP and HTTPS client. A C library, so it adds nothing to Swift build time.
        .systemLibrary(name: "CLibCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // A small blocking Swift layer over libpq, the private test/dev cluster and migrations.
        .target(name: "Postgres", dependencies: ["CLibPQ"]),
        // A city's data in PostgreSQL: import, rounds, offers, inventory, audit.
        // Crypto: HMAC-SHA256 of identity numbers under a key kept outside the database.
        .target(
            name: "Store",
            dependencies: ["Postgres", "Allocation", "AllocationFiles", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Delivering the outbox: message texts in zh-CN and en, SMTP and webhook over libcurl,
        // the sender loop with leases, backoff and per-applicant order.
        .target(name: "Notifications", dependencies: ["Store", "Postgres", "CLibCurl"]),
        // The self-contained HTML report of a round (inline SVG, no scripts).
        .target(name: "RoundReport", dependencies: ["Allocation"]),
        // What tests share that needs no database: seeded random numbers, a locked box, a thread
        // of one's own for blocking work, an independent CSV reader.
        .target(name: "TestSupport"),
        // One private PostgreSQL cluster per test process, a database per test.
        .target(name: "PostgresTestSupport", dependencies: ["Postgres"]),
        // `anju serve`: HTTP routes for applicants, operators and the bureau over the Store,
        // a bounded pool of blocking connections run off the event loops, problem responses.
        // Its OpenAPI document, openapi.yaml, is compiled in by the EmbedOpenAPIDocument plugin.
        .target(
            name: "AnjuServer",
            dependencies: [
                "Store", "Postgres", "Allocation", "AllocationFiles", "RoundReport", "Notifications",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            exclude: ["openapi.yaml"],
            plugins: ["EmbedOpenAPIDocument"]
        ),
        // Build tool: a text file as a Swift string literal (run by EmbedOpenAPIDocument).
        .executableTarget(name: "EmbedText"),
        // Compiles Sources/AnjuServer/openapi.yaml into the server, so `anju` serves it with
        // no file beside the binary (the image and the systemd unit install the binary alone).
        // Under Sources/: the project keeps no other top-level folders.
        .plugin(
            name: "EmbedOpenAPIDocument", capability: .buildTool(), dependencies: ["EmbedText"],
            path: "Sources/EmbedOpenAPIDocument"),
        // The subcommands, as a library so tests can drive them.
        .target(
            name: "AnjuCLI",
            dependencies: [
                "Allocation", "AllocationFiles", "CityGenerator", "AnjuBenchmarks", "Postgres", "Store", "RoundReport",
                "AnjuServer", "Notifications",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "anju", dependencies: ["AnjuCLI"]),
        // libFuzzer targets over the CSV and JSON readers and the whole solve path
        // (Tests/fuzz/run-fuzz.sh); built plainly, it replays a corpus or a crash.
        .executableTarget(name: "AnjuFuzz", dependencies: ["Allocation", "AllocationFiles", "Store"]),
        .testTarget(name: "AllocationTests", dependencies: ["Allocation", "TestSupport"]),
        .testTarget(name: "AllocationFilesTests", dependencies: ["AllocationFiles", "Allocation"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "PostgresTestSupport", "TestSupport"]),
        .testTarget(
            name: "StoreTests",
            dependencies: [
                "Store", "Postgres", "PostgresTestSupport", "TestSupport", "Allocation", "AllocationFiles", "CityGenerator",
            ]
        ),
        .testTarget(
            name: "AnjuServerTests",
            dependencies: [
                "AnjuServer", "Store", "Postgres", "PostgresTestSupport", "TestSupport", "Allocation", "AllocationFiles",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(
            name: "NotificationsTests",
            dependencies: ["Notifications", "Store", "Postgres", "PostgresTestSupport", "Harness", "TestSupport"]
        ),
        .testTarget(name: "RoundReportTests", dependencies: ["RoundReport", "Allocation", "TestSupport"]),
        .testTarget(
            name: "AnjuCLITests",
            dependencies: [
                "AnjuCLI", "AllocationFiles", "Allocation", "CityGenerator", "Harness", "Postgres", "PostgresTestSupport", "Store",
                "TestSupport",
            ]
        ),
        .testTarget(name: "HarnessTests", dependencies: ["Harness", "TestSupport"]),
        .testTarget(name: "CityGeneratorTests", dependencies: ["CityGenerator", "AllocationFiles", "TestSupport"]),
        .testTarget(
            name: "AnjuBenchmarksTests",
            dependencies: ["AnjuBenchmarks", "Harness", "Postgres", "PostgresTestSupport", "Store"]
        ),
    ]
)
