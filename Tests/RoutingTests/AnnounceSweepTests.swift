import Foundation
import Logging
import Redis
import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// With several routers, one may die halfway through a piece of work while the others stay
/// joined (no join picks up what is left): a sweep of every router does. In each test a router
/// runs with Alice available, and the test plays a second router, through the store, that dies.
@Suite(.serialized) struct AnnounceSweepTests {
    @Test func aChatGivenByARouterThatDiedBeforeTellingIsAnnouncedByARouterStillJoined() async throws {
        try await Self.withRouterAndAlice { rig in
            // The "second router" opens a chat, gives it to Alice in Redis, and dies before telling her.
            try await rig.openAndGive("left unannounced")
            try await poll(.seconds(60), "the chat's history at the agent", every: .milliseconds(50)) {
                await rig.inbox.hasSeen(["left unannounced"])
            }
            #expect(await rig.inbox.counts["left unannounced"] == 1)
            #expect(try await rig.redis.send("HGET", rig.store.keys.chat("1"), "announced").string == "1")
        }
    }

    /// A router that claimed a visitor's line for the agent and died before sending it leaves the
    /// line owed; with nothing else happening (no resend, no join), a sweep of a router still
    /// joined passes it on once the claim's lease has run out. The fault run saw such lines (a
    /// chat's first line, held for its order and placed as the chat was being told) never reach
    /// the agent though their visitor had a receipt.
    @Test func aLineClaimedByARouterThatDiedBeforeSendingIsPassedOnByARouterStillJoined() async throws {
        try await Self.withRouterAndAlice { rig in
            // The running router opens the chat and tells Alice.
            _ = try await rig.store.enqueue(queue: "help", visitor: "visitor1@localhost", name: "visitor1", channel: .xmpp,
                                            message: "first", messageID: "o1", lineOrderHold: .zero)
            try await poll(.seconds(60), "the first line at the agent", every: .milliseconds(50)) { await rig.inbox.hasSeen(["first"]) }
            // The "second router" stores and claims the next line, and dies.
            let claimed = try await rig.store.enqueue(queue: "help", visitor: "visitor1@localhost", name: "visitor1", channel: .xmpp,
                                                      message: "second", messageID: "o2", lineOrderHold: .zero)
            #expect(claimed.unsent.lines.map(\.text) == ["second"], "claimed for the agent by the 'dying' router")
            try await poll(.seconds(60), "the owed line at the agent", every: .milliseconds(50)) { await rig.inbox.hasSeen(["second"]) }
            #expect(await rig.inbox.counts["second"] == 1)
        }
    }

    /// A router that stored a new chat and died before its routing pass leaves the chat queued
    /// with an agent free; with nothing else happening (no new chat, no agent coming or going),
    /// a sweep of a router still joined routes it.
    @Test func aChatQueuedByARouterThatDiedBeforeRoutingIsRoutedByARouterStillJoined() async throws {
        try await Self.withRouterAndAlice { rig in
            _ = try await rig.store.enqueue(queue: "help", visitor: "visitor1@localhost", name: "visitor1", channel: .xmpp,
                                            message: "left queued", messageID: "q1")
            try await poll(.seconds(60), "the chat at the agent", every: .milliseconds(50)) {
                await rig.inbox.hasSeen(["left queued"])
            }
            #expect(await rig.inbox.counts["left queued"] == 1)
            #expect(try await rig.store.chat("1")?["agent"] == "alice@localhost")
        }
    }

    /// A router told the agent of a chat and died before marking it told: a sweep tells it again
    /// (at least once), under the same id as the first telling (`RelayedLineID.history`), so a
    /// client that keeps the ids it saw shows the history once (ScaleOutTests' known issue).
    @Test func aHistoryToldAgainCarriesTheIdOfTheFirstTelling() async throws {
        try await Self.withRouterAndAlice { rig in
            try await rig.openAndGive("told twice")
            try await poll(.seconds(60), "the chat's history at the agent", every: .milliseconds(50)) {
                await rig.inbox.hasSeen(["told twice"])
            }
            // The agent can read the history before the router has marked it told (it marks it on
            // the server's answer to the ping behind it): once marked, as if the router that told
            // "died" before marking it, the mark is taken back, and the sweep tells again.
            try await poll(.seconds(60), "the chat marked told", every: .milliseconds(50)) { try await rig.store.isAnnounced("1") }
            _ = try await rig.redis.send("HSET", rig.store.keys.chat("1"), "announced", "0")
            try await poll(.seconds(60), "the history told again", every: .milliseconds(50)) {
                await rig.inbox.counts["told twice"] == 2
            }
            #expect(await rig.inbox.shown["told twice"] == 1, "the copy carries the first telling's id")
        }
    }

