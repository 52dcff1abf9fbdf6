import Redis
@testable import Routing
import RoutingTesting
import Testing

/// The routing scripts against a real Redis: each operation, and the rules they keep.
@Suite struct RoutingScriptTests {
    static func plan(
        _ queue: String, strategy: String = "longest-idle", offer: Duration? = nil,
        _ candidates: [QueuePlan.Candidate]
    ) -> [QueuePlan] {
        [QueuePlan(queue: queue, strategy: strategy, offerTimeout: offer, candidates: candidates)]
    }

    @Test func enqueueKeepsTheVisitorsMessagesOnce() async throws {
        try await withStore { store, _ in
            let first = try await store.enqueue(
                queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "help", messageID: "a")
            let repeated = try await store.enqueue(
                queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "help", messageID: "a")
            let next = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "hello?")
            #expect(first.messageStored && !repeated.messageStored && next.messageStored)
            #expect(try await store.transcript(first.chat).map(\.text) == ["help", "hello?"])
        }
    }

    @Test func enqueueOpensOneChatPerVisitorAndQueue() async throws {
        try await withStore { store, redis in
            let first = try await store.enqueue(queue: "sales", visitor: "v1@localhost", name: "Vi", channel: .xmpp)
            let second = try await store.enqueue(queue: "sales", visitor: "v2@localhost", name: "Wu", channel: .web)
            let again = try await store.enqueue(queue: "sales", visitor: "v1@localhost", name: "Vi", channel: .xmpp)
            let elsewhere = try await store.enqueue(queue: "billing", visitor: "v1@localhost", name: "Vi", channel: .xmpp)
            #expect(first.created && first.position == 1 && first.state == .queued)
            #expect(second.created && second.position == 2)
            #expect(!again.created && again.chat == first.chat && again.position == 1)
            #expect(elsewhere.created && elsewhere.chat != first.chat)
            #expect(try await store.waiting("sales") == [first.chat, second.chat])
            let fields = try #require(try await store.chat(first.chat))
            #expect(fields["visitor"] == "v1@localhost" && fields["name"] == "Vi" && fields["channel"] == "xmpp")
            #expect(try await events(redis, store.keys).map { $0["type"] } == ["queued", "queued", "queued"])
        }
    }

    @Test func routeRespectsPresenceCapacityAndOrder() async throws {
        try await withStore { store, redis in
            var chats: [String] = []
            for index in 1...5 {
                chats.append(try await store.enqueue(queue: "sales", visitor: "v\(index)@x", name: "", channel: .xmpp).chat)
            }
            try await store.available("alice", "bob")
            try await store.setPresence(agent: "carol", .dnd, grace: .seconds(60))
            let candidates = [
                QueuePlan.Candidate(jid: "alice", capacity: 2), .init(jid: "bob", capacity: 1), .init(jid: "carol", capacity: 5),
            ]
            let assignments = try await store.route(Self.plan("sales", candidates))
            #expect(assignments.map(\.chat) == Array(chats.prefix(3)), "oldest chats first")
            #expect(Dictionary(grouping: assignments, by: \.agent).mapValues(\.count) == ["alice": 2, "bob": 1])
            #expect(assignments.allSatisfy { $0.state == .active })
            #expect(try await store.waiting("sales") == Array(chats.suffix(2)))
            // Nobody has room: nothing more happens.
            #expect(try await store.route(Self.plan("sales", candidates)).isEmpty)
            // A chat closes: its agent takes the next one.
            #expect(try await store.close(chat: chats[0], by: .agent, agent: try await store.agentOf(chats[0])).succeeded)
            #expect(try await store.route(Self.plan("sales", candidates)).map(\.chat) == [chats[3]])
            let kinds = try await events(redis, store.keys).map { $0["type"] ?? "" }
            #expect(kinds.filter { $0 == "assigned" }.count == 4)
        }
    }

    @Test func longestIdleGivesToTheAgentRoutedToLeastRecently() async throws {
        try await withStore { store, _ in
            try await store.available("a", "b", "c")
            let candidates = ["a", "b", "c"].map { QueuePlan.Candidate(jid: $0, capacity: 5) }
            var order: [String] = []
            for index in 1...6 {
                _ = try await store.enqueue(queue: "sales", visitor: "v\(index)", name: "", channel: .xmpp)
                order += try await store.route(Self.plan("sales", candidates)).map(\.agent)
            }
            // Each agent gets one before anyone gets a second, and the rotation repeats.
            #expect(Set(order.prefix(3)) == ["a", "b", "c"])
            #expect(Array(order.suffix(3)) == Array(order.prefix(3)))
        }
    }

    @Test func leastBusyGivesToTheAgentWithTheLowestLoad() async throws {
        try await withStore { store, _ in
            try await store.available("a", "b")
            // First load a with three chats (skills-weighted prefers it), then compare loads.
            let setup = [QueuePlan.Candidate(jid: "a", capacity: 4), .init(jid: "b", capacity: 2)]
            for index in 1...3 { _ = try await store.enqueue(queue: "setup", visitor: "s\(index)", name: "", channel: .xmpp) }
            let given = try await store.route(Self.plan("setup", strategy: "skills-weighted", [
                .init(jid: "a", capacity: 4, level: 9), .init(jid: "b", capacity: 2, level: 1),
            ]))
            #expect(given.map(\.agent) == ["a", "a", "a"])  // skills-weighted prefers a while it has room
            _ = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp)
            let next = try await store.route(Self.plan("sales", strategy: "least-busy", setup))
            #expect(next.map(\.agent) == ["b"], "a is at 3/4, b at 0/2")
        }
    }

    @Test func roundRobinTakesAgentsInTurnEvenWhenSomeAreFree() async throws {
        try await withStore { store, _ in
            try await store.available("a", "b", "c")
            let candidates = ["a", "b", "c"].map { QueuePlan.Candidate(jid: $0, capacity: 9) }
            var order: [String] = []
            for index in 1...7 {
                _ = try await store.enqueue(queue: "sales", visitor: "v\(index)", name: "", channel: .xmpp)
                order += try await store.route(Self.plan("sales", strategy: "round-robin", candidates)).map(\.agent)
            }
            #expect(order == ["a", "b", "c", "a", "b", "c", "a"])
        }
    }

    @Test func skillsWeightedPrefersTheHigherLevel() async throws {
        try await withStore { store, _ in
            try await store.available("novice", "expert")
            let candidates = [QueuePlan.Candidate(jid: "novice", capacity: 3, level: 2), .init(jid: "expert", capacity: 1, level: 9)]
            for index in 1...3 { _ = try await store.enqueue(queue: "sales", visitor: "v\(index)", name: "", channel: .xmpp) }
            let given = try await store.route(Self.plan("sales", strategy: "skills-weighted", candidates))
            #expect(given.map(\.agent) == ["expert", "novice", "novice"], "the expert first, then whoever has room")
        }
    }

    @Test func queuesAreServedInPlanOrder() async throws {
        try await withStore { store, _ in
            try await store.available("a")
            let low = try await store.enqueue(queue: "low", visitor: "v1", name: "", channel: .xmpp)
            let high = try await store.enqueue(queue: "high", visitor: "v2", name: "", channel: .xmpp)
            let agent = [QueuePlan.Candidate(jid: "a", capacity: 1)]
            let plan = [QueuePlan(queue: "high", strategy: "longest-idle", candidates: agent),
                        QueuePlan(queue: "low", strategy: "longest-idle", candidates: agent)]
            #expect(try await store.route(plan).map(\.chat) == [high.chat])
            #expect(try await store.state(low.chat) == "queued")
        }
    }

    @Test func manualAcceptDeclineAndTimeouts() async throws {
        try await withStore { store, redis in
            try await store.available("a", "b")
            let chat = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp).chat
            let candidates = [QueuePlan.Candidate(jid: "a", capacity: 1), .init(jid: "b", capacity: 1)]
            let plan = Self.plan("sales", offer: .seconds(30), candidates)
            let first = try #require(try await store.route(plan).first)
            #expect(first.state == .offered)
            let other = first.agent == "a" ? "b" : "a"
            // Only the agent offered the chat can take it.
            #expect(try await store.accept(chat: chat, agent: other) == .refused("not-yours"))
            // Declined: back at the front, and offered to the other agent, never again to the first.
            #expect(try await store.decline(chat: chat, agent: first.agent).succeeded)
            #expect(try await store.waiting("sales") == [chat])
            let second = try #require(try await store.route(plan).first)
            #expect(second.agent == other)
            #expect(try await store.decline(chat: chat, agent: other, timedOut: true).succeeded)
            // Both passed on it: rather than leave it waiting for good, it goes round again.
            let third = try #require(try await store.route(plan).first)
            #expect(third.chat == chat && third.state == .offered)
            let kinds = try await events(redis, store.keys).compactMap { $0["type"] }
            #expect(kinds.contains("declined") && kinds.contains("offer_timeout"))
        }
    }

    @Test func racingAcceptsHaveExactlyOneWinner() async throws {
        try await withStore { store, _ in
            try await store.available("a")
            let chat = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp).chat
            _ = try await store.route(Self.plan("sales", offer: .seconds(30), [.init(jid: "a", capacity: 1)]))
            let results = try await withThrowingTaskGroup(of: Outcome.self) { group in
                for _ in 0..<20 { group.addTask { try await store.accept(chat: chat, agent: "a") } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter(\.succeeded).count == 1)
            #expect(results.filter { $0 == .refused("active") }.count == 19)
        }
    }

    @Test func missedOffersSetTheAgentAway() async throws {
        try await withStore { store, redis in
            try await store.available("a")
            _ = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp)
            for index in 1...3 {
                // The only agent: the chat comes back to them each time they miss it.
                let offer = try #require(try await store.route(Self.plan("sales", offer: .seconds(5), [.init(jid: "a", capacity: 1)])).first)
                let result = try await store.decline(chat: offer.chat, agent: "a", timedOut: true, missedLimit: 3)
                #expect(result == .done(index == 3 ? "away" : "queued"))
            }
            let presence = try await redis.send("HGET", store.keys.agent("a"), "presence").string
            #expect(presence == "away")
        }
    }

    @Test func anOfflineAgentsChatsReturnAfterGraceUnlessTheyComeBack() async throws {
        try await withStore { store, redis in
            try await store.available("a")
            let chats = [
                try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp).chat,
                try await store.enqueue(queue: "sales", visitor: "v2", name: "", channel: .xmpp).chat,
            ]
            let waitingBehind = try await store.enqueue(queue: "sales", visitor: "v3", name: "", channel: .xmpp).chat
            _ = try await store.route(Self.plan("sales", [.init(jid: "a", capacity: 2)]))
            // Back within the grace period: nothing changes.
            try await store.setPresence(agent: "a", .offline, grace: .seconds(60))
            #expect(try await redis.send("ZSCORE", store.keys.timers, "grace|a").string != nil)
            try await store.setPresence(agent: "a", .available, grace: .seconds(60))
            #expect(try await redis.send("ZSCORE", store.keys.timers, "grace|a").isNull)
            #expect(try await store.expireGrace(agent: "a").isEmpty)
            // Gone past it: both chats go back to the front, oldest first, ahead of the one waiting.
            try await store.setPresence(agent: "a", .offline, grace: .seconds(60))
            #expect(Set(try await store.expireGrace(agent: "a")) == Set(chats))
            #expect(try await store.waiting("sales") == chats + [waitingBehind])
            #expect(try await redis.send("HGET", store.keys.agent("a"), "load").int == 0)
        }
    }

    @Test func closingCountsAbandonmentAndFreesTheAgent() async throws {
        try await withStore { store, redis in
            try await store.available("a")
            let answered = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp).chat
            _ = try await store.route(Self.plan("sales", [.init(jid: "a", capacity: 1)]))
            let abandoned = try await store.enqueue(queue: "sales", visitor: "v2", name: "", channel: .xmpp).chat
            #expect(try await store.close(chat: answered, by: .agent, agent: "b") == .refused("not-yours"))
            #expect(try await store.close(chat: abandoned, by: .visitor) == .done("queued"))
            #expect(try await store.close(chat: answered, by: .agent, agent: "a") == .done("active"))
            #expect(try await store.close(chat: answered, by: .visitor) == .refused("closed"))
            let closed = try await events(redis, store.keys).filter { $0["type"] == "closed" }
            #expect(closed.map { $0["abandoned"] } == ["1", "0"])
            #expect(try await redis.send("HGET", store.keys.agent("a"), "load").int == 0)
            // The visitor may open a new chat in the queue.
            #expect(try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp).created)
        }
    }

    @Test func transferToAQueueOrAnAgentKeepsTheTranscript() async throws {
        try await withStore { store, _ in
            try await store.available("a", "b")
            let chat = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp).chat
            _ = try await store.route(Self.plan("sales", [.init(jid: "a", capacity: 1)]))
            #expect(try await store.record(chat: chat, .visitor, from: "v1", text: "hello", messageID: "m1").status == .stored)
            #expect(try await store.record(chat: chat, .visitor, from: "v1", text: "hello", messageID: "m1").status == .duplicate)
            #expect(try await store.record(chat: chat, .agent, from: "b", text: "not mine").status == .notHolder)
            let stored = try await store.record(chat: chat, .agent, from: "a", text: "hi!")
            #expect(stored == Recorded(
                status: .stored, visitor: "v1", queue: "sales", channel: .xmpp, agent: "a", address: "sales", monitors: []))
            #expect(try await store.transfer(chat: chat, from: "b", to: .queue("billing")) == .refused("not-yours"))
            #expect(try await store.transfer(chat: chat, from: "a", to: .queue("billing")) == .done("queued"))
            #expect(try await store.waiting("billing") == [chat])
            _ = try await store.route(Self.plan("billing", [.init(jid: "b", capacity: 1)]))
            #expect(try await store.agentOf(chat) == "b")
            #expect(try await store.transfer(chat: chat, from: "b", to: .agent(jid: "a", capacity: 1, offerTimeout: nil)) == .done("active"))
            #expect(try await store.agentOf(chat) == "a")
            let lines = try await store.transcript(chat)
            #expect(lines.map(\.text) == ["hello", "hi!"] && lines.map(\.kind) == [.visitor, .agent])
        }
    }

    @Test func aMovedChatIsStillReachedWhereTheVisitorStarted() async throws {
        try await withStore { store, _ in
            try await store.available("a")
            let chat = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp).chat
            _ = try await store.route(Self.plan("sales", [.init(jid: "a", capacity: 1)]))
            #expect(try await store.transfer(chat: chat, from: "a", to: .queue("billing")) == .done("queued"))
            let again = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "still me")
            #expect(!again.created && again.chat == chat, "not a second chat")
            #expect(try await store.openChat(queue: "sales", visitor: "v1")?.id == chat)
            #expect(try await store.transcript(chat).map(\.text) == ["still me"])
            // Once it is closed, the old address opens a new chat.
            _ = try await store.close(chat: chat, by: .visitor)
            #expect(try await store.openChat(queue: "sales", visitor: "v1")?.id == nil)
            let next = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp)
            #expect(next.created && next.chat != chat)
        }
    }

    @Test func overflowDropsASkillOrMovesTheChat() async throws {
        try await withStore { store, redis in
            try await store.available("generalist")
            let chat = try await store.enqueue(
                queue: "sales", visitor: "v1", name: "", channel: .xmpp, overflowDelays: [.seconds(60), .seconds(120)]).chat
            #expect(try await redis.send("ZCARD", store.keys.timers).int == 2)
            // The generalist lacks one skill: eligible only after one drop.
            let plan = Self.plan("sales", [.init(jid: "generalist", capacity: 1, dropsNeeded: 1)])
            #expect(try await store.route(plan).isEmpty)
            #expect(try await store.overflow(chat: chat, step: 1, moveTo: nil) == .done("sales"))
            #expect(try await store.route(plan).map(\.chat) == [chat])
            // A chat no longer waiting is left alone by later steps, and closing clears its timers.
            #expect(try await store.overflow(chat: chat, step: 2, moveTo: "general") == .refused("active"))
            _ = try await store.close(chat: chat, by: .system)
            #expect(try await redis.send("ZCARD", store.keys.timers).int == 0)
            let other = try await store.enqueue(queue: "sales", visitor: "v2", name: "", channel: .xmpp).chat
            #expect(try await store.overflow(chat: other, step: 1, moveTo: "general") == .done("general"))
            #expect(try await store.waiting("general") == [other])
            #expect(try await store.enqueue(queue: "general", visitor: "v2", name: "", channel: .xmpp).chat == other)
        }
    }
}
