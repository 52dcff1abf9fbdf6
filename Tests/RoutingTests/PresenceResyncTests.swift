import Console
import Logging
import Redis
import Routing
import RoutingTesting
import SwitchboardTesting
import Synchronization
import Testing
import XMPP

/// Presence is the truth, end to end with Prosody, Redis and XMPP clients: per resource, resynced
/// on every join of the XMPP server (the router stopped and started again on the same Prosody and
/// Redis), and agents removed by a reload.
@Suite struct PresenceResyncTests: LiveRouterSuite {
    static func yaml(grace: String = "300ms", resync: String = "500ms", agents: [String] = ["alice", "bob", "carol"]) -> String {
        """
        limits:
          offline_grace: \(grace)
          presence_resync: \(resync)
        queues:
          - name: sales
            skills: [sales]
          - name: later
            skills: [night]
            overflow:
              - after: 1500ms
                drop_skill: night
        agents:
        \(agents.map { "  - { jid: \($0)@localhost, skills: { sales: 5 }, max_chats: 2 }" }.joined(separator: "\n"))
          - { jid: nora@localhost, skills: { night: 5 } }
        """
    }

    static let users = ["alice", "bob", "carol", "visitor1", "visitor2", "visitor3"]

    /// A second login of `user` with its own resource (a phone beside the desktop, a console's new session).
    static func connect(_ live: LiveRouter, _ user: String, resource: String) async throws -> XMPPClient {
        var configuration = try live.server.clientConfiguration(user)
        configuration.jid = try JID(local: user, domain: configuration.jid.domain, resource: resource)
        let client = try await XMPPClient.connect(configuration, logger: logger)
        try await client.send(Presence())
        return client
    }

    /// A visitor's chat, given to `agent` (auto accept): its id.
    static func chat(of visitor: XMPPClient, to agent: XMPPClient, _ live: LiveRouter) async throws -> String {
        try await visitor.send(Message(to: try live.address("sales"), body: "Hello?"))
        return try #require(try await agent.offer("the chat").from?.chatID)
    }

    @Test(arguments: XMPPServerKind.allCases) func anAgentIsAvailableWhileAnyResourceIsAndOfflineWhenTheLastHasGone(_ server: XMPPServerKind) async throws {
        try await Self.withRouter(on: server, accounts: Self.accounts(Self.users), rules: Self.workflow(Self.yaml())) { (live: LiveRouter) in
            let desk = try await live.agent("alice")
            let chat = try await Self.chat(of: try await live.connect("visitor1"), to: desk, live)
            // A new login (the phone, or the console's new session) while the old one lingers.
            let phone = try await Self.connect(live, "alice", resource: "phone")
            try await Self.available(phone, domain: live.domain)

            // The old session's `unavailable` comes late: Alice is still there on her phone.
            await desk.close()
            // The clock: an overflow step due well after Alice's grace period would have ended.
            let clock = try await live.connect("visitor3")
            try await clock.send(Message(to: try live.address("later"), body: "tick"))
            _ = try await live.event("the clock's overflow step") { $0["type"] == "overflow" }
            let events = try await live.events()
            #expect(!events.contains { $0["agent"] == "alice@localhost" && $0["presence"] == "offline" })
            #expect(!events.contains { $0["type"] == "requeued" }, "her chat stays with her")
            #expect(try await live.store.chat(chat)?["agent"] == "alice@localhost")

            // The most available resource counts: the phone away is Alice away, and its leaving is offline.
            try await phone.send(Presence(to: try JID(domain: live.domain), show: .away))
            _ = try await live.event("Alice away") { $0["agent"] == "alice@localhost" && $0["presence"] == "away" }
            await phone.close()
            _ = try await live.event("Alice offline") { $0["agent"] == "alice@localhost" && $0["presence"] == "offline" }
            _ = try await live.event("her chat requeued") { $0["type"] == "requeued" && $0["chat"] == chat }
        }
    }

    @Test(arguments: XMPPServerKind.allCases) func anAgentWhoLeftWhileTheRouterWasDownIsOfflineAfterTheResync(_ server: XMPPServerKind) async throws {
        try await Self.withRestartableRouter(on: server, yaml: Self.yaml()) { live, router in
            let alice = try await live.agent("alice")
            let chat = try await Self.chat(of: try await live.connect("visitor1"), to: alice, live)
            await router.stop()
            await alice.close()  // her `unavailable` reaches no router
            let restart = try await live.store.clock()
            try await router.start()

            let offline = try await live.event("Alice offline after the resync") { event in
                event["agent"] == "alice@localhost" && event["presence"] == "offline" && Int64(event["ts"]!)! >= restart
            }
            // Her chat is not lost: it enters the grace period, then waits for the next agent.
            let requeued = try await live.event("her chat requeued") { $0["type"] == "requeued" && $0["chat"] == chat }
            #expect(Int(requeued["ts"]!)! - Int(offline["ts"]!)! >= 300)
            #expect(Int64(offline["ts"]!)! - restart >= 500, "not before the resync window ends")
        }
    }