    /// An offer the XMPP server sends back (the agent had no session to take it: in the fault
    /// run, ejabberd just restarted and the agents not yet back) does not count as told: the sweep
    /// tells it again until the agent is there. It counted as told, and the chat was lost to its
    /// agent. Here the agent has no session at all (no such account), Redis says available.
    @Test func anOfferTheServerSentBackIsToldAgain() async throws {
        let routing = """
            queues:
              - { name: help, skills: [help] }
            agents:
              - { jid: ghost@localhost, name: Ghost, skills: { help: 5 } }
            """
        try await withXMPPServer(.prosody, .init(accounts: ["visitor1": "secret"])) { xmpp in
            try await withRedisServer { redisServer in
                let router = try RouterProcess(server: xmpp, redisURL: redisServer.url, routing: routing)
                var logger = Logger(label: "announce-sweep-test")
                logger.logLevel = .warning
                let redis = RedisClient(configuration: RedisConfiguration(url: try RedisURL(redisServer.url)), logger: logger)
                let store = RoutingStore(redis: redis, prefix: "sb")
                try await withCleanup {
                    try await router.start()
                    // After the join's resync window (which would count Ghost offline again).
                    try await router.waitForLog("presence resync")
                    try await store.available("ghost@localhost")
                    _ = try await store.enqueue(queue: "help", visitor: "visitor1@localhost", name: "visitor1", channel: .xmpp,
                                                message: "for nobody", messageID: "g1")
                    // The sweep routes the chat and tells Ghost, twice at least: told again, not counted as told.
                    try await router.waitForLog("no session to take the offer", count: 2)
                    #expect(try await store.chat("1")?["agent"] == "ghost@localhost")
                    #expect(try await redis.send("HGET", store.keys.chat("1"), "announced").string != "1")
                } cleanup: {
                    await redis.close()
                    await router.stop()
                }
            }
        }
    }

    /// The store the test works through as a second router, and what Alice was sent.
    struct Rig {
        let store: RoutingStore
        let redis: RedisClient
        let inbox: AgentInbox
        let rules: RoutingRules

        /// Opens visitor1's chat with `line` and gives it to Alice in Redis, as a second router
        /// would. The running router's sweep may route it first (it finds it queued): the same outcome.
        func openAndGive(_ line: String) async throws {
            _ = try await store.enqueue(queue: "help", visitor: "visitor1@localhost", name: "visitor1", channel: .xmpp,
                                        message: line, messageID: "u1")
            let routed = try await store.route(rules.plan).map(\.agent)
            let holder = try await store.chat("1")?["agent"]
            #expect(routed == ["alice@localhost"] || routed.isEmpty && holder == "alice@localhost", "\(routed), \(holder ?? "none")")
        }
    }

    /// Prosody, Redis, a router process, and Alice available to it, reading what she is sent.
    static func withRouterAndAlice(_ body: (Rig) async throws -> Void) async throws {
        try await withXMPPServer(.prosody, .init(accounts: ["alice": "secret", "visitor1": "secret"])) { xmpp in
            try await withRedisServer { redisServer in
                let router = try RouterProcess(server: xmpp, redisURL: redisServer.url, routing: AssigningRaceTests.routing)
                var logger = Logger(label: "announce-sweep-test")
                logger.logLevel = .warning
                let redis = RedisClient(configuration: RedisConfiguration(url: try RedisURL(redisServer.url)), logger: logger)
                var clients: [XMPPClient] = []
                try await withCleanup {
                    try await router.start()
                    let alice = try await XMPPClient.connect(xmpp.clientConfiguration("alice"), logger: logger)
                    clients.append(alice)
                    try await alice.send(Presence())
                    try await RouterLiveTests.available(alice, domain: xmpp.serviceDomain)
                    let inbox = AgentInbox()
                    let reading = Task { await inbox.read(alice) }
                    defer { reading.cancel() }
                    let rules = RoutingRules(try RouterLiveTests.parseWorkflow(AssigningRaceTests.routing, domain: xmpp.serviceDomain))
                    try await body(Rig(store: RoutingStore(redis: redis, prefix: "sb"), redis: redis, inbox: inbox, rules: rules))
                } cleanup: {
                    for client in clients { await client.close() }
                    await redis.close()
                    await router.stop()
                }
            }
        }
    }
}
