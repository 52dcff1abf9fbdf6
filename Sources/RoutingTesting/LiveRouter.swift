import Logging
import Redis
import Routing
import SwitchboardTesting
import Synchronization
import Workflow
import XMPP

/// A suite that runs the router end to end (the routing tests, the console's end-to-end tests): a real XMPP server
/// (Prosody, or ejabberd for a test that takes `XMPPServerKind` as an argument) and Redis, our XMPP client as visitors
/// and agents. Conforming gives the suite (and `LiveRouter`) the helpers below.
public protocol LiveRouterSuite {}

private let liveLogger: Logger = {
    var logger = Logger(label: "router-test")
    logger.logLevel = .warning
    return logger
}()

/// A running router and the ways a test reaches it.
public final class LiveRouter: LiveRouterSuite, Sendable {
    /// The XMPP server the router and the clients use.
    public let server: any XMPPServer
    public let store: RoutingStore
    /// The test's own Redis connection: a blocking read of the events never holds up the router's commands.
    public let redis: RedisClient
    private let clients = Mutex<[XMPPClient]>([])

    /// For a test that runs routers of its own (stopped and started again) on this XMPP server and Redis.
    public init(server: any XMPPServer, store: RoutingStore, redis: RedisClient) {
        self.server = server
        self.store = store
        self.redis = redis
    }

    /// The server under the name it had while Prosody was the only one (suites written before ejabberd).
    @available(*, deprecated, renamed: "server")
    public var prosody: any XMPPServer { server }

    public var domain: String { server.serviceDomain }

    /// `local@DOMAIN`: a queue's or a chat's address.
    public func address(_ local: String) throws -> JID {
        try JID(local: local, domain: domain)
    }

    /// A signed-in client with initial presence, closed when the test ends.
    public func connect(_ user: String) async throws -> XMPPClient {
        let client = try await Self.connect(server, user)
        clients.withLock { $0.append(client) }
        return client
    }

    /// A signed-in agent the router knows to be available.
    public func agent(_ user: String) async throws -> XMPPClient {
        let client = try await connect(user)
        try await Self.available(client, domain: domain)
        return client
    }

    public func closeClients() async {
        for client in clients.withLock({ $0 }) { await client.close() }
    }

    /// Every routing event so far, oldest first.
    public func events() async throws -> [[String: String]] {
        try await RoutingTesting.events(redis, store.keys)
    }

    /// The first routing event, from the start of the stream, that `matching` accepts: read with
    /// XREAD BLOCK, so the test waits for Redis to have it rather than polling.
    public func event(_ what: String, _ matching: @escaping @Sendable ([String: String]) -> Bool) async throws -> [String: String] {
        let redis = self.redis, stream = store.keys.events
        return try await within(.seconds(60), what) {
            var last = "0"
            while !Task.isCancelled {
                // A bounded block: a cancelled wait is noticed within half a second.
                let reply = try await redis.send("XREAD", "BLOCK", "500", "STREAMS", stream, last)
                for case let (id, event)? in (reply.array?.first?.array?.last?.array ?? []).map(streamEntry) {
                    last = id
                    if matching(event) { return event }
                }
            }
            throw CancellationError()
        }
    }
}

extension LiveRouterSuite {
    public static var logger: Logger { liveLogger }

    /// An XMPP server of `kind`, a Redis and a running router with `rules(serviceDomain)`, stopped
    /// afterwards, with every client `LiveRouter.connect` made.
    public static func withRouter(
        on kind: XMPPServerKind = .prosody,
        accounts: [String: String],
        rules: (String) throws -> RoutingRules,
        _ body: (LiveRouter) async throws -> Void
    ) async throws {
        try await withXMPPServer(kind, .init(accounts: accounts)) { xmpp in
            try await withRedisServer { redisServer in
                let url = try RedisURL(redisServer.url)
                let redis = RedisClient(configuration: RedisConfiguration(url: url), logger: logger)
                let store = RoutingStore(redis: redis, prefix: "sb")
                let live = LiveRouter(
                    server: xmpp, store: store, redis: RedisClient(configuration: RedisConfiguration(url: url), logger: logger))
                let component = XMPPComponent(configuration: xmpp.componentConfiguration(), logger: logger)
                let router = ChatRouter(rules: try rules(xmpp.serviceDomain), component: component, store: store, logger: logger)
                let task = Task { try await router.run() }
                try await withCleanup {
                    try await within(.seconds(60), "the router to join \(kind)") { await router.waitUntilReady() }
                    try await body(live)
                } cleanup: {
                    await live.closeClients()
                    task.cancel()
                    _ = await task.result
                    await redis.close()
                    await live.redis.close()
                }
            }
        }
    }

