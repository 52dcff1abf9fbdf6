import Logging
import Redis
import Routing
import ServiceLifecycle
import SwitchboardTesting
import Synchronization
import Web
import Workflow
import XMPP

/// Everything a web visitor meets, for real: Prosody, Redis, the router and its web service on
/// free ports, with agents as XMPP clients.
final class WebHarness: Sendable {
    let prosody: ProsodyServer
    let store: RoutingStore
    let redis: RedisClient
    let port: Int
    private let clients = Mutex<[XMPPClient]>([])

    init(prosody: ProsodyServer, store: RoutingStore, redis: RedisClient, port: Int) {
        self.prosody = prosody
        self.store = store
        self.redis = redis
        self.port = port
    }

    /// The origin the service allows (the page it serves itself).
    var origin: String { "http://127.0.0.1:\(port)" }
    var url: String { origin }

    static let logger: Logger = {
        var logger = Logger(label: "web-test")
        logger.logLevel = .warning
        return logger
    }()

    /// A workflow's queues and agents (after an `xmpp` section for the test's domain) served by a
    /// router with its web service, for `body`; `beside`: the web service runs on its own, as
    /// `switchboard web` does, and reaches the router through Redis.
    static func with(
        accounts: [String], workflow yaml: String, beside: Bool = false, trustedProxies: [String] = [],
        limits: WebLimits? = nil, uploads: String? = nil,
        _ body: (WebHarness) async throws -> Void
    ) async throws {
        try await withProsodyServer(.init(accounts: Dictionary(uniqueKeysWithValues: accounts.map { ($0, "secret") }))) { prosody in
            try await withRedisServer { redisServer in
                let port = try Ports.free()
                let xmpp = "xmpp:\n  domain: ${DOMAIN}\n  secret: not-used-by-the-test\n"
                var http = "http:\n  listen: 127.0.0.1:\(port)\n  allowed_origins: [\"http://127.0.0.1:\(port)\"]\n"
                if let uploads { http += "  uploads:\n    dir: \"\(uploads)\"\n    max_bytes: 2048\n    types: [image/png, text/plain]\n" }
                if !trustedProxies.isEmpty { http += "  trusted_proxies: [\(trustedProxies.map { "\"\($0)\"" }.joined(separator: ", "))]\n" }
                let workflow = try Workflow.parse(
                    yaml: xmpp + http + yaml, file: "test.yml", environment: ["DOMAIN": prosody.serviceDomain])
                let redis = RedisClient(configuration: RedisConfiguration(url: try RedisURL(redisServer.url)), logger: logger)
                let store = RoutingStore(redis: redis, prefix: "sb")
                let component = XMPPComponent(configuration: prosody.componentConfiguration(), logger: logger)
                let router = ChatRouter(
                    rules: RoutingRules(workflow), component: component, store: store, logger: logger,
                    channels: [WebVisitorChannel(store: store, logger: logger)])
                let (listening, listened) = AsyncStream.makeStream(of: Int.self)
                let web = try WebService(
                    settings: workflow.http ?? HTTPSettings(port: port),
                    desk: beside ? RelayedVisitorDesk(rules: RoutingRules(workflow), store: store) : router,
                    forms: WebForms(workflow), store: store, redis: redis, limits: limits,
                    logger: logger, onListening: { listened.yield($0) })
                let relay = RelayedVisitorServer(desk: router, store: store, logger: logger)
                let group = ServiceGroup(services: [router, web, relay], logger: logger)
                let running = Task { try await group.run() }
                let harness = WebHarness(prosody: prosody, store: store, redis: redis, port: port)
                try await withCleanup {
                    try await within(.seconds(20), "the router to join Prosody") { await router.waitUntilReady() }
                    _ = try await within(.seconds(20), "the web service to listen") {
                        for await port in listening { return port }
                        throw TimedOut(what: "the web service to listen")
                    }
                    try await body(harness)
                } cleanup: {
                    for client in harness.clients.withLock({ $0 }) { await client.close() }
                    await group.triggerGracefulShutdown()
                    _ = await running.result
                    await redis.close()
                }
            }
        }
    }

    /// An agent signed in who tells the router they are available (a chat may be offered at once).
    func agent(_ user: String) async throws -> XMPPClient {
        let client = try await XMPPClient.connect(prosody.clientConfiguration(user), logger: Self.logger)
        clients.withLock { $0.append(client) }
        try await client.send(Presence())
        try await client.send(Presence(to: try JID(domain: prosody.serviceDomain)))
        return client
    }

    /// An agent the router has taken note of as available (its /status answer): for when no chat
    /// waits, since an offer arriving first would be skipped here.
    func availableAgent(_ user: String) async throws -> XMPPClient {
        let client = try await agent(user)
        try await client.send(Message(to: try JID(domain: prosody.serviceDomain), body: "/status"))
        _ = try await client.message("the status answer", startingWith: "You are available")
        return client
    }

    /// The ids of chats not yet closed.
    func openChats() async throws -> [String] {
        (try await redis.send("SMEMBERS", store.keys.openChats).array ?? []).compactMap(\.string)
    }

    /// How many web sessions Redis holds.
    func sessionCount() async throws -> Int {
        try await redis.send("KEYS", store.keys.webSession("*")).array?.count ?? 0
    }
}

extension XMPPClient {
    /// The next message with a body starting with `prefix`.
    func message(_ what: String, startingWith prefix: String) async throws -> Message {
        try await next(what) { stanza in
            if case .message(let message) = stanza, message.body?.hasPrefix(prefix) == true { message } else { nil }
        }
    }
}
