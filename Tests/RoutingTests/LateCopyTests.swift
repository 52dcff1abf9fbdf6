import Redis
@testable import Routing
import RoutingTesting
import SwitchboardTesting
import Testing

/// A visitor's client resends a line that had no receipt during a fault; a copy still on its way
/// through another router may be handled after the visitor ended the chat. Message ids were kept
/// per open chat only, so the copy opened a second chat, which an agent then took with no visitor
/// behind it (the fault run, issue 13 item 5, saw it as a chat with two agents).
@Suite struct LateCopyTests {
    @Test func aLateCopyOfALineOfTheChatJustClosedOpensNoChat() async throws {
        try await withStore { store, redis in
            let first = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "hi", messageID: "m1")
            #expect(try await store.close(chat: first.chat, by: .visitor) == .done("queued"))
            let copy = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "hi", messageID: "m1")
            #expect(!copy.created && !copy.messageStored, "the copy was kept in chat \(first.chat) already")
            #expect(copy.chat == first.chat && copy.state == .closed)
            #expect(try await redis.send("SMEMBERS", store.keys.openChats).values().isEmpty)
            // A new line opens the visitor's next chat as ever.
            let next = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "again", messageID: "m2")
            #expect(next.created && next.chat != first.chat)
        }
    }

    /// The fault run saw a copy stall 18 s in a router during a Redis failover and land in the
    /// visitor's next chat, shown to its agent.
    @Test func aLateCopyJoinsNoChatTheVisitorOpenedSince() async throws {
        try await withStore { store, redis in
            let first = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "old", messageID: "c1-3")
            _ = try await store.close(chat: first.chat, by: .visitor)
            let next = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "new", messageID: "c2-1")
            let copy = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "old", messageID: "c1-3")
            #expect(copy.chat == first.chat && !copy.messageStored)
            #expect(try await store.transcript(next.chat).map(\.text) == ["new"])
        }
    }

    @Test func theClosedChatsIdsAreKeptForTwoMinutesOnly() async throws {
        try await withStore { store, redis in
            let chat = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "hi", messageID: "m1").chat
            _ = try await store.close(chat: chat, by: .visitor)
            let ttl = try await redis.send("PTTL", store.keys.seen(chat)).number()
            #expect(ttl > 0 && ttl <= 120_000, "the seen ids expire in \(ttl) ms")
        }
    }
}
