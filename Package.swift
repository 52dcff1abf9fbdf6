// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "switchboard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "switchboard", targets: ["switchboard"]),
        .library(name: "XMPP", targets: ["XMPP"]),
        .library(name: "Redis", targets: ["Redis"]),
        .library(name: "Routing", targets: ["Routing"]),
        // Workflow, Web and Stats are products for the fuzz targets (Fuzz/), a package of their own.
        .library(name: "Workflow", targets: ["Workflow"]),
        .library(name: "Web", targets: ["Web"]),
        .library(name: "Stats", targets: ["Stats"]),
        .library(name: "SwitchboardTesting", targets: ["SwitchboardTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
    ],
    targets: [
        // Debian's C libraries, wrapped thinly (module.modulemap + shim.h).
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),

        // Backoff for links that reconnect by themselves (XMPP component, Redis).
        .target(name: "Reconnect", swiftSettings: swiftSettings),

        // The XML stream, stanza model, component (XEP-0114) and client (c2s) links.
        .target(
            name: "XMPP",
            dependencies: [
                "CLibXML2", "COpenSSL", "Reconnect",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // A Redis client: hiredis's reply reader inside a SwiftNIO channel.
        .target(
            name: "Redis",
            dependencies: [
                "CHiredis", "Reconnect",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Workflow files (YAML): queues, agents, canned replies, connection settings, and their checks.
        .target(
            name: "Workflow",
            dependencies: ["XMPP", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // The routing engine: chats, queues and agents in Redis, changed only by atomic Lua scripts.
        .target(
            name: "Routing",
            dependencies: [
                "Redis", "XMPP", "Workflow",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // HTML escaping, shared by the web widget's server and the stats dashboard.
        .target(name: "HTML", swiftSettings: swiftSettings),
        // The stats service: applies routing events to aggregates in Redis, serves the API, metrics and dashboard.
        .target(
            name: "Stats",
            dependencies: [
                "Redis", "Routing", "Workflow", "HTML",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The agent console: a pure screen model, a terminal layer, key decoding, and the agent's XMPP session.
        .target(
            name: "Console",
            dependencies: ["XMPP", "Reconnect", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // Web visitors: the demo page, the embeddable widget and its WebSocket, over the routing store.
        .target(
            name: "Web",
            dependencies: [
                "Routing", "Redis", "Workflow", "XMPP", "HTML",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Assets")],
            swiftSettings: swiftSettings
        ),
        // The test kit: starts real redis-server and Prosody processes on free ports; a WebSocket client for the widget's protocol.
        .target(
            name: "SwitchboardTesting",
            dependencies: [
                "XMPP", "Reconnect",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The load generator of `switchboard bench`: XMPP visitors and agents, the floor component, /proc readings.
        .target(
            name: "Bench",
            dependencies: [
                "XMPP", "Redis", "Routing", "SwitchboardTesting",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "switchboard",
            dependencies: [
                "XMPP", "Redis", "Workflow", "Routing", "Stats", "Bench", "Console", "Web",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        .testTarget(
            name: "XMPPTests",
            dependencies: [
                "XMPP", "Reconnect", "SwitchboardTesting",
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RedisTests",
            dependencies: [
                "Redis", "Reconnect", "SwitchboardTesting",
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RoutingTests",
            dependencies: ["Routing", "Redis", "XMPP", "Workflow", "SwitchboardTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StatsTests",
            dependencies: ["Stats", "Routing", "Redis", "XMPP", "Workflow", "SwitchboardTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WebTests",
            dependencies: [
                "Web", "Routing", "Redis", "XMPP", "Workflow", "SwitchboardTesting",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WorkflowTests",
            dependencies: ["Workflow", "SwitchboardTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BenchTests",
            dependencies: ["Bench", "switchboard", "SwitchboardTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConsoleTests",
            dependencies: ["Console", "XMPP"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardTests",
            dependencies: ["switchboard", "SwitchboardTesting"],
            swiftSettings: swiftSettings
        ),
    ]
)
