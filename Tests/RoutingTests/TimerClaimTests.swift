import Logging
import Redis
import RoutingTesting
@testable import Routing
import SwitchboardTesting
import Testing
import Workflow

/// A timer acts once, for what it was set for: the script acting on it takes it only while it is
/// still due, so a router that read it late (it was cleared, or set again for later, meanwhile)
/// does nothing, and of several routers that read the same due timer only one acts.
/// A timer is made due by setting its due time in the past (as time passing would).
@Suite struct TimerClaimTests {
    static func plan(_ offer: Duration?, _ agents: [String]) -> [QueuePlan] {
        [QueuePlan(queue: "sales", strategy: "longest-idle", offerTimeout: offer, candidates: agents.map { .init(jid: $0, capacity: 1) })]
    }

    /// Moves a timer's due time to the past.
    static func makeDue(_ timer: ChatTimer, _ store: RoutingStore, _ redis: RedisClient) async throws {
        _ = try await redis.send("ZADD", store.keys.timers, "XX", "1", timer.member)
    }

    static func due(_ timer: ChatTimer, _ store: RoutingStore, _ redis: RedisClient) async throws -> Int64? {
        try await redis.send("ZSCORE", store.keys.timers, timer.member).string.flatMap { Int64($0) }
    }

    @Test func aStaleOfferTimerNeverExpiresANewerOffer() async throws {
        try await withStore { store, redis in
            try await store.available("a", "b")
            let chat = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp).chat
            let first = try #require(try await store.route(Self.plan(.seconds(30), ["a", "b"])).first)
            let other = first.agent == "a" ? "b" : "a"
            // The first offer's timer was read as due; meanwhile the agent declined and the
            // chat was offered to the other agent, with a timer of its own.
            #expect(try await store.decline(chat: chat, agent: first.agent).succeeded)
            let second = try #require(try await store.route(Self.plan(.seconds(30), ["a", "b"])).first)
            #expect(second.agent == other)
            let timer = ChatTimer.offer(chat: chat)
            #expect(try await store.decline(chat: chat, agent: other, timedOut: true, claiming: timer) == .refused("not-due"))
            #expect(try await store.decline(chat: chat, agent: first.agent, timedOut: true, claiming: timer).succeeded == false)
            #expect(try await store.state(chat) == "offered")
            #expect(try await store.agentOf(chat) == other)
            #expect(try await Self.due(timer, store, redis) != nil, "the newer offer keeps its timer")
            // Once due it expires that offer, once, for the agent it was made to.
            try await Self.makeDue(timer, store, redis)
            #expect(try await store.decline(chat: chat, agent: other, timedOut: true, claiming: timer) == .done("queued"))
            #expect(try await store.decline(chat: chat, agent: other, timedOut: true, claiming: timer) == .refused("not-due"))
            #expect(try await redis.send("HGET", store.keys.agent(other), "missed").int == 1)
        }
    }

    @Test func aStaleGoneTimerNeverClosesAChatTheVisitorCameBackTo() async throws {
        try await withStore { store, redis in
            let chat = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "hi").chat
            let timer = ChatTimer.gone(chat: chat)
            try await store.setTimer(chat: chat, ChatTimer.goneKind, after: .zero)
            // Read as due; then the visitor writes again, which clears it.
            _ = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "still here", messageID: "m2")
            #expect(try await store.close(chat: chat, by: .timeout, claiming: timer) == .refused("not-due"))
            // The visitor's window closes again later: the earlier reading still closes nothing.
            try await store.setTimer(chat: chat, ChatTimer.goneKind, after: .seconds(60))
            #expect(try await store.close(chat: chat, by: .timeout, claiming: timer) == .refused("not-due"))
            #expect(try await store.state(chat) == "queued")
            try await Self.makeDue(timer, store, redis)
            #expect(try await store.close(chat: chat, by: .timeout, claiming: timer) == .done("queued"))
            #expect(try await store.close(chat: chat, by: .timeout, claiming: timer) == .refused("not-due"))
        }
    }

    @Test func aStaleGraceNeverCutsANewGraceShort() async throws {
        try await withStore { store, redis in
            try await store.available("a")
            let chat = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp).chat
            _ = try await store.route(Self.plan(nil, ["a"]))
            let timer = ChatTimer.grace(agent: "a")
            // Offline, read as due, back, and offline again: a new grace of a minute.
            try await store.setPresence(agent: "a", .offline, grace: .zero)
            try await store.setPresence(agent: "a", .available, grace: .seconds(60))
            try await store.setPresence(agent: "a", .offline, grace: .seconds(60))
            #expect(try await store.expireGrace(agent: "a", claiming: timer).isEmpty)
            #expect(try await store.agentOf(chat) == "a")
            #expect(try await Self.due(timer, store, redis) != nil)
            try await Self.makeDue(timer, store, redis)
            #expect(try await store.expireGrace(agent: "a", claiming: timer) == [chat])
            #expect(try await store.waiting("sales") == [chat])
        }
    }

    @Test func anOverflowStepRunsOnceAndStepsFollowAMovedChat() async throws {
        try await withStore { store, redis in
            let chat = try await store.enqueue(
                queue: "sales", visitor: "v1", name: "", channel: .xmpp, overflowDelays: [.zero, .seconds(60)]).chat
            let step1 = ChatTimer.overflow(chat: chat, step: 1)
            #expect(try await store.overflow(chat: chat, step: 1, moveTo: nil, from: "sales", claiming: step1) == .done("sales"))
            #expect(try await store.overflow(chat: chat, step: 1, moveTo: nil, from: "sales", claiming: step1) == .refused("not-due"))
            #expect(try await store.chat(chat)?["dropped"] == "1")
            // Step 2 moves it: the steps left of `sales` give way to those of `general`, from now.
            let step2 = ChatTimer.overflow(chat: chat, step: 2)
            try await Self.makeDue(step2, store, redis)
            let moved = try await store.overflow(
                chat: chat, step: 2, moveTo: "general", overflowDelays: [.seconds(30)], from: "sales", claiming: step2)
            #expect(moved == .done("general"))
            #expect(try await Self.chatTimers(chat, store, redis) == [step1.member])
            let soon = try #require(try await Self.due(step1, store, redis))
            #expect(soon > 1_000, "set for later, not due")
            // A step read for the queue it left does nothing there.
            try await Self.makeDue(step1, store, redis)
            #expect(try await store.overflow(chat: chat, step: 1, moveTo: "elsewhere", from: "sales", claiming: step1)
                == .refused("moved"))
            #expect(try await store.chat(chat)?["queue"] == "general")
        }
    }

    @Test func aChatTransferredToAQueueTakesThatQueuesSteps() async throws {
        try await withStore { store, redis in
            try await store.available("a")
            let chat = try await store.enqueue(
                queue: "sales", visitor: "v1", name: "", channel: .xmpp, overflowDelays: [.seconds(60), .seconds(120)]).chat
            _ = try await store.route(Self.plan(nil, ["a"]))
            #expect(try await store.transfer(chat: chat, from: "a", to: .queue("billing"), overflowDelays: [.seconds(45)]) == .done("queued"))
            #expect(try await Self.chatTimers(chat, store, redis) == ["overflow|\(chat)|1"])
            let step = ChatTimer.overflow(chat: chat, step: 1)
            #expect(try await store.overflow(chat: chat, step: 1, moveTo: nil, from: "billing", claiming: step) == .refused("not-due"))
        }
    }

    /// Two routers on one Redis read the same due timers (each their own connection), then fire
    /// them all at once with the actions the router's timers take: each overflow step, grace
    /// period, offer timeout, gone visitor and lapsed hold acts exactly once.
    @Test func twoRoutersFireEachDueTimerOnce() async throws {
        try await withStore { store, redis in
            let rules = RoutingRules(
                domain: "localhost",
                queues: [RoutingRules.Queue(
                    Queue(name: "sales", overflow: [.init(after: .zero, action: .dropSkill("x")), .init(after: .zero, action: .dropSkill("y"))]),
                    plan: Self.plan(nil, [])[0])],
                agents: [])
            var chats: [String] = []
            for index in 0..<30 {
                chats.append(try await store.enqueue(
                    queue: "sales", visitor: "v\(index)", name: "", channel: .xmpp, overflowDelays: [.zero, .zero]).chat)
            }
            for agent in ["a", "b", "c"] {
                try await store.setPresence(agent: agent, .available, grace: .zero)
                _ = try await store.enqueue(queue: "support", visitor: "w-\(agent)", name: "", channel: .xmpp)
                _ = try await store.route([QueuePlan(queue: "support", strategy: "longest-idle", offerTimeout: nil,
                                                     candidates: [.init(jid: agent, capacity: 1)])])
                try await store.setPresence(agent: agent, .offline, grace: .zero)
            }
            // Ten offers (manual accept) and ten gone visitors, all due.
            for index in 0..<5 { try await store.available("o\(index)") }
            for index in 0..<10 {
                _ = try await store.enqueue(queue: "desk", visitor: "d\(index)", name: "", channel: .xmpp)
                let gone = try await store.enqueue(queue: "lobby", visitor: "g\(index)", name: "", channel: .xmpp).chat
                try await store.setTimer(chat: gone, ChatTimer.goneKind, after: .zero)
            }
            // Two chats with a visitor's line held for the one before it, whose hold lapsed.
            for index in 0..<2 {
                let held = try await store.enqueue(
                    queue: "order", visitor: "h\(index)", name: "", channel: .xmpp, message: "h-1", messageID: "h-1").chat
                #expect(try await store.enqueue(
                    queue: "order", visitor: "h\(index)", name: "", channel: .xmpp, message: "h-3", messageID: "h-3",
                    lineOrderHold: .milliseconds(1)).lineHeld)
                try await poll(.seconds(60), "the hold to lapse", every: .milliseconds(5)) {
                    try await store.dueTimers().due.contains(ChatTimer.hold(chat: held).member)
                }
            }
            let offered = try await store.route([QueuePlan(
                queue: "desk", strategy: "longest-idle", offerTimeout: .seconds(30),
                candidates: (0..<5).map { .init(jid: "o\($0)", capacity: 2) })])
            #expect(offered.count == 10)
            for offer in offered { try await Self.makeDue(.offer(chat: offer.chat), store, redis) }
            let other = RedisClient(configuration: store.redisConfiguration, logger: Logger(label: "second-router"))
            let second = RoutingStore(redis: other, prefix: "sb")
            let routers = [store, second]
            let readings = try await [store.dueTimers(limit: 200).due, second.dueTimers(limit: 200).due]
            #expect(readings[0].count == 85 && readings[1].count == 85)
            let acted = try await withThrowingTaskGroup(of: Int.self) { group in
                for (router, due) in zip(routers, readings) {
                    group.addTask {
                        var acted = 0
                        for member in due {
                            switch ChatTimer(member: member) {
                            case .overflow(let chat, let step):
                                if try await router.overflowStepDue(chat: chat, step: step, rules: rules).succeeded { acted += 1 }
                            case .grace(let agent):
                                if try await !router.expireGrace(agent: agent, claiming: .grace(agent: agent)).isEmpty { acted += 1 }
                            case .offer(let chat):
                                // As AgentFlow.offerExpired: the agent the chat is offered to now.
                                let agent = try await router.chatRecord(chat)?.agent ?? ""
                                if try await router.decline(chat: chat, agent: agent, timedOut: true, claiming: .offer(chat: chat)).succeeded {
                                    acted += 1
                                }
                            case .gone(let chat):
                                if try await router.close(chat: chat, by: .timeout, claiming: .gone(chat: chat)).succeeded { acted += 1 }
                            case .reply(let chat):
                                // As AgentFlow.replyTimedOut: the agent holding the chat now.
                                let agent = try await router.chatRecord(chat)?.agent ?? ""
                                if try await router.decline(
                                    chat: chat, agent: agent, timedOut: true, noReply: true, claiming: .reply(chat: chat)).succeeded
                                {
                                    acted += 1
                                }
                            case .maxWait(let chat):
                                if try await router.close(chat: chat, by: .system, claiming: .maxWait(chat: chat)).succeeded { acted += 1 }
                            case .bot(let chat):
                                if try await router.settleBot(
                                    chat: chat, .handoff(queue: "sales", reason: "silent", overflowDelays: [], maxWait: nil), botName: "bot",
                                    claiming: .bot(chat: chat)).succeeded
                                {
                                    acted += 1
                                }
                            case .hold(let chat):
                                if try await router.placeHeldLines(chat: chat, claiming: .hold(chat: chat)).due { acted += 1 }
                            case nil: break
                            }
                        }
                        return acted
                    }
                }
                return try await group.reduce(0, +)
            }
            await other.close()
            #expect(acted == 85)
            for chat in chats { #expect(try await store.chat(chat)?["dropped"] == "2") }
            let kinds = try await events(redis, store.keys).compactMap { $0["type"] }
            #expect(kinds.filter { $0 == "overflow" }.count == 60)
            #expect(kinds.filter { $0 == "requeued" }.count == 3)
            #expect(kinds.filter { $0 == "offer_timeout" }.count == 10)
            #expect(kinds.filter { $0 == "closed" }.count == 10)
            #expect(try await redis.send("ZCARD", store.keys.timers).int == 0)
        }
    }

    static func chatTimers(_ chat: String, _ store: RoutingStore, _ redis: RedisClient) async throws -> [String] {
        let inSet = try await redis.send("ZRANGE", store.keys.timers, "0", "-1").values().map { try $0.text() }
        return inSet.filter { $0.hasPrefix("overflow|\(chat)|") }.sorted()
    }
}
