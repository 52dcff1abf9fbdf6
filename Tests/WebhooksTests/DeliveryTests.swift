import Foundation
import Redis
import ServiceLifecycle
import SwitchboardTesting
import Testing
@testable import Webhooks
import Workflow

/// The webhooks service in-process against a real Redis and real HTTP receivers on loopback.
@Suite(.serialized) struct DeliveryTests {
    static let start: Int64 = 1_800_000_000_000

    /// Runs the service for `hooks` during `body`, then stops it.
    func withService<T: Sendable>(
        _ server: RedisServer, hooks: [Webhook], policy: RetryPolicy, metrics: DeliveryMetrics? = nil, backlog: Bool = true,
        _ body: () async throws -> T
    ) async throws -> T {
        let redis = RedisClient(configuration: RedisConfiguration(url: try RedisURL(server.url)), logger: quietLogger)
        let reading = RedisClient(configuration: RedisConfiguration(url: try RedisURL(server.url)), logger: quietLogger)
        let service = WebhooksService(
            hooks: hooks, keys: WebhookKeys(prefix: "sb"), redis: redis, reading: reading, consumer: "test", policy: policy,
            metrics: metrics ?? DeliveryMetrics(hooks: hooks.map(\.name)), logger: quietLogger, block: .milliseconds(100),
            backlog: backlog)
        let running = Task { try await service.run() }
        return try await withCleanup(body) {
            running.cancel()
            _ = await running.result
            await reading.close()
            await redis.close()
        }
    }

