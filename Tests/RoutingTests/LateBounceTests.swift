import Foundation
import Logging
import Redis
import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// With several routers on ejabberd, the error for a stanza the server could not deliver (the
/// agent had no session) reaches any router's link, like the answer to a ping; the sender may
/// read the answer to the ping after the stanza on its own link before another router has
/// relayed the bounce to it. The stanza then counted as taken, and the bounce came too late to
/// count: an offer or a line so bounced was lost for good (issue 13's fault runs lost lines this
/// way around ejabberd's restart, while agents' sessions were gone). Two routers; the agent's
/// session is gone, and the lines and offers sent meanwhile must reach them once they are back.
@Suite(.serialized) struct LateBounceTests {
    static let visitors = (1...12).map { "visitor\($0)" }

    static let routing = """
        limits: { offline_grace: 10m, flood: { messages: 1000, per: 1s }, missed_offers_before_away: 1000 }
        queues:
          - { name: help, skills: [help], accept: auto }
        agents:
          - { jid: agent1@localhost, name: Agent One, skills: { help: 5 }, max_chats: 50 }
        """

    /// Offers to an agent Redis counts available but who has no session bounce, and every one
    /// of them reaches the agent once they are there: none counted told by a late bounce.
    @Test func offersSentBackLateReachTheAgentOnceBack() async throws {
        try await Self.withTwoRouters { rig in
            try await rig.store.available("agent1@localhost")
            for client in rig.visitors {
                try await rig.receipts.deliver(client, to: rig.queue, id: "\(client.jid.local!)-first")
            }
            // Each chat offered and sent back twice on average (the sweep tells them again every 5
            // s), or every one counted as told (what the old code came to, the agent still away).
            try await poll(.seconds(120), "the offers to be sent back", every: .milliseconds(50)) {
                let bounced = rig.routers.map { $0.occurrences("no session to take the offer") }.reduce(0, +)
                var untold = false
                for chat in 1...rig.visitors.count where try await !rig.store.isAnnounced("\(chat)") { untold = true }
                return bounced >= 2 * rig.visitors.count || !untold
            }
            let firsts = rig.visitors.map { "\($0.jid.local!)-first" }
            _ = try await rig.connectAgent()
            try await rig.waitUntilSeen(firsts)
        }
    }

    /// Lines of chats whose agent's session went away (the grace period running) are sent and
    /// bounce, and every one reaches the agent once they are back. (On the old code none did.)
    @Test func linesSentBackLateReachTheAgentOnceBack() async throws {
        try await Self.withTwoRouters(visitorCount: 3) { rig in
            let agent = try await rig.connectAgent()
            for client in rig.visitors {
                try await rig.receipts.deliver(client, to: rig.queue, id: "\(client.jid.local!)-hello")
            }
            try await rig.waitUntilSeen(rig.visitors.map { "\($0.jid.local!)-hello" })
            await agent.close()
            try await poll(.seconds(60), "the routers to count the agent gone", every: .milliseconds(50)) {
                try await rig.redis.send("HGET", rig.store.keys.agent("agent1@localhost"), "presence").string == "offline"
            }
            // Sent once each (no resend: a line's receipt waits for the agent's link to take it),
            // kept, and sent to the agent again and again by the routers' sweeps, bouncing. Lost
            // before once one copy's bounce came late: resending stops at the first that counts.
            let lines = rig.visitors.flatMap { client in (1...2).map { "\(client.jid.local!)-line-\($0)" } }
            for client in rig.visitors {
                for number in 1...2 {
                    var message = Message(to: rig.queue, id: "\(client.jid.local!)-line-\(number)", body: "\(client.jid.local!)-line-\(number)")
                    message.element.append(XMLElement("request", namespace: "urn:xmpp:receipts"))
                    try await client.send(message)
                }
            }
            try await poll(.seconds(60), "every line kept", every: .milliseconds(50)) {
                var said = 0
                for chat in 1...rig.visitors.count {
                    said += Int(try await rig.redis.send("HGET", rig.store.keys.chat("\(chat)"), "said").string ?? "") ?? 0
                }
                return said == rig.visitors.count * 3
            }
            // Until they were sent a few times each, or none is owed any more (every line counted as
            // taken: what the old code came to, with the agent still away).
            try await poll(.seconds(120), "the lines sent to the absent agent again and again", every: .milliseconds(50)) {
                let attempts = rig.routers.map { $0.occurrences("did not take visitor lines") + $0.occurrences("owed to the agent again") }
                var owed = false
                for chat in 1...rig.visitors.count {
                    let key = rig.store.keys.chat("\(chat)")
                    let said = try await rig.redis.send("HGET", key, "said").string
                    let forwarded = try await rig.redis.send("HGET", key, "forwarded").string
                    if said != forwarded { owed = true }
                }
                return attempts.reduce(0, +) >= 24 || !owed
            }
            _ = try await rig.connectAgent()
            try await rig.waitUntilSeen(lines)
        }
    }