    @Test(arguments: XMPPServerKind.allCases) func anAgentWhoCameWhileTheRouterWasDownIsAvailableAfterTheResync(_ server: XMPPServerKind) async throws {
        try await Self.withRestartableRouter(on: server, yaml: Self.yaml()) { live, router in
            // Bob adds the service to his roster: his server then answers the router's probes.
            let service = try JID(domain: live.domain)
            let first = try await live.connect("bob")
            try await first.send(Presence(to: service, type: .subscribe))
            _ = try await first.next("the router's subscription request") { stanza -> Bool? in
                if case .presence(let presence) = stanza, presence.type == .subscribe { true } else { nil }
            }
            try await first.send(Presence(to: service, type: .subscribed))
            try await Self.available(first, domain: live.domain)
            await first.close()
            _ = try await live.event("Bob offline") { $0["agent"] == "bob@localhost" && $0["presence"] == "offline" }

            await router.stop()
            let bob = try await live.connect("bob")  // his presence reaches no router
            let visitor = try await live.connect("visitor1")
            let restart = try await live.store.clock()
            try await router.start()

            _ = try await live.event("Bob available after the resync") { event in
                event["agent"] == "bob@localhost" && event["presence"] == "available" && Int64(event["ts"]!)! >= restart
            }
            try await visitor.send(Message(to: try live.address("sales"), body: "Anyone?"))
            _ = try await bob.offer("a chat for Bob")
        }
    }

    @Test(arguments: XMPPServerKind.allCases) func theConsoleSaysItsPresenceAgainWhenTheRouterComesBack(_ server: XMPPServerKind) async throws {
        try await Self.withRestartableRouter(on: server, yaml: Self.yaml()) { live, router in
            let session = AgentSession(
                configuration: try live.server.clientConfiguration("carol"), service: try JID(domain: live.domain), logger: Self.logger)
            let online = AsyncStream<Void>.makeStream()
            let running = Task {
                await session.run { event in if case .online = event { online.continuation.yield() } }
            }
            try await withCleanup {
                var onlines = online.stream.makeAsyncIterator()
                _ = await onlines.next()
                _ = try await live.event("Carol available") { $0["agent"] == "carol@localhost" && $0["presence"] == "available" }
                await router.stop()
                // Said while no router listens: lost, unless the console says it again.
                try await session.setAvailability(.dnd)
                let restart = try await live.store.clock()
                try await router.start()
                // The console's word arrives after the router's join; on a loaded machine it may come
                // after the resync window has counted Carol offline, so await what she said.
                _ = try await live.event("Carol's dnd, said again after the restart") { event in
                    event["agent"] == "carol@localhost" && Int64(event["ts"]!)! >= restart && event["presence"] == "dnd"
                }
            } cleanup: {
                running.cancel()
                _ = await running.result
            }
        }
    }

    @Test(arguments: XMPPServerKind.allCases) func anAgentRemovedByAReloadHasTheirChatsRequeued(_ server: XMPPServerKind) async throws {
        try await Self.withRestartableRouter(on: server, yaml: Self.yaml()) { live, router in
            let alice = try await live.agent("alice")
            let chat = try await Self.chat(of: try await live.connect("visitor1"), to: alice, live)
            let bob = try await live.agent("bob")
            await router.reload(try Self.workflow(Self.yaml(agents: ["bob", "carol"]))(live.domain))
            let requeued = try await live.event("Alice's chat requeued") { $0["type"] == "requeued" && $0["chat"] == chat }
            #expect(requeued["reason"] == "agent-removed")
            #expect(try await bob.offer("Alice's chat, now Bob's").from?.chatID == chat)
            #expect(try await live.store.agentStatus("alice@localhost").presence == .offline)
        }
    }
}

/// A router a test stops and starts again on the same XMPP server and Redis, as a restart would.
final class RestartableRouter: Sendable {
    private let server: any XMPPServer
    private let store: RoutingStore
    private let rules: RoutingRules
    private let running = Mutex<(router: ChatRouter, task: Task<Void, any Error>)?>(nil)

    init(server: any XMPPServer, store: RoutingStore, rules: RoutingRules) {
        self.server = server
        self.store = store
        self.rules = rules
    }

    /// Starts a new router and waits until it has joined the XMPP server.
    func start() async throws {
        let component = XMPPComponent(configuration: server.componentConfiguration(), logger: PresenceResyncTests.logger)
        let router = ChatRouter(rules: rules, component: component, store: store, logger: PresenceResyncTests.logger)
        running.withLock { $0 = (router, Task { try await router.run() }) }
        try await within(.seconds(60), "the router to join \(server.kind)") { await router.waitUntilReady() }
    }

    func stop() async {
        guard let task = running.withLock({ $0?.task }) else { return }
        task.cancel()
        _ = await task.result
        running.withLock { $0 = nil }
    }

    func reload(_ rules: RoutingRules) async {
        await running.withLock({ $0?.router })?.reload(rules)
    }
}

extension PresenceResyncTests {
    static func withRestartableRouter(
        on kind: XMPPServerKind, yaml: String, _ body: (LiveRouter, RestartableRouter) async throws -> Void
    ) async throws {
        try await withXMPPServer(kind, .init(accounts: accounts(users))) { xmpp in
            try await withRedisServer { redisServer in
                let url = try RedisURL(redisServer.url)
                let redis = RedisClient(configuration: RedisConfiguration(url: url), logger: logger)
                let store = RoutingStore(redis: redis, prefix: "sb")
                let live = LiveRouter(
                    server: xmpp, store: store, redis: RedisClient(configuration: RedisConfiguration(url: url), logger: logger))
                let router = RestartableRouter(server: xmpp, store: store, rules: try workflow(yaml)(xmpp.serviceDomain))
                try await withCleanup {
                    try await router.start()
                    try await body(live, router)
                } cleanup: {
                    await live.closeClients()
                    await router.stop()
                    await redis.close()
                    await live.redis.close()
                }
            }
        }
    }
}
