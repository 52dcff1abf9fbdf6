import Redis
import Routing
import Testing

/// Presence per resource, the resync's settling and a removed agent, as scripts on a real Redis.
@Suite struct PresenceScriptTests {
    static func plan(_ agent: String, offer: Duration? = nil) -> [QueuePlan] {
        [QueuePlan(queue: "sales", strategy: "longest-idle", offerTimeout: offer, candidates: [.init(jid: agent, capacity: 2)])]
    }

    @Test func theMostAvailableResourceCountsAndTheLastOneGoneMakesOffline() async throws {
        try await withStore { store, redis in
            let first = try await store.setPresence(agent: "a", resource: "phone", .xa, grace: .seconds(60))
            #expect(first == .xa)
            #expect(try await store.setPresence(agent: "a", resource: "desk", .available, grace: .seconds(60)) == .available)
            #expect(try await store.setPresence(agent: "a", resource: "tablet", .dnd, grace: .seconds(60)) == nil)
            // The desk's old session, replaced by a new login, says unavailable late: the new one stays.
            #expect(try await store.setPresence(agent: "a", resource: "desk2", .available, grace: .seconds(60)) == nil)
            #expect(try await store.setPresence(agent: "a", resource: "desk", .offline, grace: .seconds(60)) == nil)
            #expect(try await store.setPresence(agent: "a", resource: "desk2", .away, grace: .seconds(60)) == .away)
            #expect(try await store.setPresence(agent: "a", resource: "desk2", .offline, grace: .seconds(60)) == .xa)
            #expect(try await store.setPresence(agent: "a", resource: "phone", .offline, grace: .seconds(60)) == .dnd)
            #expect(try await store.setPresence(agent: "a", resource: "tablet", .offline, grace: .seconds(60)) == .offline)
            #expect(try await redis.send("EXISTS", store.keys.agentResources("a")).int == 0)
        }
    }

    @Test func oneResourceGoingLeavesTheAgentsChatsWithThem() async throws {
        try await withStore { store, redis in
            try await store.setPresence(agent: "a", resource: "phone", .available, grace: .seconds(60))
            try await store.setPresence(agent: "a", resource: "desk", .available, grace: .seconds(60))
            _ = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp)
            _ = try await store.route(Self.plan("a"))
            try await store.setPresence(agent: "a", resource: "phone", .offline, grace: .seconds(60))
            #expect(try await store.agentStatus("a").presence == .available)
            #expect(try await redis.send("ZSCORE", store.keys.timers, "grace|a").isNull, "no grace period starts")
        }
    }

    /// Missed offers set an available agent away; an offline one stays offline, so their grace
    /// period still gives their chats to someone else.
    @Test func anOfflineAgentIsNeverSetAwayByMissedOffers() async throws {
        try await withStore { store, redis in
            try await store.available("a")
            let active = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp).chat
            _ = try await store.route(Self.plan("a"))
            _ = try await store.accept(chat: active, agent: "a")
            let offered = try await store.enqueue(queue: "sales", visitor: "v2", name: "", channel: .xmpp).chat
            _ = try await store.route(Self.plan("a", offer: .seconds(5)))
            #expect(try await store.agentOf(offered) == "a")
            try await store.setPresence(agent: "a", .offline, grace: .seconds(60))
            #expect(try await store.decline(chat: offered, agent: "a", timedOut: true, missedLimit: 1) == .done("queued"))
            #expect(try await store.agentStatus("a").presence == .offline)
            #expect(try await store.expireGrace(agent: "a") == [active])
            #expect(try await redis.send("HGET", store.keys.agent("a"), "load").int == 0)
        }
    }

    /// An agent set away by missed offers stays away while another resource comes and goes,
    /// until a client of theirs says its presence again.
    @Test func awayForMissedOffersHoldsUntilTheAgentSpeaks() async throws {
        try await withStore { store, _ in
            try await store.setPresence(agent: "a", resource: "desk", .available, grace: .seconds(60))
            try await store.setPresence(agent: "a", resource: "phone", .available, grace: .seconds(60))
            let chat = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp).chat
            _ = try await store.route(Self.plan("a", offer: .seconds(5)))
            #expect(try await store.decline(chat: chat, agent: "a", timedOut: true, missedLimit: 1) == .done("away"))
            #expect(try await store.setPresence(agent: "a", resource: "phone", .offline, grace: .seconds(60)) == nil)
            #expect(try await store.agentStatus("a").presence == .away)
            #expect(try await store.setPresence(agent: "a", resource: "desk", .available, grace: .seconds(60)) == .available)
        }
    }

    @Test func settlingDropsResourcesNotHeardSinceTheJoin() async throws {
        try await withStore { store, redis in
            try await store.setPresence(agent: "a", resource: "old", .available, grace: .seconds(60))
            try await store.available("b")
            let chat = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp).chat
            _ = try await store.route(Self.plan("a"))
            // Both were last heard long before the join (1 s after the epoch, as Redis keeps it).
            for (agent, resource) in [("a", "old"), ("b", "")] {
                _ = try await redis.send("HSET", store.keys.agentResources(agent), resource, "available|1000")
            }
            let since = try await store.clock()
            // Heard from within the window: b keeps that resource only; a has none left.
            try await store.setPresence(agent: "b", resource: "new", .away, grace: .seconds(60))
            #expect(try await store.settlePresence(agent: "a", since: since, grace: .seconds(60)) == .offline)
            #expect(try await store.settlePresence(agent: "b", since: since, grace: .seconds(60)) == .away)
            #expect(try await store.agentStatus("b").presence == .away)
            #expect(try await redis.send("ZSCORE", store.keys.timers, "grace|a").string != nil, "a's chat \(chat) enters the grace period")
            #expect(try await store.expireGrace(agent: "a") == [chat])
        }
    }

    @Test func aRemovedAgentIsOfflineAndTheirChatsWaitAgain() async throws {
        try await withStore { store, redis in
            try await store.setPresence(agent: "a", resource: "desk", .available, grace: .seconds(60))
            let first = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp).chat
            let second = try await store.enqueue(queue: "sales", visitor: "v2", name: "", channel: .xmpp).chat
            _ = try await store.route(Self.plan("a"))
            #expect(Set(try await store.removeAgent("a")) == [first, second])
            #expect(try await store.waiting("sales") == [first, second])
            let status = try await store.agentStatus("a")
            #expect(status.presence == .offline && status.chats.isEmpty)
            #expect(try await redis.send("EXISTS", store.keys.agentResources("a")).int == 0)
        }
    }
}
