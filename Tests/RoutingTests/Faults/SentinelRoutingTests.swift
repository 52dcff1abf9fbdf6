import Foundation
import Logging
import Redis
import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// A router on Redis Sentinel (issue 13, item 4): a master, a replica and three sentinels, the
/// router given the `redis-sentinel://` URL and `min_replicas_ack: 1`. Chats assigned and told to
/// the agent before the master is SIGKILLed are all still assigned after the failover; the router
/// finds the new master by itself, and new chats route.
@Suite(.serialized) struct SentinelRoutingTests {
    static let early = (1...6).map { "early\($0)" }
    static let late = (1...3).map { "late\($0)" }

    @Test func acknowledgedAssignmentsSurviveAFailoverAndNewChatsRoute() async throws {
        let accounts = Dictionary(uniqueKeysWithValues: (["alice"] + Self.early + Self.late).map { ($0, "secret") })
        try await withProsodyServer(.init(accounts: accounts)) { prosody in
            try await withRedisSentinel { group in
                let router = try RouterProcess(server: prosody, redisURL: group.url, redisOptions: "min_replicas_ack: 1", routing: """
                    limits: { flood: { messages: 1000, per: 1s } }
                    queues:
                      - { name: help, skills: [help] }
                    agents:
                      - { jid: alice@localhost, name: Alice, skills: { help: 5 }, max_chats: 20 }
                    """)
                var logger = Logger(label: "sentinel-routing-test")
                logger.logLevel = .warning
                var configuration = RedisConfiguration(url: try RedisURL(group.url))
                configuration.connectionWait = .seconds(60)
                let redis = RedisClient(configuration: configuration, logger: logger)
                let store = RoutingStore(redis: redis, prefix: "sb")
                var clients: [XMPPClient] = []
                var readers: [Task<Void, Never>] = []
                try await withCleanup {
                    try await router.start()
                    let alice = try await XMPPClient.connect(prosody.clientConfiguration("alice"), logger: logger)
                    clients.append(alice)
                    try await alice.send(Presence())
                    try await FaultTests.subscribe(alice, domain: prosody.serviceDomain)
                    try await LiveRouter.available(alice, domain: prosody.serviceDomain)
                    let inbox = AgentInbox()
                    readers.append(Task { await inbox.read(alice) })
                    let visitors = try await CrashSafetyTests.connectVisitors(prosody, among: Self.early + Self.late, logger: logger)
                    clients += visitors
                    let receipts = Receipts()
                    readers += visitors.map { client in Task { await receipts.read(client) } }
                    let queue = try JID("help@\(prosody.serviceDomain)")
                    let early = visitors.filter { Self.early.contains($0.jid.local!) }
                    let late = visitors.filter { Self.late.contains($0.jid.local!) }

                    // Confirmed to the visitor and told to Alice: the router waited for the replica first.
                    for client in early { try await receipts.deliver(client, to: queue, id: "\(client.jid.local!)-0") }
                    let earlyLines = early.map { "\($0.jid.local!)-0" }
                    try await poll(.seconds(60), "every early chat at Alice", every: .milliseconds(20)) { await inbox.hasSeen(earlyLines) }
                    let assigned = try await Self.chats(store, redis: redis)
                    #expect(Set(assigned.keys) == Set(Self.early), "\(assigned)")

                    let killed = ContinuousClock.now
                    await group.master.kill()
                    // Each late visitor's line is resent until confirmed: the router on its own finds the new master.
                    try await within(.seconds(120), "every late visitor's line confirmed after the failover") {
                        try await withThrowingTaskGroup(of: Void.self) { tasks in
                            for client in late {
                                tasks.addTask { try await receipts.deliver(client, to: queue, id: "\(client.jid.local!)-0") }
                            }
                            try await tasks.waitForAll()
                        }
                    }
                    let resumed = ContinuousClock.now - killed
                    let lateLines = late.map { "\($0.jid.local!)-0" }
                    try await poll(.seconds(60), "every late chat at Alice", every: .milliseconds(20)) { await inbox.hasSeen(lateLines) }

                    #expect(try await redis.send("ROLE").array?.first?.string == "master")
                    let after = try await Self.chats(store, redis: redis)
                    for (visitor, chat) in assigned {
                        #expect(after[visitor]?.id == chat.id, "\(visitor)'s chat survived the failover: \(after[visitor].map { "\($0)" } ?? "gone")")
                        #expect(after[visitor]?.agent == "alice@localhost" && after[visitor]?.state == "active", "\(visitor): \(after[visitor].map { "\($0)" } ?? "gone")")
                    }
                    for visitor in Self.late {
                        #expect(after[visitor]?.agent == "alice@localhost" && after[visitor]?.state == "active", "\(visitor): \(after[visitor].map { "\($0)" } ?? "gone")")
                    }
                    print("sentinel failover under the router: master killed → the new chats' first lines (3 visitors, resent every 2 s until confirmed) all confirmed after \(resumed)")
                } cleanup: {
                    readers.forEach { $0.cancel() }
                    for client in clients { await client.close() }
                    await redis.close()
                    await router.stop()
                }
            }
        }
    }

    /// Every open chat, by the visitor's local part.
    static func chats(_ store: RoutingStore, redis: RedisClient) async throws -> [String: (id: String, state: String, agent: String)] {
        let keys = RoutingKeys(prefix: "sb")
        let open = try await redis.send("SMEMBERS", keys.openChats).array?.compactMap(\.string) ?? []
        var chats: [String: (id: String, state: String, agent: String)] = [:]
        for id in open {
            guard let fields = try await store.chat(id) else { continue }
            let visitor = String(fields["visitor"]?.prefix { $0 != "@" } ?? "")
            chats[visitor] = (id, fields["state"] ?? "", fields["agent"] ?? "")
        }
        return chats
    }
}
