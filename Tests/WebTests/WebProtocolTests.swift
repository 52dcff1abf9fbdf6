import Foundation
import Routing
import SwitchboardTesting
import Testing
import XMPP

/// The visitor WebSocket without a browser, against the real router, Redis and Prosody.
@Suite(.serialized, .timeLimit(.minutes(3))) struct WebProtocolTests {
    static let workflow = """
        queues:
          - name: support
            title: Support
            skills: [support]
          - name: sales
            skills: [sales]
          - name: billing
            skills: [billing]
            when_no_agents: close
            web_form: [name, email]
        agents:
          - jid: alice@localhost
            name: Alice Agent
            skills: { support: 5 }
            max_chats: 2
          - jid: bob@localhost
            name: Bob
            skills: { sales: 5, billing: 5 }
            max_chats: 1
        """

    @Test func aForeignOriginIsRefusedWith403() async throws {
        try await WebHarness.with(accounts: [], workflow: Self.workflow) { web in
            let upgrade = [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Version", "13"),
                           ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")]
            let foreign = try await PlainHTTP.get(port: web.port, path: "/ws", headers: upgrade + [("Origin", "http://evil.example")])
            #expect(foreign.status == 403)
            let none = try await PlainHTTP.get(port: web.port, path: "/ws", headers: upgrade)
            #expect(none.status == 403, "no Origin at all is refused too")
            let allowed = try await PlainHTTP.get(port: web.port, path: "/ws", headers: upgrade + [("Origin", web.origin)])
            #expect(allowed.status == 101)
            await #expect(throws: WebSocketClient.Failure.self) {
                try await WebSocketClient.with(port: web.port, origin: "http://evil.example") { _ in }
            }
            #expect(try await web.sessionCount() == 0)
        }
    }

    @Test func badFramesGetClearErrorsAndChangeNothing() async throws {
        try await WebHarness.with(accounts: [], workflow: Self.workflow) { web in
            try await WebSocketClient.with(port: web.port, origin: web.origin) { socket in
                try await socket.send("{not json")
                #expect(try await socket.next("error")["code"] == "bad-json")
                try await socket.send(#"["an", "array"]"#)
                #expect(try await socket.next("error")["code"] == "bad-json")
                try await socket.send(["type": "message", "id": "1", "text": "before hello"])
                #expect(try await socket.next("error")["code"] == "hello-first")
                try await socket.send(["type": "shout"])
                let unknown = try await socket.next("error")
                #expect(unknown["code"] == "unknown-type")
                #expect(unknown["message"]?.contains("shout") == true)
                try await socket.sendBinary([1, 2, 3])
                #expect(try await socket.next("error")["code"] == "text-only")
                try await socket.send(["type": "hello", "queue": "support", "token": String(repeating: "ab", count: 32)])
                #expect(try await socket.next("error")["code"] == "invalid-token")
                try await socket.send(["type": "hello", "queue": "support", "token": "../../etc"])
                #expect(try await socket.next("error")["code"] == "invalid-token")
                try await socket.send(["type": "hello", "queue": "nowhere"])
                #expect(try await socket.next("error")["code"] == "unknown-queue")
                #expect(try await web.sessionCount() == 0, "no refused frame made a session")

                // Still greeting: a good hello works after all that.
                try await socket.send(["type": "hello", "queue": "support"])
                let session = try await socket.next("session")
                #expect(session["token"]?.count == 64)
                #expect(session["online"] == "1", "nobody is available, but the chat would wait")

                // Oversize text: refused, nothing stored, no chat opened.
                try await socket.send(["type": "message", "id": "big", "text": String(repeating: "x", count: 5000)])
                let tooLarge = try await socket.next("error")
                #expect(tooLarge["code"] == "too-large")
                try await socket.send(["type": "greet"])
                #expect(try await socket.next("error")["code"] == "unknown-type")
                try await socket.send(["type": "hello", "queue": "support"])
                #expect(try await socket.next("error")["code"] == "already-greeted")
                #expect(try await web.store.waiting("support").isEmpty, "no chat was opened")
                #expect(try await web.sessionCount() == 1)
            }
        }
    }

    @Test(arguments: [false, true])
    func aWebChatIsQueuedAssignedAndChatsWithAnXMPPAgent(besideTheRouter: Bool) async throws {
        try await WebHarness.with(accounts: ["alice"], workflow: Self.workflow, beside: besideTheRouter) { web in
            let token = try await WebSocketClient.with(port: web.port, origin: web.origin) { socket in
                try await socket.send(["type": "hello", "queue": "support"])
                let token = try #require(try await socket.next("session")["token"])
                try await socket.send(["type": "message", "id": "m1", "text": "Hello, I need help <b>now</b>"])
                #expect(try await socket.next("received")["id"] == "m1")
                let queued = try await socket.next("the welcome") { $0.type == "queued" && $0["text"] != nil }
                #expect(queued["position"] == "1")
                #expect(queued["text"]?.contains("number 1") == true)
                let line = try await socket.next("message")
                #expect(line["from"] == "visitor")
                #expect(line["seq"] == "0")
                #expect(line["text"] == "Hello, I need help <b>now</b>")

                // An agent comes online and gets the chat, with the web visitor's text.
                let alice = try await web.agent("alice")
                let offer = try await alice.message("the offer", startingWith: "New chat")
                #expect(offer.body?.contains("Hello, I need help <b>now</b>") == true)
                let chatAddress = try #require(offer.from)
                let assigned = try await socket.next("assigned")
                #expect(assigned["agent"] == "Alice Agent")
                #expect(assigned["agent"]?.contains("alice@") == false, "never the agent's JID")
                #expect(assigned["text"]?.contains("Alice Agent") == true)

                // Typing and text both ways.
                var typing = Message(to: chatAddress)
                typing.chatState = .composing
                try await alice.send(typing)
                #expect(try await socket.next("typing")["state"] == "composing")
                try await alice.send(Message(to: chatAddress, body: "Hi! I am Alice."))
                let reply = try await socket.next("an agent line") { $0.type == "message" && $0["from"] == "agent" }
                #expect(reply["text"] == "Hi! I am Alice.")
                #expect(reply["agent"] == "Alice Agent")
                #expect(reply["seq"] == "1")
                #expect(reply["replay"] == nil)

                try await socket.send(["type": "typing", "state": "composing"])
                _ = try await alice.next("the visitor typing") { stanza -> Bool? in
                    if case .message(let m) = stanza, m.chatState == .composing, m.body == nil { true } else { nil }
                }
                try await socket.send(["type": "message", "id": "m2", "text": "Thanks"])
                let thanks = try await alice.message("the visitor's text", startingWith: "Thanks")
                #expect(thanks.from == chatAddress)
                // Issue 17: a web visitor who gave no name wrote with an empty nick (": Thanks" in the console).
                #expect(thanks.element.child("nick", namespace: "http://jabber.org/protocol/nick")?.text == "Web visitor")
                return token
            }

            // Another connection with the token resumes the chat: the transcript, then where it stands.
            try await WebSocketClient.with(port: web.port, origin: web.origin) { socket in
                try await socket.send(["type": "hello", "queue": "support", "token": token])
                #expect(try await socket.next("session")["token"] == token)
                var lines: [JSONFrame] = []
                for _ in 0..<3 { lines.append(try await socket.next("message")) }
                #expect(lines.map { $0["text"] ?? "" } == ["Hello, I need help <b>now</b>", "Hi! I am Alice.", "Thanks"])
                #expect(lines.allSatisfy { $0["replay"] == "1" })
                #expect(try await socket.next("assigned")["agent"] == "Alice Agent")

                // A message resent with an id already kept is confirmed, not stored twice.
                try await socket.send(["type": "message", "id": "m2", "text": "Thanks"])
                #expect(try await socket.next("received")["id"] == "m2")
            }
            let chat = try #require(try await web.openChats().first)
            #expect(try await web.store.transcript(chat).count == 3)

            // A second visitor with a token of their own sees nothing of the first chat.
            try await WebSocketClient.with(port: web.port, origin: web.origin) { socket in
                try await socket.send(["type": "hello", "queue": "support"])
                let other = try await socket.next("session")
                #expect(other["token"] != token)
                try await socket.send(["type": "end"])
                #expect(try await socket.next("notice")["text"] == "You have no open chat here.")
                try await socket.send(["type": "shout"])
                // Nothing else came since the session: no line or state of the other chat.
                #expect(try await socket.next("error")["code"] == "unknown-type")
                #expect(socket.inbox.pending.isEmpty, "unexpected: \(socket.inbox.pending)")
            }
        }
    }

    @Test func aSessionOverItsRateIsRefusedWhateverConnectionItUses() async throws {
        try await WebHarness.with(accounts: [], workflow: Self.workflow) { web in
            let token = try await WebSocketClient.with(port: web.port, origin: web.origin) { socket in
                try await socket.send(["type": "hello", "queue": "sales"])
                let token = try #require(try await socket.next("session")["token"])
                for index in 0..<6 {
                    try await socket.send(["type": "message", "id": "a\(index)", "text": "flood \(index)"])
                    try await socket.next("received")
                }
                return token
            }
            // A new connection does not start the count again.
            try await WebSocketClient.with(port: web.port, origin: web.origin) { socket in
                try await socket.send(["type": "hello", "queue": "sales", "token": token])
                try await socket.next("session")
                for index in 0..<6 { try await socket.send(["type": "message", "id": "b\(index)", "text": "flood \(index)"]) }
                let refusal = try await socket.next("the rate limit") { $0.type == "error" }
                #expect(refusal["code"] == "rate-limited")
            }
            let chat = try #require(try await web.openChats().first)
            #expect(try await web.store.transcript(chat).count == 10, "ten kept, the rest refused")
        }
    }

    @Test func theVisitorEndsTheChat() async throws {
        try await WebHarness.with(accounts: [], workflow: Self.workflow) { web in
            try await WebSocketClient.with(port: web.port, origin: web.origin) { socket in
                try await socket.send(["type": "hello", "queue": "support"])
                try await socket.next("session")
                try await socket.send(["type": "message", "id": "a", "text": "anyone?"])
                try await socket.next("queued")
                try await socket.send(["type": "end"])
                let closed = try await socket.next("closed")
                #expect(closed["text"]?.isEmpty == false)
                #expect(try await web.store.waiting("support").isEmpty)
            }
        }
    }

    @Test func aReconnectingSocketGetsWhatItMissedAndNoMore() async throws {
        try await WebHarness.with(accounts: [], workflow: Self.workflow) { web in
            let (token, chat) = try await WebSocketClient.with(port: web.port, origin: web.origin) { socket in
                try await socket.send(["type": "hello", "queue": "sales"])
                let token = try #require(try await socket.next("session")["token"])
                var chat = ""
                for index in 0..<3 {
                    try await socket.send(["type": "message", "id": "s\(index)", "text": "line \(index)"])
                    chat = try #require(try await socket.next("line \(index)") { $0["text"] == "line \(index)" }["chat"])
                }
                return (token, chat)
            }
            try await WebSocketClient.with(port: web.port, origin: web.origin) { socket in
                try await socket.send(["type": "hello", "queue": "sales", "token": token, "chat": chat, "after": 1])
                try await socket.next("session")
                let line = try await socket.next("message")
                #expect(line["seq"] == "2")
                #expect(line["text"] == "line 2")
                #expect(try await socket.next("queued")["position"] == "1")
                #expect(socket.inbox.pending.isEmpty, "only the missed line and the state: \(socket.inbox.pending)")
            }
        }
    }

    /// One anonymous visitor used to stop the router: `after` near Int.max made the replay's
    /// `seq + 1` overflow. Now it is refused where it enters, and the router serves on.
    @Test func aHelloAfterBeyondAnyTranscriptIsRefusedAndTheRouterServesOn() async throws {
        try await WebHarness.with(accounts: [], workflow: Self.workflow) { web in
            let (token, chat) = try await WebSocketClient.with(port: web.port, origin: web.origin) { socket in
                try await socket.send(["type": "hello", "queue": "sales"])
                let token = try #require(try await socket.next("session")["token"])
                try await socket.send(["type": "message", "id": "m0", "text": "hello there"])
                let chat = try #require(try await socket.next("line") { $0["text"] == "hello there" }["chat"])
                return (token, chat)
            }
            for after in ["9223372036854775807", "9223372036854775806", "1e300", "-2"] {
                try await WebSocketClient.with(port: web.port, origin: web.origin) { socket in
                    try await socket.send(#"{"type":"hello","queue":"sales","token":"\#(token)","chat":"\#(chat)","after":\#(after)}"#)
                    let refused = try await socket.next("error")
                    #expect(refused["code"] == "bad-request", "after \(after): \(refused)")
                }
            }
            try await WebSocketClient.with(port: web.port, origin: web.origin) { socket in
                try await socket.send(["type": "hello", "queue": "sales", "token": token, "chat": chat, "after": 0])
                try await socket.next("session")
                #expect(try await socket.next("queued")["position"] == "1", "the same router still serves the chat")
            }
        }
    }

    @Test func aQueueNobodyCanServeOffersTheMessageFormAndKeepsTheMessageAsAChat() async throws {
        try await WebHarness.with(accounts: [], workflow: Self.workflow) { web in
            try await WebSocketClient.with(port: web.port, origin: web.origin) { socket in
                try await socket.send(["type": "hello", "queue": "billing"])
                let session = try await socket.next("session")
                #expect(session["online"] == "0")
                #expect(session["form.name"] == "1" && session["form.email"] == "1", "the queue's web_form: \(session)")
                try await socket.send(["type": "offline", "name": "Ann", "email": "ann@example.com", "text": "Please call me back"])
                #expect(try await socket.next("notice")["text"]?.contains("Thank you") == true)
                try await socket.next("closed")
            }
            // The session remembers the chat the message opened.
            let session = try #require(try await web.redis.send("KEYS", web.store.keys.webSession("*")).array?.first?.string)
            let chat = try #require(try await web.redis.send("HGET", session, "chat").string)
            let fields = try #require(try await web.store.chat(chat))
            #expect(fields["channel"] == "web")
            #expect(fields["state"] == "closed")
            #expect(fields["name"] == "Ann <ann@example.com>")
            #expect(try await web.store.transcript(chat).map(\.text) == ["Please call me back"])
        }
    }

    @Test func afterTheNoticeChannelDropsEverySocketCatchesUpFromRedis() async throws {
        try await WebHarness.with(accounts: ["alice"], workflow: Self.workflow) { web in
            _ = try await web.availableAgent("alice")
            try await WebSocketClient.with(port: web.port, origin: web.origin) { socket in
                try await socket.send(["type": "hello", "queue": "support"])
                try await socket.next("session")
                try await socket.send(["type": "message", "id": "1", "text": "hello"])
                let chat = try #require(try await socket.next("message")["chat"])
                try await socket.next("assigned")
                // A line nobody announces (as if its notice was published while the subscription was down)...
                let recorded = try await web.store.record(chat: chat, .agent, from: "alice@localhost", text: "missed notice")
                #expect(recorded.status == .stored)
                // ...arrives once the web service has subscribed again.
                #expect(try await web.redis.send("CLIENT", "KILL", "TYPE", "pubsub").int ?? 0 >= 1, "the web service's (and the router's)")
                let line = try await socket.next("the missed line") { $0["text"] == "missed notice" }
                #expect(line["from"] == "agent" && line["agent"] == "Alice Agent" && line["seq"] == "1")
            }
        }
    }

    @Test func anAddressOpeningTooManyConnectionsAndAFrameBeyondAnyLimitAreCutOff() async throws {
        try await WebHarness.with(accounts: [], workflow: Self.workflow) { web in
            // 30 connections per 10 s from one address; the 31st is told and closed.
            for _ in 0..<30 {
                try await WebSocketClient.with(port: web.port, origin: web.origin) { socket in
                    try await socket.send(["type": "hello", "queue": "support"])
                    try await socket.next("session")
                }
            }
            try await WebSocketClient.with(port: web.port, origin: web.origin) { (socket: WebSocketClient) async throws in
                try? await socket.send(["type": "hello", "queue": "support"])  // it may be closed already
                try await socket.closedByServer()
                // The server speaks first here, and this test client may miss a frame that arrives with
                // the upgrade's answer; when it is there, it names the limit.
                #expect(socket.inbox.pending.allSatisfy { $0.type == "error" && $0["code"] == "rate-limited" }, "\(socket.inbox.pending)")
            }
            #expect(try await web.sessionCount() == 30)
        }
        try await WebHarness.with(accounts: [], workflow: Self.workflow) { web in
            try await WebSocketClient.with(port: web.port, origin: web.origin) { (socket: WebSocketClient) async throws in
                try await socket.send(["type": "hello", "queue": "support"])
                try await socket.next("session")
                try await socket.send(String(repeating: " ", count: 64 * 1024))
                try await socket.closedByServer()
                #expect(socket.inbox.pending.isEmpty, "no frame, the connection is cut (1009)")
            }
        }
    }
}
