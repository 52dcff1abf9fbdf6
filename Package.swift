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
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Debian's C libraries, wrapped thinly (module.modulemap + shim.h).
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),

        // Backoff for links that reconnect by themselves (XMPP component, Redis).
        .target(name: "Reconnect", swiftSettings: swiftSettings),

        // TLS through OpenSSL in a SwiftNIO pipeline: the console's STARTTLS, the component link, rediss://.
        .target(
            name: "TLS",
            dependencies: [
                "COpenSSL",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The XML stream, stanza model, component (XEP-0114) and client (c2s) links.
        .target(
            name: "XMPP",
            dependencies: [
                "CLibXML2", "COpenSSL", "TLS", "Reconnect",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // A Redis client: hiredis's reply reader inside a SwiftNIO channel.
        .target(
            name: "Redis",
            dependencies: [
                "CHiredis", "TLS", "Reconnect",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // What the router and agents' consoles agree on: chat addresses and the events beside notices.
        .target(name: "AgentProtocol", dependencies: ["XMPP"], swiftSettings: swiftSettings),
        // Workflow files (YAML): queues, agents, canned replies, connection settings, and their checks.
        .target(
            name: "Workflow",
            dependencies: ["XMPP", "AgentProtocol", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // Turns a target's `Lua/*.lua` scripts (includes inlined) into Swift constants at build time,
        // so the binary carries them with no resource folder beside it.
        .executableTarget(name: "LuaAssembler"),
        .plugin(name: "EmbedLuaScripts", capability: .buildTool(), dependencies: ["LuaAssembler"]),
        // The routing key schema, chat states and event types, shared by the router and the stats service.
        .target(name: "RoutingSchema", swiftSettings: swiftSettings),
        // The routing engine: chats, queues and agents in Redis, changed only by atomic Lua scripts (`Lua/`).
        .target(
            name: "Routing",
            dependencies: [
                "Redis", "XMPP", "Workflow", "RoutingSchema", "AgentProtocol",
                // A queue's bot is asked over HTTP, as webhooks are delivered.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Lua"],
            swiftSettings: swiftSettings,
            plugins: ["EmbedLuaScripts"]
        ),
        // HTML escaping, shared by the web widget's server and the stats dashboard.
        .target(name: "HTML", swiftSettings: swiftSettings),
        // The stats service: applies routing events to aggregates in Redis, serves the API, metrics and dashboard.
        .target(
            name: "Stats",
            dependencies: [
                "Redis", "RoutingSchema", "Workflow", "HTML",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Lua"],
            swiftSettings: swiftSettings,
            plugins: ["EmbedLuaScripts"]
        ),
        // Signed webhooks: a consumer group on the routing events that POSTs them, in order per chat, with retries and a dead-letter list.
        .target(
            name: "Webhooks",
            dependencies: [
                "Redis", "RoutingSchema", "Workflow", "XMPP",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The agent console: a pure screen model, a terminal layer, key decoding, and the agent's XMPP session.
        .target(
            name: "Console",
            dependencies: ["XMPP", "AgentProtocol", "Reconnect", .product(name: "Logging", package: "swift-log")],
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
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // Embedded in the binary when it is built: nothing to ship beside it, no bundle to find.
            resources: [.embedInCode("Assets/demo.html"), .embedInCode("Assets/widget.js"), .embedInCode("Assets/widget.css")],
            swiftSettings: swiftSettings
        ),
        // Local services: child processes, free ports, throwaway redis-server, Prosody and ejabberd (their configs
        // built in) in a run directory the caller chooses. For the bench and the tests; no source tree needed.
        .target(
            name: "LocalServices",
            dependencies: ["XMPP", "Reconnect"],
            resources: [.embedInCode("prosody.cfg.lua"), .embedInCode("ejabberd.yml")],
            swiftSettings: swiftSettings
        ),
        // A WebSocket client for the web widget's protocol: the bench's web visitors and the web service's tests.
        .target(
            name: "WidgetClient",
            dependencies: [
                "LocalServices",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The test kit: LocalServices in .run/tests, the built binary, bounded waits; tests only, never the product.
        .target(
            name: "SwitchboardTesting",
            dependencies: ["LocalServices", "WidgetClient", "XMPP"],
            swiftSettings: swiftSettings
        ),
        // The routing tests' kit: a live router (in-process) on real Prosody and Redis, for the routing and console tests.
        .target(
            name: "RoutingTesting",
            dependencies: ["Routing", "Redis", "XMPP", "Workflow", "SwitchboardTesting", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // The load generator of `switchboard bench`: XMPP visitors and agents, the floor component, /proc readings.
        .target(
            name: "Bench",
            dependencies: [
                "XMPP", "Redis", "Routing", "AgentProtocol", "LocalServices", "WidgetClient",
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
                "XMPP", "TLS", "Redis", "Workflow", "Routing", "Stats", "Bench", "Console", "Web", "Webhooks", "LocalServices",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
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
                "XMPP", "TLS", "Reconnect", "SwitchboardTesting",
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RedisTests",
            dependencies: [
                "Redis", "TLS", "Reconnect", "SwitchboardTesting",
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ],
            exclude: ["Lua"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RoutingTests",
            dependencies: [
                "Routing", "Redis", "XMPP", "Workflow", "AgentProtocol", "Console", "SwitchboardTesting", "RoutingTesting",
                // A queue's bot, in the test process (`BotServer`).
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        // The processes' own runtime metrics with a real Prometheus, and the alert rules with promtool.
        .testTarget(
            name: "MetricsTests",
            dependencies: ["XMPP", "LocalServices", "SwitchboardTesting", .product(name: "Logging", package: "swift-log")],
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
            name: "WebhooksTests",
            dependencies: [
                "Webhooks", "Redis", "RoutingSchema", "Workflow", "XMPP", "SwitchboardTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
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
        .testTarget(name: "LuaAssemblerTests", dependencies: ["LuaAssembler"], swiftSettings: swiftSettings),
        .testTarget(
            name: "AgentProtocolTests",
            dependencies: ["AgentProtocol", "XMPP"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConsoleTests",
            dependencies: ["Console", "XMPP", "AgentProtocol", "Routing", "SwitchboardTesting", "RoutingTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LocalServicesTests",
            dependencies: ["LocalServices", "SwitchboardTesting"],
            swiftSettings: swiftSettings
        ),
        // The command line as a user runs it: the built `switchboard` in a process of its own.
        .testTarget(
            name: "CLITests",
            dependencies: ["switchboard", "SwitchboardTesting"],
            swiftSettings: swiftSettings
        ),
    ]
)
