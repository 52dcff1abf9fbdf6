import Redis
import RoutingTesting
@testable import Routing
import Testing

/// The bot phase at the scripts: a chat opened with a bot stays out of the line, each line counts
/// a call and keeps the `bot|ID` timer; answers are kept only while the chat is with the bot; the
/// timer hands over only while due, and once.
@Suite struct BotScriptTests {
    static let handoff = RoutingStore.BotSettlement.handoff(queue: "sales", reason: "silent", overflowDelays: [], maxWait: .seconds(60))

    @Test func aChatWithTheBotWaitsOutOfLineUntilHandedOverOnce() async throws {
        try await withStore { store, redis in
            let opened = try await store.enqueue(
                queue: "sales", visitor: "v1", name: "V", channel: .xmpp, message: "hello", botBackstop: .seconds(60))
            let chat = opened.chat
            #expect(opened.created && opened.state == .bot && opened.position == 0)
            #expect(try await redis.send("ZCARD", store.keys.waiting("sales")).int == 0, "not in line")
            let timer = ChatTimer.bot(chat: chat)
            #expect(try await TimerClaimTests.due(timer, store, redis) != nil)
            #expect(try await events(redis, store.keys).contains { $0["type"] == "queued" } == false)

            // Two lines asked at once (two routers): the first answer keeps the timer for the second.
            _ = try await store.enqueue(queue: "sales", visitor: "v1", name: "V", channel: .xmpp, message: "again", botBackstop: .seconds(60))
            #expect(try await store.settleBot(chat: chat, .reply("Hi!"), botName: "Sales assistant") == .done("bot"))
            #expect(try await TimerClaimTests.due(timer, store, redis) != nil, "one call still open")
            #expect(try await store.settleBot(chat: chat, .reply("Hi again!"), botName: "Sales assistant") == .done("bot"))
            #expect(try await TimerClaimTests.due(timer, store, redis) == nil, "every call answered")
            let lines = try await store.transcript(chat)
            #expect(lines.map(\.kind) == [.visitor, .visitor, .bot, .bot] && lines[2].from == "Sales assistant")

            // The timer, once due, hands over; a second reader and a late answer do nothing.
            _ = try await store.enqueue(queue: "sales", visitor: "v1", name: "V", channel: .xmpp, message: "hm?", botBackstop: .seconds(60))
            #expect(try await store.settleBot(chat: chat, Self.handoff, botName: "b", claiming: timer) == .refused("not-due"))
            try await TimerClaimTests.makeDue(timer, store, redis)
            #expect(try await store.settleBot(chat: chat, Self.handoff, botName: "b", claiming: timer) == .done("queued"))
            #expect(try await store.settleBot(chat: chat, Self.handoff, botName: "b", claiming: timer) == .refused("not-due"))
            #expect(try await store.settleBot(chat: chat, Self.handoff, botName: "b") == .refused("queued"))
            #expect(try await store.settleBot(chat: chat, .reply("late"), botName: "b") == .refused("queued"))
            #expect(try await store.position(chat: chat, queue: "sales") == 1)
            #expect(try await TimerClaimTests.due(.maxWait(chat: chat), store, redis) != nil, "the queue's max wait from now")
            let queued = try #require(try await events(redis, store.keys).last { $0["type"] == "queued" })
            #expect(queued["chat"] == chat && queued["visitor"] == "v1" && queued["from"] == "bot")
            #expect(try await store.transcript(chat).last?.text == "handed over: silent")
        }
    }

    @Test func aHandoffToAnotherQueueIsFoundFromEitherAddress() async throws {
        try await withStore { store, redis in
            let chat = try await store.enqueue(
                queue: "front", visitor: "v1", name: "V", channel: .xmpp, message: "invoice", botBackstop: .seconds(60)).chat
            let toBilling = RoutingStore.BotSettlement.handoff(queue: "billing", reason: "asked", overflowDelays: [], maxWait: nil)
            #expect(try await store.settleBot(chat: chat, toBilling, botName: "b") == .done("queued"))
            #expect(try await store.position(chat: chat, queue: "billing") == 1)
            let again = try await store.enqueue(queue: "front", visitor: "v1", name: "V", channel: .xmpp, message: "still there?")
            #expect(again.chat == chat && !again.created && again.state == .queued)
            #expect(try await store.openChatRecord(queue: "billing", visitor: "v1")?.id == chat)
            // Closed while with the bot: nothing is left waiting or timed.
            let other = try await store.enqueue(
                queue: "front", visitor: "v2", name: "W", channel: .xmpp, message: "bye", botBackstop: .seconds(60)).chat
            #expect(try await store.close(chat: other, by: .visitor) == .done("bot"))
            #expect(try await TimerClaimTests.due(.bot(chat: other), store, redis) == nil)
        }
    }
}
