// swift-tools-version: 6.1
// libFuzzer targets for what Switchboard reads from outside. Kept out of the main package so that
// `swift build` and Scripts/test never need the sanitizer: Scripts/fuzz builds this package with
// `-sanitize=fuzzer,address` in its own scratch path (.build-fuzz) and runs the targets.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

/// One executable per input format; its main.swift hands its test to libFuzzer (FuzzDriver).
func fuzzTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(name: name, dependencies: ["FuzzDriver"] + dependencies, swiftSettings: swiftSettings)
}

let package = Package(
    name: "switchboard-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "switchboard", path: ".."),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
    ],
    targets: [
        // Runs libFuzzer's driver: SwiftPM's renamed `main` and libFuzzer's cannot both be used.
        .target(name: "FuzzDriver", swiftSettings: swiftSettings),
        fuzzTarget("FuzzXMLStream", [.product(name: "XMPP", package: "switchboard")]),
        fuzzTarget("FuzzJID", [.product(name: "XMPP", package: "switchboard")]),
        fuzzTarget("FuzzRESPReply", [
            .product(name: "Redis", package: "switchboard"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        fuzzTarget("FuzzWebFrame", [.product(name: "Web", package: "switchboard")]),
        fuzzTarget("FuzzWorkflow", [.product(name: "Workflow", package: "switchboard")]),
        fuzzTarget("FuzzDuration", [.product(name: "Workflow", package: "switchboard")]),
        fuzzTarget("FuzzStatsQuery", [
            .product(name: "Stats", package: "switchboard"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
        ]),
    ]
)
