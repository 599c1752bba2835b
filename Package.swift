// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "plenar-ci",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "plenar", targets: ["plenar"]),
        .executable(name: "plenar-sandbox", targets: ["plenar-sandbox"]),
        .library(name: "PlenarSandbox", targets: ["PlenarSandbox"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", exact: "0.12.1"),
        // Already in Hummingbird's graph; named for the modules the sandbox imports directly.
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", exact: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        // Workflow and action files for plenar-dry-run only; never a dependency of PlenarKit or plenar.
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
    ],
    targets: [
        // Wire contract shared by the CLI and the sandbox: FoundationEssentials only, no server code.
        .target(name: "PlenarAPI"),
        // The one JSON(C) reader and JSON string escaping, for PlenarKit and DryRun: the standard library only.
        .target(name: "JSONText"),
        // libcurl, loaded with dlopen on the first request; its few types and numbers are declared in the target, so no curl.h is needed.
        .target(name: "CCurl"),
        // pipe2, posix_spawn set-up and the signal handler behind `plenar run`, which Swift cannot express.
        .target(name: "CPosix"),
        // The one POSIX layer (Glibc, Musl or Darwin): fd I/O, atomic file replacement, spawn and
        // wait, PATH lookup, threads. The C library and CPosix only, so `plenar` stays small.
        .target(name: "Platform", dependencies: ["CPosix"]),
        // Everything the CLI decides and does. FoundationEssentials and libcurl only: no server framework.
        .target(name: "PlenarKit", dependencies: ["PlenarAPI", "JSONText", "CCurl", "CPosix", "Platform"]),
        .executableTarget(
            name: "plenar",
            dependencies: [
                "Platform",
                "PlenarKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "PlenarSandbox",
            dependencies: [
                "PlenarAPI",
                "Platform",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "plenar-sandbox",
            dependencies: [
                "Platform",
                "PlenarSandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Development tool behind scripts/bench; not shipped.
        .executableTarget(
            name: "plenar-bench",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Development tool behind scripts/local-run (and scripts/dry-run): runs GitHub Actions workflows locally; not shipped.
        // Crypto for hashFiles()' SHA-256.
        .target(
            name: "DryRun",
            dependencies: [
                "JSONText", "Platform", .product(name: "Yams", package: "Yams"), .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "plenar-dry-run",
            dependencies: [
                "DryRun",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "PlenarTests",
            dependencies: [
                "JSONText",
                "Platform",
                "PlenarSandbox",
                "plenar-sandbox",
                "PlenarKit",
                "plenar",
                "DryRun",
                "plenar-dry-run",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            exclude: ["Golden", "DryRun/Workflows"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
