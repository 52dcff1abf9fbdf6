import Foundation
import Logging
import Redis
import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// Faults end to end (issue 11, item 7): real Prosody, Redis (AOF on) and a `switchboard router`
/// process, visitors that ask for receipts (XEP-0184) and resend what had none, as a real client
/// would. After each fault: every confirmed line reached an agent exactly once, no chat is with two
/// agents, the agents' presence in Redis is what their clients last said, and the router came back
/// by itself where the fault was not the router.
@Suite(.serialized) struct FaultTests {
    static let agents = ["alice", "bob"]
    static let visitors = (1...6).map { "visitor\($0)" }
    static let lines = 40

    @Test func aRouterKilledMidBurstAndRestartedLosesAndDoublesNothing() async throws {
        try await Self.withRig { rig in
            try await rig.burst {
                await rig.router.kill()
                try await rig.router.start()
            }
            try await rig.check(acrossACrash: true)
        }
    }

    @Test func aRouterStoppedMidBurstAndRestartedLosesAndDoublesNothing() async throws {
        try await Self.withRig { rig in
            try await rig.burst {
                rig.router.signal(SIGTERM)
                _ = await rig.router.waitForExit()
                try await rig.router.start()
            }
            try await rig.check()
        }
    }

    @Test func redisRestartedDuringActiveChatsNeedsNoRouterRestart() async throws {
        try await Self.withRig { rig in
            try await rig.burst {
                try await rig.redisServer.restart()
                // The router's own reconnect, not a restart by hand: a new line is confirmed within 10 s.
                // (The first visitor connected, not always visitor1: the line is theirs.)
                let visitor = rig.visitors[0]
                try await within(.seconds(10), "the router to reconnect to Redis") {
                    try await rig.deliver(visitor, id: "\(visitor.name)-after-redis")
                }
                rig.expect("\(visitor.name)-after-redis", from: visitor.name)
            }
            try await rig.check()
        }
    }

    /// Prosody stopped by its PID and started again on the same ports and data: every client
    /// loses its connection, reconnects and resends what had no receipt; the router rejoins by
    /// itself.
    @Test func prosodyRestartedDuringActiveChatsNeedsNoRouterRestart() async throws {
        try await Self.withRig { rig in
            try await rig.burst {
                try await rig.prosody.restart()
                try await rig.reconnectEveryone()
                // The router's own reconnect, not a restart by hand: a new line is confirmed within 10 s.
                let visitor = rig.visitors[0]
                try await within(.seconds(10), "the router to rejoin Prosody") {
                    try await rig.deliver(visitor, id: "\(visitor.name)-after-prosody")
                }
                rig.expect("\(visitor.name)-after-prosody", from: visitor.name)
            }
            try await rig.check(acrossACrash: true)
        }
    }

    @Test func anAgentsSecondResourceLeavingMidBurstLosesNothing() async throws {
        try await Self.withRig(secondResource: true) { rig in
            try await rig.burst {
                await rig.phone?.close()
            }
            try await rig.check()
        }
    }

    /// Prosody, Redis with AOF, a router process, two available agents (Alice also on a phone if
    /// `secondResource`), and visitors whose chats are open before the fault.
    static func withRig(secondResource: Bool = false, _ body: (FaultRig) async throws -> Void) async throws {
        let accounts = Dictionary(uniqueKeysWithValues: (agents + visitors).map { ($0, "secret") })
        try await withProsodyServer(.init(accounts: accounts)) { prosody in
            // AOF written on every write: a restart keeps everything Redis confirmed.
            try await withRedisServer(extraArguments: ["--appendonly", "yes", "--appendfsync", "always"]) { redisServer in
                let router = try RouterProcess(server: prosody, redisURL: redisServer.url, routing: """
                    limits: { flood: { messages: 1000, per: 1s } }
                    queues:
                      - { name: help, skills: [help] }
                    agents:
                      - { jid: alice@localhost, name: Alice, skills: { help: 5 }, max_chats: 10 }
                      - { jid: bob@localhost, name: Bob, skills: { help: 5 }, max_chats: 10 }
                    """)
                var logger = Logger(label: "fault-test")
                logger.logLevel = .warning
                let redis = RedisClient(configuration: RedisConfiguration(url: try RedisURL(redisServer.url)), logger: logger)
                let inbox = AgentInbox()
                let phoneInbox = AgentInbox()
                var clients: [XMPPClient] = []
                var readers: [Task<Void, Never>] = []
                var rig: FaultRig?
                try await withCleanup {
                    try await router.start()
                    for agent in agents {
                        let client = try await XMPPClient.connect(prosody.clientConfiguration(agent), logger: logger)
                        clients.append(client)
                        try await client.send(Presence())
                        try await Self.subscribe(client, domain: prosody.serviceDomain)
                        try await LiveRouter.available(client, domain: prosody.serviceDomain)
                        readers.append(Task { await inbox.read(client) })
                    }
                    let agentClients = clients
                    var phone: XMPPClient?
                    if secondResource {
                        var configuration = try prosody.clientConfiguration("alice")
                        configuration.jid = try JID(local: "alice", domain: configuration.jid.domain, resource: "phone")
                        let client = try await XMPPClient.connect(configuration, logger: logger)
                        clients.append(client)
                        try await client.send(Presence())
                        try await LiveRouter.available(client, domain: prosody.serviceDomain)
                        // Its own inbox: the XMPP server gives a line for Alice to each of her resources.
                        readers.append(Task { await phoneInbox.read(client) })
                        phone = client
                    }
                    let visitorClients = try await CrashSafetyTests.connectVisitors(prosody, among: visitors, logger: logger)
                    clients += visitorClients
                    let receipts = Receipts()
                    readers += visitorClients.map { client in Task { await receipts.read(client) } }
                    let made = FaultRig(
                        router: router, prosody: prosody, redisServer: redisServer, redis: redis, inbox: inbox, phoneInbox: phoneInbox,
                        receipts: receipts, agents: agentClients, visitors: visitorClients, phone: phone,
                        queue: try JID("help@\(prosody.serviceDomain)"), logger: logger)
                    rig = made
                    // Every chat open (and given to an agent) before the fault.
                    for visitor in made.visitors {
                        try await made.deliver(visitor, id: "\(visitor.name)-0")
                        made.expect("\(visitor.name)-0", from: visitor.name)
                    }
                    try await body(made)
                } cleanup: {
                    await rig?.closeReconnected()
                    readers.forEach { $0.cancel() }
                    for client in clients { await client.close() }
                    await redis.close()
                    await router.stop()
                }
            }
        }
    }

    /// The agent adds the service to its roster, as the console does: their server then answers
    /// the probes of a router that restarted, so the resync finds them still available.
    static func subscribe(_ agent: XMPPClient, domain: String) async throws {
        let service = try JID(domain: domain)
        try await agent.send(Presence(to: service, type: .subscribe))
        _ = try await agent.next("the router's subscription request") { stanza -> Bool? in
            if case .presence(let presence) = stanza, presence.type == .subscribe { true } else { nil }
        }
        try await agent.send(Presence(to: service, type: .subscribed))
    }
}