    public static func withRouter(
        on kind: XMPPServerKind = .prosody,
        accounts: [String: String],
        rules: (String) throws -> RoutingRules,
        _ body: (any XMPPServer, RoutingStore) async throws -> Void
    ) async throws {
        try await withRouter(on: kind, accounts: accounts, rules: rules) { (live: LiveRouter) in try await body(live.server, live.store) }
    }

    /// The rules of a workflow file's queues, agents and the like, read as `switchboard router`
    /// reads a file, for the test's service domain.
    public static func workflow(_ yaml: String) -> (String) throws -> RoutingRules {
        { domain in RoutingRules(try parseWorkflow(yaml, domain: domain)) }
    }

    /// A workflow with `yaml` after an `xmpp` section for `domain` (the router is given its
    /// connection, so only the domain counts).
    public static func parseWorkflow(_ yaml: String, domain: String) throws -> Workflow {
        let xmpp = "xmpp:\n  domain: ${DOMAIN}\n  secret: not-used-by-the-test\n"
        return try Workflow.parse(yaml: xmpp + yaml, file: "test.yml", environment: ["DOMAIN": domain])
    }

    /// Accounts with the password `secret`.
    public static func accounts(_ users: [String]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: users.map { ($0, "secret") })
    }

    public static func connect(_ server: any XMPPServer, _ user: String) async throws -> XMPPClient {
        let client = try await XMPPClient.connect(server.clientConfiguration(user), logger: logger)
        try await client.send(Presence())
        return client
    }

    /// The agent comes online and waits until the router has taken note (its /status answer).
    public static func available(_ agent: XMPPClient, domain: String) async throws {
        let service = try JID(domain: domain)
        try await agent.send(Presence(to: service))
        try await agent.send(Message(to: service, body: "/status"))
        _ = try await agent.next("the status answer") {
            if case .message(let m) = $0, m.body?.hasPrefix("You are available") == true { m } else { nil }
        }
    }

    public static func body(_ stanza: Stanza) -> Message? {
        if case .message(let message) = stanza, message.body != nil { message } else { nil }
    }
}

extension XMPPClient {
    /// The next chat offered or given to this agent ("New chat …", from the chat's address).
    public func offer(_ what: String) async throws -> Message {
        try await message(what, startingWith: "New chat")
    }

    /// The next stanza error that comes back in a message.
    public func error(_ what: String) async throws -> StanzaError {
        try await next(what) { if case .message(let message) = $0 { message.error } else { nil } }
    }

    /// The next message with a body or an error: what the router answered.
    public func answer(_ what: String) async throws -> Message {
        try await next(what) { if case .message(let message) = $0, message.body != nil || message.error != nil { message } else { nil } }
    }

    /// The messages with a body that arrive up to and including the first one `last` accepts.
    public func messages(until what: String, _ last: @escaping @Sendable (Message) -> Bool) async throws -> [Message] {
        let stanzas = self.stanzas
        return try await within(.seconds(60), what) {
            var seen: [Message] = []
            for try await stanza in stanzas {
                guard case .message(let message) = stanza, message.body != nil else { continue }
                seen.append(message)
                if last(message) { return seen }
            }
            throw TimedOut(what: "\(what) (the session ended)")
        }
    }
}

extension JID {
    /// The chat id in a chat's address `chat-ID@DOMAIN`.
    public var chatID: String? {
        local.flatMap { $0.hasPrefix("chat-") ? String($0.dropFirst(5)) : nil }
    }
}
