// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "connects",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "connects", targets: ["connects"]),
        .library(name: "ConnectsCore", targets: ["ConnectsCore"]),
        .library(name: "ConnectsStore", targets: ["ConnectsStore"]),
        .library(name: "ConnectsServer", targets: ["ConnectsServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.90.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        // Only the generated-client test: an integrator's client made from /openapi.json.
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client.git", from: "1.5.0"),
    ],
    targets: [
        // Pure domain: amounts, lots, entries, holds, decisions. No I/O.
        .target(name: "ConnectsCore", swiftSettings: swiftSettings),
        // SQLite's process-wide settings, which only C can make (`sqlite3_config` is variadic).
        .target(
            name: "CSQLiteConfiguration",
            dependencies: [.product(name: "GRDBSQLite", package: "GRDB.swift")],
            linkerSettings: [.linkedLibrary("sqlite3")]
        ),
        // The persistence boundary: SQLite (GRDB) store, migrations, idempotency records, verify.
        .target(
            name: "ConnectsStore",
            dependencies: [
                "ConnectsCore",
                "CSQLiteConfiguration",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // SVG charts drawn by the project, for the web pages and the simulator's report.
        .target(name: "ConnectsCharts", swiftSettings: swiftSettings),
        // The economy simulator: a synthetic marketplace run on the real core and store.
        .target(
            name: "ConnectsSimulator",
            dependencies: ["ConnectsCore", "ConnectsStore", "ConnectsCharts"],
            swiftSettings: swiftSettings
        ),
        // The Hummingbird 2 application: JSON API, auth, metrics, OpenAPI document.
        .target(
            name: "ConnectsServer",
            dependencies: [
                "ConnectsCore",
                "ConnectsStore",
                "ConnectsCharts",
                "ConnectsSimulator",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
            ],
            resources: [.copy("Resources/openapi.json"), .copy("Resources/pages")],
            swiftSettings: swiftSettings
        ),
        // The benchmark harness behind `connects bench`: a load generator and in-process figures.
        .target(
            name: "ConnectsBench",
            dependencies: [
                "ConnectsCore",
                "ConnectsStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/ConnectsBench",
            swiftSettings: swiftSettings
        ),
        // The thin command-line front end.
        .executableTarget(
            name: "connects",
            dependencies: [
                "ConnectsCore",
                "ConnectsStore",
                "ConnectsServer",
                "ConnectsSimulator",
                "ConnectsBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // Fresh SQLite and PostgreSQL databases for the store and scenario suites.
        .target(
            name: "ConnectsTestSupport",
            dependencies: [
                "ConnectsStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/ConnectsTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConnectsCoreTests",
            dependencies: [
                "ConnectsCore",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConnectsStoreTests",
            dependencies: [
                "ConnectsCore",
                "ConnectsStore",
                "ConnectsTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConnectsServerTests",
            dependencies: [
                "ConnectsCore",
                "ConnectsStore",
                "ConnectsServer",
                "ConnectsSimulator",
                "ConnectsTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            // Databases made by earlier versions, which `MigrationTests` upgrades.
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        // A Swift client generated by swift-openapi-generator from the served document (a link to
        // Sources/ConnectsServer/Resources/openapi.json), driving a `connects serve` process as an
        // integrator's code would: it knows Connects only through the document.
        .testTarget(
            name: "ConnectsClientTests",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                "ConnectsTestSupport",
            ],
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .testTarget(
            name: "ConnectsSimulatorTests",
            dependencies: [
                "ConnectsCore", "ConnectsStore", "ConnectsSimulator", .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
