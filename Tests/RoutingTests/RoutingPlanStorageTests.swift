import Redis
@testable import Routing
import Testing

/// The route script reads the routing plan from Redis under its SHA-1 instead of receiving ~2.4 KB
/// of JSON on every pass (issue 16): any router still routes when the plan is not there (first
/// pass, evicted, expired), and a pass that announces its chats gets their histories with it.
@Suite struct RoutingPlanStorageTests {
    static func plan(_ agents: [String], queue: String = "sales") -> [QueuePlan] {
        [QueuePlan(queue: queue, strategy: "longest-idle", offerTimeout: nil, candidates: agents.map { .init(jid: $0, capacity: 1) })]
    }

    static func storedPlans(_ store: RoutingStore, _ redis: RedisClient) async throws -> [String] {
        try await redis.send("KEYS", store.keys.plan("*")).values().map { try $0.text() }.sorted()
    }

    @Test func aPlanMissingFromRedisIsStoredAgainAndTheChatStillRouted() async throws {
        try await withStore { store, redis in
            try await store.available("a", "b")
            let first = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp).chat
            #expect(try await store.route(Self.plan(["a", "b"])).map(\.chat) == [first])
            let stored = try await Self.storedPlans(store, redis)
            #expect(stored.count == 1, "one plan, one key: \(stored)")
            // Redis lost it (eviction, expiry, a failover): the next pass stores it again.
            _ = try await redis.send("DEL", stored[0])
            let second = try await store.enqueue(queue: "sales", visitor: "v2", name: "", channel: .xmpp).chat
            #expect(try await store.route(Self.plan(["a", "b"])).map(\.chat) == [second])
            #expect(try await Self.storedPlans(store, redis) == stored)
            // A new workflow's plan is a key of its own; the old one is left to expire.
            _ = try await store.route(Self.plan(["a", "b", "c"]))
            #expect(try await Self.storedPlans(store, redis).count == 2)
            #expect(try await redis.send("PTTL", stored[0]).int ?? 0 > 0, "an old plan expires")
        }
    }

    @Test func aPassThatAnnouncesTakesTheRightToAnnounceEachChatItGives() async throws {
        try await withStore { store, redis in
            try await store.available("a")
            let given = try await store.enqueue(queue: "sales", visitor: "v1", name: "Vi", channel: .xmpp, message: "hello").chat
            let waiting = try await store.enqueue(queue: "sales", visitor: "v2", name: "", channel: .xmpp, message: "me too").chat
            let routed = try await store.route(Self.plan(["a"]), announcing: .seconds(10))
            #expect(routed.assignments.map(\.chat) == [given])
            #expect(routed.claimed == [true])
            #expect(try await redis.send("GET", store.keys.announcing(given)).string == "1", "the right to announce is this pass's")
            // The history is not taken yet: until it is, the chat's later lines wait for it.
            #expect(try await redis.send("HGET", store.keys.chat(given), "forwarded").string == nil)
            #expect(try await store.claimAnnouncement(given) == false)
            #expect(routed.stillWaiting == ["sales"], "\(waiting) still waits: its visitor hears its new place")
            try await store.markAnnouncedAndRelease(given)
            #expect(try await store.isAnnounced(given))
            #expect(try await redis.send("EXISTS", store.keys.announcing(given)).int == 0)
            // Without `announcing` nothing is held or read.
            try await store.available("b")
            let plain = try await store.route(Self.plan(["a", "b"]), announcing: nil)
            #expect(plain.assignments.map(\.chat) == [waiting] && plain.claimed == [false])
            #expect(try await redis.send("EXISTS", store.keys.announcing(waiting)).int == 0)
            #expect(plain.stillWaiting.isEmpty)
        }
    }

    /// A chat opened in the line is routed in its enqueue step (issue 16): its offer waits on one
    /// round trip, not three. The step takes the right to announce it and its history; other chats
    /// the same pass gives are told as after a pass of their own (their history read apart).
    @Test func theStepThatOpensAChatRoutesItAndTakesItsHistory() async throws {
        try await withStore { store, redis in
            let opening = RoutingStore.PassOnOpening(plan: Self.plan(["a", "b"]), announcing: .seconds(10))
            // Nobody available: opened, routed to nobody, no history.
            let waits = try await store.enqueue(
                queue: "sales", visitor: "v1", name: "Vi", channel: .xmpp, message: "first", messageID: "m1", routing: opening)
            #expect(waits.enqueued.created && waits.enqueued.position == 1)
            #expect(waits.routed?.assignments.isEmpty == true && waits.history == nil)
            #expect(waits.routed?.stillWaiting == [], "nothing was given, so no place moved")
            // An agent comes: the next chat opened is given in its step, and so is the one waiting.
            try await store.available("a", "b")
            let opened = try await store.enqueue(
                queue: "sales", visitor: "v2", name: "Wu", channel: .xmpp, message: "hello", messageID: "m2", routing: opening)
            let chat = opened.enqueued.chat
            let routed = try #require(opened.routed)
            #expect(Set(routed.assignments.map(\.chat)) == [waits.enqueued.chat, chat])
            #expect(routed.claimed == [true, true])
            let history = try #require(opened.history, "the new chat's history comes with the step")
            #expect(history.fields["state"] == "active" && history.fields["name"] == "Wu")
            #expect(history.transcript.map(\.text) == ["hello"])
            #expect(try await redis.send("HMGET", store.keys.chat(chat), "forwarded", "told").array?.map(\.string) == ["1", "1"])
            // The other chat's history is left to its own read, as after route-2.
            #expect(try await redis.send("HGET", store.keys.chat(waits.enqueued.chat), "forwarded").string == nil)
            #expect(try await redis.send("GET", store.keys.announcing(chat)).string == "1")
            // A line to a chat already open runs no pass, and lists its supervisors as before.
            let next = try await store.enqueue(
                queue: "sales", visitor: "v2", name: "Wu", channel: .xmpp, message: "again", messageID: "m3", routing: opening)
            #expect(!next.enqueued.created && next.routed == nil && next.history == nil && next.enqueued.monitors.isEmpty)
        }
    }

    @Test func theStepThatOpensAChatStoresAMissingPlanBeforeWritingAnything() async throws {
        try await withStore { store, redis in
            try await store.available("a")
            let opening = RoutingStore.PassOnOpening(plan: Self.plan(["a"]), announcing: .seconds(10))
            #expect(try await Self.storedPlans(store, redis).isEmpty)
            let opened = try await store.enqueue(
                queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "hello", messageID: "m1", routing: opening)
            #expect(opened.routed?.assignments.map(\.chat) == [opened.enqueued.chat])
            #expect(try await Self.storedPlans(store, redis).count == 1)
            // Refused once, then run again: one chat, one line.
            #expect(opened.enqueued.chat == "1" && opened.enqueued.messageStored)
            #expect(try await store.transcript(opened.enqueued.chat).map(\.text) == ["hello"])
        }
    }
}
