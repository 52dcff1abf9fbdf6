// swift-tools-version: 6.1
import PackageDescription

// Package benchmarks of Switchboard's hot paths (ordo-one/benchmark), in a package of their own
// so the main build and CI do not build the benchmark tool:
//
//   cd Benchmarks && swift package benchmark
//
// Every executable target in this folder is a benchmark suite.
let package = Package(
    name: "SwitchboardBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "switchboard", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "HotPaths",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "XMPP", package: "switchboard"),
                .product(name: "Redis", package: "switchboard"),
                .product(name: "Routing", package: "switchboard"),
                .product(name: "SwitchboardTesting", package: "switchboard"),
            ],
            path: "HotPaths",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
