import Redis
@testable import Routing
import RoutingTesting
import SwitchboardTesting
import Testing

/// Redis memory stays bounded: closed chats go after the retention, with every index naming
/// them, and the event stream is trimmed below what its consumers acknowledged.
@Suite struct RetentionTests {

    /// Every key whose name mentions the chat (its record, transcript, sets) or a visitor index.
    static func keysOf(chat: String, _ redis: RedisClient) async throws -> [String] {
        let keys = try await redis.send("KEYS", "*").values().map { try $0.text() }
        return keys.filter { $0.hasSuffix("chat:\(chat)") || $0.contains("chat:\(chat):") || $0.contains(":visitor:") }.sorted()
    }

    @Test func aClosedChatExpiresWithItsTranscriptAndLeavesNoOtherKey() async throws {
        try await withStore { store, redis in
            try await store.available("a")
            let chat = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "hi", messageID: "m1").chat
            _ = try await store.route(RoutingScriptTests.plan("sales", [.init(jid: "a", capacity: 1)]))
            #expect(try await store.close(chat: chat, by: .visitor) == .done("active"))
            // Its message ids stay two minutes, for late copies of its lines (`LateCopyTests`).
            #expect(try await Self.keysOf(chat: chat, redis) == [store.keys.chat(chat), store.keys.seen(chat), store.keys.transcript(chat)].sorted())
            for key in [store.keys.chat(chat), store.keys.transcript(chat)] {
                let ttl = try await redis.send("PTTL", key).number()
                #expect(ttl > 29 * 86_400_000 && ttl <= 30 * 86_400_000, "\(key) expires in \(ttl) ms")
            }
        }
    }

    @Test func retentionZeroKeepsNothingAfterClose() async throws {
        try await withStore { store, redis in
            store.keepClosedChats(for: .zero)
            let chat = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "hi", messageID: "m1").chat
            #expect(try await store.close(chat: chat, by: .visitor) == .done("queued"))
            #expect(try await Self.keysOf(chat: chat, redis) == [])
            #expect(try await store.close(chat: chat, by: .visitor) == .refused("unknown"))
            // The closed event is still in the stream for the stats.
            #expect(try await events(redis, store.keys).contains { $0["type"] == "closed" && $0["chat"] == chat })
        }
    }

    @Test func aShortRetentionRemovesTheClosedChat() async throws {
        try await withStore { store, redis in
            store.keepClosedChats(for: .milliseconds(300))
            let chat = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "hi", messageID: "m1").chat
            _ = try await store.close(chat: chat, by: .visitor)
            // Redis's own expiry gives no event: the kit's bounded poll.
            try await poll(.seconds(5), "the closed chat's keys to expire", every: .milliseconds(50)) {
                try await Self.keysOf(chat: chat, redis).isEmpty
            }
            #expect(try await Self.keysOf(chat: chat, redis) == [])
        }
    }

    /// Moved sales → billing and closed there: the index from sales named it still.
    @Test func closingRemovesEveryVisitorIndexNamingTheChat() async throws {
        try await withStore { store, redis in
            try await store.available("a")
            let chat = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp).chat
            _ = try await store.route(RoutingScriptTests.plan("sales", [.init(jid: "a", capacity: 1)]))
            #expect(try await store.transfer(chat: chat, from: "a", to: .queue("billing")) == .done("queued"))
            #expect(try await store.close(chat: chat, by: .visitor) == .done("queued"))
            #expect(try await Self.keysOf(chat: chat, redis).filter { $0.contains(":visitor:") } == [])
        }
    }

    /// Chat B started in support, moved to sales and closed there, left support's index naming it.
    /// Chat A, moved from sales to support, must be what the visitor reaches from support, not a new chat.
    @Test func aChatMovedWhereAnOldChatClosedIsReachedThere() async throws {
        try await withStore { store, _ in
            try await store.available("a")
            let old = try await store.enqueue(queue: "support", visitor: "v1", name: "", channel: .xmpp).chat
            _ = try await store.route(RoutingScriptTests.plan("support", [.init(jid: "a", capacity: 2)]))
            #expect(try await store.transfer(chat: old, from: "a", to: .queue("sales")) == .done("queued"))
            _ = try await store.close(chat: old, by: .visitor)
            let chat = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp).chat
            _ = try await store.route(RoutingScriptTests.plan("sales", [.init(jid: "a", capacity: 2)]))
            #expect(try await store.transfer(chat: chat, from: "a", to: .queue("support")) == .done("queued"))
            let again = try await store.enqueue(queue: "support", visitor: "v1", name: "", channel: .xmpp, message: "still me")
            #expect(!again.created && again.chat == chat, "the visitor reached chat \(again.chat), not \(chat)")
        }
    }

    /// An index naming the visitor's other open chat in the target queue is kept.
    @Test func aMovedChatDoesNotTakeTheIndexOfAnotherOpenChat() async throws {
        try await withStore { store, _ in
            try await store.available("a")
            let there = try await store.enqueue(queue: "support", visitor: "v1", name: "", channel: .xmpp).chat
            let moved = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp).chat
            _ = try await store.route(RoutingScriptTests.plan("sales", [.init(jid: "a", capacity: 2)]))
            #expect(try await store.transfer(chat: moved, from: "a", to: .queue("support")) == .done("queued"))
            #expect(try await store.openChat(queue: "support", visitor: "v1")?.id == there)
            #expect(try await store.openChat(queue: "sales", visitor: "v1")?.id == moved)
        }
    }

    @Test func theEventStreamIsTrimmedBelowWhatEveryGroupAcknowledged() async throws {
        try await withStore { store, redis in
            let events = store.keys.events
            for index in 0..<300 { _ = try await redis.send("XADD", events, "*", "type", "test", "n", String(index)) }
            // No trim below a group that has read nothing.
            _ = try await redis.send("XGROUP", "CREATE", events, "stats", "0")
            _ = try await redis.send("XGROUP", "CREATE", events, "webhooks", "0")
            #expect(try await store.trimEvents(olderThan: .zero) == 0)
            // Stats read and acknowledged everything; webhooks read 250 and acknowledged the first 200.
            try await readAndAcknowledge(redis, events, group: "stats", read: 300, acknowledge: 300)
            let ids = try await readAndAcknowledge(redis, events, group: "webhooks", read: 250, acknowledge: 200)
            // The time bound holds everything back.
            #expect(try await store.trimEvents(olderThan: .seconds(3600)) == 0)
            let removed = try await store.trimEvents(olderThan: .zero)
            #expect(removed > 0 && removed <= 200)
            let first = try await redis.send("XRANGE", events, "-", "+", "COUNT", "1").values().first.flatMap { streamEntry($0)?.id }
            #expect(first.map { !isBelow($0, ids[200]) } ?? false, "the first unacknowledged entry stays")
            #expect(try await redis.send("XLEN", events).number() == 300 - removed)
        }
    }

    /// Reads `read` entries for `group` and acknowledges the first `acknowledge`; returns their ids.
    @discardableResult
    private func readAndAcknowledge(_ redis: RedisClient, _ stream: String, group: String, read: Int, acknowledge: Int)
        async throws -> [String]
    {
        let reply = try await redis.send("XREADGROUP", "GROUP", group, "c1", "COUNT", String(read), "STREAMS", stream, ">")
        let entries = try reply.values().first?.values().last?.values() ?? []
        let ids = entries.compactMap { streamEntry($0)?.id }
        for id in ids.prefix(acknowledge) { _ = try await redis.send("XACK", stream, group, id) }
        return ids
    }

    private func isBelow(_ a: String, _ b: String) -> Bool {
        let x = a.split(separator: "-").compactMap { Int($0) }, y = b.split(separator: "-").compactMap { Int($0) }
        return x[0] < y[0] || (x[0] == y[0] && x[1] < y[1])
    }
}

/// A client's message ids are kept in the chat's seen set: a huge id must not take its size there.
@Suite struct SeenIDTests {
    @Test func aLongMessageIDIsKeptAsItsDigestAndStillDeduplicates() async throws {
        try await withStore { store, redis in
            let long = String(repeating: "x", count: 10_000)
            let chat = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "hi", messageID: long).chat
            #expect(try await store.record(chat: chat, .visitor, from: "v1", text: "hi", messageID: long).status == .duplicate)
            #expect(try await store.record(chat: chat, .visitor, from: "v1", text: "hi", messageID: long + "y").status == .stored)
            let members = try await redis.send("SMEMBERS", store.keys.seen(chat)).values().map { try $0.text() }
            #expect(members.count == 2 && members.allSatisfy { $0.utf8.count <= 64 })
        }
    }
}