    @Test func everyEventArrivesSignedAndInOrderPerChatThroughFailuresTimeoutsAndSlowAnswers() async throws {
        // Per event, by its id: fails twice with 500, or hangs past the timeout once, or answers slowly.
        let receiver = try await Receiver.start { id, attempt in
            switch id.utf8.reduce(0, { $0 + Int($1) }) % 4 {
            case 0: attempt <= 2 ? .fail(status: 500) : .accept
            case 1: attempt == 1 ? .hang(.seconds(2)) : .accept
            case 2: .acceptAfter(.milliseconds(150))
            default: .accept
            }
        }
        let messages = try await Receiver.start()
        try await withCleanup {
            try await withWebhooksRedis { server, redis in
                let chats = (1...6).map { "c\($0)" }
                let stories = chats.enumerated().map { story(chat: $1, at: Self.start + Int64($0) * 7) }
                var ids: [String: [String]] = [:]  // per chat, in stream order, the events the first hook gets
                var messageIDs: Set<String> = []
                // Interleaved: the chats' events alternate in the stream.
                for step in 0..<stories[0].count {
                    for story in stories {
                        let event = story[step]
                        let id = try await event.write(to: redis)
                        guard !event.chat.isEmpty, !["offered", "presence"].contains(event.type) else { continue }
                        ids[event.chat, default: []].append(id)
                        if event.type.hasSuffix("_message") { messageIDs.insert(id) }
                    }
                }
                let hooks = [
                    hook(receiver, timeout: .milliseconds(400)),
                    hook(messages, name: "messages", events: [.messageVisitor, .messageAgent]),
                ]
                let policy = RetryPolicy(retryFor: .seconds(60), firstDelay: .milliseconds(50), maxDelay: .milliseconds(200))
                let expected = Set(ids.values.flatMap { $0 })
                let expectedMessages = messageIDs
                try await withService(server, hooks: hooks, policy: policy) {
                    try await poll(.seconds(120), "every event accepted", every: .milliseconds(20)) {
                        receiver.acceptedIDs == expected && messages.acceptedIDs == expectedMessages
                    }
                    // The last acceptances' bookkeeping (taking them off their queues) follows the answers.
                    try await poll(.seconds(30), "every queue emptied", every: .milliseconds(10)) {
                        try await redis.send("KEYS", "{sb}:webhooks:hook:*").array?.isEmpty == true
                    }
                }
                #expect(expected.count == chats.count * deliveredPerStory)
                #expect(receiver.acceptedByChat == ids, "each chat's events in stream order")
                #expect(receiver.received.contains { !$0.answered }, "some attempts failed or timed out")
                try await expectSignaturesValid(receiver.received, secret: testSecret)
                try await expectSignaturesValid(messages.received, secret: testSecret)

                // The payloads: fields of each event, the message texts from the transcript.
                let first = Dictionary(receiver.received.filter(\.answered).map { ($0.id, payload($0)) }, uniquingKeysWith: { a, _ in a })
                let c1 = try #require(ids["c1"]).map { first[$0] ?? [:] }
                #expect(c1.map { $0["event"] as? String } == [
                    "chat.queued", "message.visitor", "chat.assigned", "message.agent", "message.visitor", "message.visitor",
                    "chat.transferred", "chat.assigned", "chat.closed",
                ])
                #expect(c1[0]["visitor"] as? String == "vc1@localhost" && c1[0]["channel"] as? String == "xmpp")
                #expect(c1[0]["time"] as? String == "2027-01-15T08:00:00.000Z" && c1[0]["chat"] as? String == "c1")
                #expect(c1[0]["agent"] == nil, "empty fields are left out")
                #expect(c1[1]["text"] as? String == "hello from c1")
                #expect(c1[3]["text"] as? String == "hi c1, how can I help?" && c1[3]["agent"] as? String == "alice@localhost")
                #expect(c1[4]["text"] as? String == "first of two \"quoted\" ünïcode", "two lines in one ms: in order")
                #expect(c1[5]["text"] as? String == "second of two")
                #expect(c1[6]["from_queue"] as? String == "sales" && c1[6]["to_queue"] as? String == "support")
                #expect(c1[8]["abandoned"] as? Bool == false && c1[8]["by"] as? String == "visitor")
                #expect(messages.received.allSatisfy { $0.event?.hasPrefix("message.") == true }, "a hook gets only its events")

                // Nothing left behind: no queue, no retry state (above), nothing pending in the group.
                let keys = WebhookKeys(prefix: "sb")
                #expect(try await redis.send("XPENDING", keys.events, WebhooksService.group).array?.first?.int == 0)
            }
        } cleanup: {
            await receiver.stop()
            await messages.stop()
        }
    }

    @Test func firstStartedItDeliversFromThenOnAndAnUnreadableQueuedEventDoesNotBlockItsChat() async throws {
        let receiver = try await Receiver.start()
        try await withCleanup {
            try await withWebhooksRedis { server, redis in
                let old = try await RoutingEventFixture(type: "queued", chat: "h1", ts: Self.start).write(to: redis)
                let keys = WebhookKeys(prefix: "sb")
                let policy = RetryPolicy(retryFor: .seconds(10), firstDelay: .milliseconds(50))
                try await withService(server, hooks: [hook(receiver)], policy: policy, backlog: false) {
                    try await poll(.seconds(10), "the group made", every: .milliseconds(10)) {
                        try await redis.send("XINFO", "GROUPS", keys.events).array?.isEmpty == false
                    }
                    try await redis.send("RPUSH", keys.queue("test", chat: "n1"), "not json")
                    let new = try await RoutingEventFixture(type: "queued", chat: "n1", ts: Self.start + 1).write(to: redis)
                    try await poll(.seconds(10), "the new event accepted", every: .milliseconds(10)) { receiver.acceptedIDs == [new] }
                    #expect(!receiver.acceptedIDs.contains(old), "the history before the first start is not sent")
                    try await poll(.seconds(10), "the chat's queue emptied", every: .milliseconds(10)) {
                        try await redis.send("EXISTS", keys.queue("test", chat: "n1")).int == 0
                    }
                }
            }
        } cleanup: {
            await receiver.stop()
        }
    }

    @Test func anEventRefusedForTheWholePeriodIsADeadLetterThenReplayedInOrder() async throws {
        let receiver = try await Receiver.start { _, _ in .fail(status: 503) }
        try await withCleanup {
            try await withWebhooksRedis { server, redis in
                let events = [
                    RoutingEventFixture(type: "queued", chat: "d1", ts: Self.start),
                    RoutingEventFixture(type: "assigned", chat: "d1", agent: "alice@localhost", ts: Self.start + 1),
                    RoutingEventFixture(type: "closed", chat: "d1", ts: Self.start + 2, extra: [("by", "agent"), ("abandoned", "0")]),
                ]
                var ids: [String] = []
                for event in events { ids.append(try await event.write(to: redis)) }
                let hooks = [hook(receiver)]
                let letters = DeadLetters(redis: redis, keys: WebhookKeys(prefix: "sb"))
                let metrics = DeliveryMetrics(hooks: ["test"])
                let policy = RetryPolicy(retryFor: .milliseconds(400), firstDelay: .milliseconds(50), maxDelay: .milliseconds(100))
                try await withService(server, hooks: hooks, policy: policy, metrics: metrics) {
                    try await poll(.seconds(60), "three dead letters", every: .milliseconds(20)) { try await letters.count() == 3 }
                    let listed = try await letters.list()
                    #expect(listed.map(\.delivery.id) == ids, "given up in order")
                    #expect(listed.allSatisfy { $0.lastError == "HTTP 503" && $0.attempts >= 2 && $0.hook == "test" }, "a first try and a last at the deadline, at least")
                    #expect(listed.map(\.id) == ids.map { "test/\($0)" })
                    let text = metrics.text(waiting: [:], deadLetters: 3)
                    #expect(text.contains("switchboard_webhook_dead_letters_total{hook=\"test\"} 3"))
                    #expect(text.contains("switchboard_webhook_deliveries_total{hook=\"test\"} 0"))

                    // Nothing is replayed for a hook the workflow no longer has, nor for an unknown id.
                    await #expect(throws: WebhooksError.unknownHook("test")) { try await letters.replay(listed[0].id, hooks: []) }
                    await #expect(throws: WebhooksError.noSuchDeadLetter("test/1-1")) { try await letters.replay("test/1-1", hooks: hooks) }

                    receiver.setBehaviour { _, _ in .accept }
                    let (replayed, skipped) = try await letters.replayAll(hooks: hooks)
                    #expect(replayed == 3 && skipped.isEmpty)
                    let written = Set(ids)
                    try await poll(.seconds(30), "the replayed events accepted", every: .milliseconds(20)) {
                        receiver.acceptedIDs == written
                    }
                    #expect(receiver.acceptedByChat["d1"] == ids)
                    #expect(try await letters.count() == 0)
                    #expect(metrics.text(waiting: [:], deadLetters: 0).contains("switchboard_webhook_deliveries_total{hook=\"test\"} 3"))
                }
            }
        } cleanup: {
            await receiver.stop()
        }
    }
}
