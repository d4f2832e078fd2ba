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
        // `anju bench`: end-to-end timing and peak RSS against peer tools.
        .target(name: "AnjuBenchmarks", dependencies: ["Allocation", "AllocationFiles", "CityGenerator", "Postgres"]),
        // libpq, as SwiftPM sees it (Debian: apt install libpq-dev pkg-config).
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // A small blocking Swift layer over libpq, the private test/dev cluster and migrations.
        .target(name: "Postgres", dependencies: ["CLibPQ"]),
        // A city's data in PostgreSQL: import, rounds, offers, inventory, audit.
        .target(name: "Store", dependencies: ["Postgres", "Allocation", "AllocationFiles"]),
        // The self-contained HTML report of a round (inline SVG, no scripts).
        .target(name: "RoundReport", dependencies: ["Allocation"]),
        // One private PostgreSQL cluster per test process, a database per test.
        .target(name: "PostgresTestSupport", dependencies: ["Postgres"]),
        // The subcommands, as a library so tests can drive them.
        .target(
            name: "AnjuCLI",
            dependencies: [
                "Allocation", "AllocationFiles", "CityGenerator", "AnjuBenchmarks", "Postgres", "Store", "RoundReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "anju", dependencies: ["AnjuCLI"]),
        .testTarget(name: "AllocationTests", dependencies: ["Allocation"]),
        .testTarget(name: "AllocationFilesTests", dependencies: ["AllocationFiles", "Allocation"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "PostgresTestSupport"]),
        .testTarget(
            name: "StoreTests",
            dependencies: ["Store", "Postgres", "PostgresTestSupport", "Allocation", "AllocationFiles", "CityGenerator"]
        ),
        .testTarget(name: "RoundReportTests", dependencies: ["RoundReport", "Allocation"]),
        .testTarget(
            name: "AnjuCLITests",
            dependencies: ["AnjuCLI", "AllocationFiles", "Allocation", "CityGenerator", "Postgres", "PostgresTestSupport"]
        ),
    ]
)
