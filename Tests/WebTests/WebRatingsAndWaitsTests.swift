import Foundation
import Routing
import SwitchboardTesting
import Testing
import XMPP

/// Ratings and waits for a web visitor, through the router and its web service: the `closed`
/// frame that asks for a rating, the `rating` frame and its checks, and `max_wait`'s offer of the
/// message form.
@Suite(.serialized, .timeLimit(.minutes(3))) struct WebRatingsAndWaitsTests {
    static let workflow = """
        queues:
          - name: support
            skills: [support]
            csat: true
          - name: slow
            skills: [slow]
            max_wait: 1s
        agents:
          - jid: alice@localhost
            name: Alice
            skills: { support: 5 }
          - jid: bob@localhost
            skills: { slow: 5 }
        """

    @Test func aClosedChatAsksForARatingAndTheStarRowsFrameKeepsIt() async throws {
        try await WebHarness.with(accounts: ["alice"], workflow: Self.workflow) { web in
            let alice = try await web.availableAgent("alice")
            try await WebSocketClient.with(port: web.port, origin: web.origin) { socket in
                try await socket.send(["type": "hello", "queue": "support"])
                try await socket.next("session")
                try await socket.send(["type": "message", "id": "m1", "text": "Help please"])
                let chatAddress = try #require(try await alice.message("the chat", startingWith: "New chat").from)
                let chat = String(try #require(chatAddress.local).dropFirst("chat-".count))
                try await alice.send(Message(to: chatAddress, body: "Done, bye"))
                try await alice.send(Message(to: chatAddress, body: "/close"))
                let closed = try await socket.next("closed")
                #expect(closed["rate"] == chat)
                let question = try await socket.next("the question") { $0.type == "notice" && $0["text"]?.contains("rate") == true }
                #expect(question["text"]?.contains("1 (poor) to 5 (excellent)") == true)

                // Bad ratings are refused with a clear error and change nothing.
                for (frame, code) in [
                    (["type": "rating", "chat": chat, "score": 6] as [String: any Sendable], "bad-request"),
                    (["type": "rating", "chat": chat, "score": "5"], "bad-request"),
                    (["type": "rating", "score": 5], "bad-request"),
                    (["type": "rating", "chat": chat, "score": 5, "comment": String(repeating: "x", count: 1001)], "too-large"),
                    (["type": "rating", "chat": "999", "score": 5], "not-ratable"),
                ] {
                    try await socket.send(frame)
                    #expect(try await socket.next("error")["code"] == code, "\(frame)")
                }
                try await socket.send(["type": "rating", "chat": chat, "score": 5, "comment": "Quick"])
                let rated = try await socket.next("rated")
                #expect(rated["chat"] == chat && rated["score"] == "5")
                let fields = try #require(try await web.store.chat(chat))
                #expect(fields["rating"] == "5" && fields["rating_comment"] == "Quick")
                #expect(try await web.openChats().isEmpty, "a rating opens no chat")
            }
        }
    }

    @Test func aWaitPastMaxWaitOffersTheMessageFormAndTheMessageWaitsWithoutALimit() async throws {
        try await WebHarness.with(accounts: [], workflow: Self.workflow) { web in
            try await WebSocketClient.with(port: web.port, origin: web.origin) { socket in
                try await socket.send(["type": "hello", "queue": "slow"])
                try await socket.next("session")
                try await socket.send(["type": "message", "id": "m1", "text": "Anyone?"])
                let queued = try await socket.next("queued")
                #expect(queued["eta"] == nil, "no history: no estimate")
                let closed = try await socket.next("closed")
                #expect(closed["offline"] == "1" && closed["text"]?.hasPrefix("Sorry, no agent could take your chat in time") == true)
                try await socket.send(["type": "offline", "name": "Ann", "email": "ann@example.com", "text": "Call me"])
                _ = try await socket.next("the message kept") { $0.type == "notice" && $0["text"]?.contains("kept") == true }
                let chats = try await web.openChats()
                #expect(chats.count == 1)
                let chat = try #require(chats.first)
                let timers = try await web.redis.send("ZRANGE", web.store.keys.timers, "0", "-1").array?.compactMap(\.string) ?? []
                #expect(!timers.contains("maxwait|\(chat)"), "a message left has no max wait")
            }
        }
    }
}