    struct Rig: Sendable {
        let server: any XMPPServer
        let routers: [RouterProcess]
        let redis: RedisClient
        let inbox: AgentInbox
        let receipts: Receipts
        let visitors: [XMPPClient]
        let queue: JID
        let logger: Logger
        /// Every agent client connected, closed at the end.
        let agents: ClientList
        var store: RoutingStore { RoutingStore(redis: redis, prefix: "sb") }

        /// Waits until the agent has seen every one of `lines`; a failure names those not seen.
        func waitUntilSeen(_ lines: [String]) async throws {
            do {
                try await poll(.seconds(60), "every line at the agent", every: .milliseconds(50)) { await inbox.hasSeen(lines) }
            } catch {
                Issue.record("never at the agent: \(await inbox.unseen(lines))")
                throw error
            }
        }

        /// agent1 signed in, available to the routers, every message it is sent read into `inbox`.
        func connectAgent() async throws -> XMPPClient {
            let client = try await XMPPClient.connect(server.clientConfiguration("agent1"), logger: logger)
            await agents.add(client)
            Task { [inbox] in await inbox.read(client) }
            try await client.send(Presence())
            try await client.send(Presence(to: try JID(domain: server.serviceDomain)))
            try await poll(.seconds(60), "the routers to count the agent available", every: .milliseconds(50)) {
                try await redis.send("HGET", store.keys.agent("agent1@localhost"), "presence").string == "available"
            }
            return client
        }
    }

    /// ejabberd, Redis, two routers joined (their presence resync done), the visitors connected.
    static func withTwoRouters(visitorCount: Int = visitors.count, _ body: (Rig) async throws -> Void) async throws {
        let visitors = Array(Self.visitors.prefix(visitorCount))
        let accounts = Dictionary(uniqueKeysWithValues: (["agent1"] + visitors).map { ($0, "secret") })
        try await withXMPPServer(.ejabberd, .init(accounts: accounts)) { server in
            try await withRedisServer { redisServer in
                let routers = try (0..<2).map { _ in try RouterProcess(server: server, redisURL: redisServer.url, routing: routing) }
                var logger = Logger(label: "late-bounce-test")
                logger.logLevel = .warning
                let redis = RedisClient(configuration: RedisConfiguration(url: try RedisURL(redisServer.url)), logger: logger)
                let receipts = Receipts()
                let agents = ClientList()
                var clients: [XMPPClient] = []
                var readers: [Task<Void, Never>] = []
                try await withCleanup {
                    for router in routers {
                        try await router.start()
                        try await router.waitForLog("presence resync")
                    }
                    clients = try await CrashSafetyTests.connectVisitors(server, among: visitors, logger: logger)
                    readers = clients.map { client in Task { await receipts.read(client) } }
                    try await body(Rig(
                        server: server, routers: routers, redis: redis, inbox: AgentInbox(), receipts: receipts, visitors: clients,
                        queue: try JID("help@\(server.serviceDomain)"), logger: logger, agents: agents))
                } cleanup: {
                    readers.forEach { $0.cancel() }
                    for client in clients + (await agents.all) { await client.close() }
                    await redis.close()
                    for router in routers { await router.stop() }
                }
            }
        }
    }
}

/// Clients a test connected as it went, to close at its end.
actor ClientList {
    private(set) var all: [XMPPClient] = []
    func add(_ client: XMPPClient) { all.append(client) }
}
