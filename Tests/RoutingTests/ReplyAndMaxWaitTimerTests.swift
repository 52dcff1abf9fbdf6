import Redis
import RoutingTesting
@testable import Routing
import Testing

/// The reply and max-wait timers at the scripts: set where a chat is given or opened, taken once
/// while due and while the chat is still as they expect, cleared by what meets them.
@Suite struct ReplyAndMaxWaitTimerTests {
    static func plan(reply: Duration?, _ agents: [String], queue: String = "sales") -> [QueuePlan] {
        [QueuePlan(queue: queue, strategy: "longest-idle", candidates: agents.map { .init(jid: $0, capacity: 1) }, replyTimeout: reply)]
    }

    /// The chat's timers that are set (in the due-time set), sorted.
    static func timers(_ chat: String, _ store: RoutingStore, _ redis: RedisClient) async throws -> [String] {
        let inSet = try await redis.send("ZRANGE", store.keys.timers, "0", "-1").values().map { try $0.text() }
        return inSet.filter { $0.hasSuffix("|\(chat)") }.sorted()
    }

    @Test func aSilentAgentLosesTheChatOnceAndAWordMeetsTheTimeout() async throws {
        try await withStore { store, redis in
            try await store.available("a", "b")
            let chat = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp).chat
            let given = try #require(try await store.route(Self.plan(reply: .seconds(60), ["a", "b"])).first)
            let timer = ChatTimer.reply(chat: chat)
            #expect(try await Self.timers(chat, store, redis) == [timer.member])
            // Not due yet: nothing happens.
            #expect(try await store.decline(chat: chat, agent: given.agent, timedOut: true, noReply: true, claiming: timer)
                == .refused("not-due"))
            try await TimerClaimTests.makeDue(timer, store, redis)
            #expect(try await store.decline(chat: chat, agent: given.agent, timedOut: true, noReply: true, claiming: timer)
                == .done("queued"))
            #expect(try await store.decline(chat: chat, agent: given.agent, timedOut: true, noReply: true, claiming: timer)
                == .refused("not-due"), "a second router reading it does nothing")
            #expect(try await redis.send("HGET", store.keys.agent(given.agent), "missed").int == 1)
            let event = try #require(try await events(redis, store.keys).last)
            #expect(event["type"] == "offer_timeout" && event["reason"] == "no-reply" && event["agent"] == given.agent)

            // The other agent gets it, and writes: the timeout is met.
            let next = try #require(try await store.route(Self.plan(reply: .seconds(60), ["a", "b"])).first)
            #expect(next.agent != given.agent)
            #expect(try await store.record(chat: chat, .note, from: next.agent, text: "looking").status == .stored)
            #expect(try await Self.timers(chat, store, redis) == [timer.member], "a note is not a reply")
            #expect(try await store.record(chat: chat, .agent, from: next.agent, text: "Hello").status == .stored)
            #expect(try await Self.timers(chat, store, redis) == [])
        }
    }

    @Test func maxWaitClosesOnlyAWaitingChatAndOffersAMessage() async throws {
        try await withStore { store, redis in
            let waiting = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp, maxWait: .seconds(60)).chat
            let timer = ChatTimer.maxWait(chat: waiting)
            #expect(try await Self.timers(waiting, store, redis) == [timer.member])
            try await TimerClaimTests.makeDue(timer, store, redis)
            #expect(try await store.close(chat: waiting, by: .system, claiming: timer, leaveMessageWindow: .seconds(60)) == .done("queued"))
            #expect(try await store.close(chat: waiting, by: .system, claiming: timer) == .refused("not-due"))
            let closed = try #require(try await events(redis, store.keys).last)
            #expect(closed["abandoned"] == "1" && closed["by"] == "system" && closed["reason"] == "max_wait")
            // The visitor's next chat is a message left, with no max wait.
            let left = try await store.enqueue(
                queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "call me", maxWait: .seconds(60))
            #expect(left.created && left.leftMessage)
            #expect(try await Self.timers(left.chat, store, redis) == [])

            // A chat an agent took is answered: its max wait goes, and a late reading closes nothing.
            try await store.available("a")
            let answered = try await store.enqueue(queue: "desk", visitor: "v2", name: "", channel: .xmpp, maxWait: .seconds(60)).chat
            let late = ChatTimer.maxWait(chat: answered)
            try await TimerClaimTests.makeDue(late, store, redis)
            #expect(try await store.route(Self.plan(reply: nil, ["a"], queue: "desk")).first?.chat == answered)
            #expect(try await store.close(chat: answered, by: .system, claiming: late) == .refused("not-due"))
            #expect(try await store.state(answered) == "active")
        }
    }

    /// The visitor's whole wait counts (what a support team expects): an overflow move keeps the
    /// deadline set when the visitor started waiting (no restart, and the queue moved to adds none),
    /// and a chat transferred after an answer waits without one (the answer ended `max_wait`).
    @Test func maxWaitCountsTheWholeWaitAcrossAnOverflowMoveAndEndsWithTheAnswer() async throws {
        try await withStore { store, redis in
            let chat = try await store.enqueue(
                queue: "sales", visitor: "v1", name: "", channel: .xmpp, overflowDelays: [.seconds(1)], maxWait: .seconds(600)).chat
            let timer = ChatTimer.maxWait(chat: chat)
            let deadline = try #require(try await TimerClaimTests.due(timer, store, redis))
            #expect(try await store.overflow(chat: chat, step: 1, moveTo: "desk", overflowDelays: [.seconds(5)]) == .done("desk"))
            #expect(try await redis.send("HGET", store.keys.chat(chat), "queue").string == "desk")
            #expect(try await TimerClaimTests.due(timer, store, redis) == deadline, "the move neither restarts nor changes the clock")
            try await TimerClaimTests.makeDue(timer, store, redis)
            #expect(try await store.close(chat: chat, by: .system, claiming: timer) == .done("queued"), "it ends in the queue moved to")

            // Answered, then transferred to another queue: it waits there with no max wait.
            try await store.available("a")
            let answered = try await store.enqueue(queue: "sales", visitor: "v2", name: "", channel: .xmpp, maxWait: .seconds(600)).chat
            #expect(try await store.route(Self.plan(reply: nil, ["a"])).first?.chat == answered)
            #expect(try await store.transfer(chat: answered, from: "a", to: .queue("desk")) == .done("queued"))
            #expect(try await store.state(answered) == "queued")
            #expect(!(try await Self.timers(answered, store, redis)).contains(ChatTimer.maxWait(chat: answered).member))
        }
    }

    @Test func aRatingCountsWithinItsWindowAndTheLastOneWins() async throws {
        try await withStore { store, redis in
            try await store.available("a")
            let chat = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp).chat
            _ = try await store.route(Self.plan(reply: nil, ["a"]))
            #expect(try await store.rate(queue: "sales", visitor: "v1", score: 4, comment: "") == .refused("no-rating"))
            #expect(try await store.close(chat: chat, by: .agent, agent: "a", csatWindow: .seconds(60)) == .done("active"))
            #expect(try await store.rate(queue: "sales", visitor: "v1", chat: "999", score: 4, comment: "") == .refused("other-chat"))
            #expect(try await store.rate(queue: "sales", visitor: "v1", score: 6, comment: "") == .refused("bad-score"))
            #expect(try await store.rate(queue: "sales", visitor: "v1", chat: chat, score: 2, comment: "slow") == .done(chat))
            #expect(try await store.rate(queue: "sales", visitor: "v1", score: 5, comment: "") == .done(chat))
            let fields = try #require(try await store.chat(chat))
            #expect(fields["rating"] == "5" && fields["rating_comment"] == "")
            let rated = try await events(redis, store.keys).filter { $0["type"] == "rated" }
            #expect(rated.map { $0["score"] } == ["2", "5"] && rated.map { $0["previous"] } == ["0", "2"])
            #expect(rated.first?["comment"] == "slow" && rated.first?["agent"] == "a")
            // A new chat forgets the question; when the window passes, it is gone too.
            _ = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp)
            #expect(try await store.rate(queue: "sales", visitor: "v1", score: 3, comment: "") == .refused("no-rating"))
        }
    }
}
