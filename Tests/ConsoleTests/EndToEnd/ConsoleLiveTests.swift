import Foundation
import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

extension ConsoleEndToEnd {
    /// `switchboard console` end to end: the console runs in tmux against real Prosody, Redis and
    /// the router; the tests type keys and read what the agent sees.
    @Suite struct ConsoleLiveTests: LiveRouterSuite {
        static let yaml = """
            queues:
              - name: sales
                skills: [sales]
                accept: manual
                offer_timeout: 120s
                sla: 30s
              - name: support
                skills: [support]
            agents:
              - jid: alice@localhost
                name: Alice
                skills: { sales: 5, support: 5 }
                max_chats: 3
              - jid: bob@localhost
                name: Bob
                skills: { sales: 5, support: 5 }
              - jid: carol@localhost
                name: Carol
                role: supervisor
                skills: {}
            canned:
              greeting: "Hello {visitor}, I'm {agent}."
              goodbye: "Bye!"
            """

        static let users = ["alice", "bob", "carol", "visitor1", "visitor2"]

        /// Runs `body` with a router and Alice's console, once the router knows she is available.
        static func withConsole(
            user: String = "alice", width: Int = 100, height: Int = 30, arguments: [String] = [],
            _ body: (LiveRouter, ConsolePane) async throws -> Void
        ) async throws {
            try await withRouter(accounts: accounts(users), rules: workflow(yaml)) { (live: LiveRouter) in
                try await ConsolePane.with(live, user: user, width: width, height: height, arguments: arguments) { pane in
                    if !arguments.contains("--plain") { try await pane.waitFor(text: "waiting sales 0") }
                    _ = try await live.event("\(user) available") {
                        $0["type"] == "presence" && $0["agent"] == "\(user)@localhost" && $0["presence"] == "available"
                    }
                    try await body(live, pane)
                }
            }
        }

        /// A visitor writes to `queue`; Alice accepts the offer with M-a (manual queues) and sees the chat.
        static func chatAccepted(
            _ live: LiveRouter, _ pane: ConsolePane, visitor user: String, queue: String = "sales", first: String = "Hello"
        ) async throws -> XMPPClient {
            let visitor = try await live.connect(user)
            try await visitor.send(Message(to: try live.address(queue), body: first))
            if queue == "sales" {
                try await pane.waitFor(text: "New chat")
                try await pane.press("M-a")
            }
            try await pane.waitFor("the chat with \(user) active") { $0.contains { $0.contains("· \(user) · \(queue) · active") } }
            _ = try await visitor.message("the assignment", startingWith: "You are now chatting with Alice")
            return visitor
        }

        @Test func anOfferIsAcceptedAnsweredAndClosed() async throws {
            try await Self.withConsole { live, pane in
                let visitor = try await live.connect("visitor1")
                let sales = try live.address("sales")
                try await visitor.send(Message(to: sales, body: "Do you ship to Mars?"))
                try await pane.waitFor(text: "New chat 1 from visitor1")
                try await pane.waitFor(text: "s left")  // the offer's countdown
                #expect(try await pane.format("#{window_bell_flag}") == "1", "the offer rang the bell")
                try await pane.press("M-a")
                var screen = try await pane.waitFor(text: "sales · active")
                #expect(screen.contains { $0.contains("Do you ship to Mars?") }, "the visitor's message before the offer")
                _ = try await visitor.message("the assignment", startingWith: "You are now chatting with Alice")

                try await visitor.send(Message(to: sales, body: "Or to the Moon?"))
                try await pane.waitFor(text: "visitor1: Or to the Moon?")

                // Typing shows on both sides (XEP-0085).
                var typing = Message(to: sales)
                typing.chatState = .composing
                try await visitor.send(typing)
                try await pane.waitFor(text: "visitor1 is typing…")
                try await pane.type("We do")
                let composing = try await visitor.next("Alice typing") { stanza -> ChatState? in
                    if case .message(let message) = stanza, message.body == nil { message.chatState } else { nil }
                }
                #expect(composing == .composing)
                let paused = try await visitor.next("Alice pausing") { stanza -> ChatState? in
                    if case .message(let message) = stanza, message.body == nil { message.chatState } else { nil }
                }
                #expect(paused == .paused, "typing that stops for 5 s is a pause")
                try await pane.type(", within three weeks.")
                try await pane.press("Enter")
                let reply = try await visitor.message("the reply", startingWith: "We do")
                #expect(reply.body == "We do, within three weeks.")
                #expect(reply.element.child("nick", namespace: "http://jabber.org/protocol/nick")?.text == "Alice")
                try await pane.waitFor(text: "me: We do, within three weeks.")
                try await visitor.send(Message(to: sales, body: "Great"))
                screen = try await pane.waitFor(text: "visitor1: Great")
                #expect(!screen.contains { $0.contains("visitor1 is typing") }, "a message ends the visitor's typing")

                try await pane.enter("/note wants Mars shipping")
                try await pane.waitFor(text: "[note] me: wants Mars shipping")

                // M-c asks first (issue 17): any key but y keeps the chat, y closes it.
                try await pane.press("M-c")
                try await pane.waitFor(text: "Close chat 1 with visitor1? y closes")
                try await pane.press("n")
                try await pane.waitFor(text: "Chat 1 stays open.")
                #expect(try await pane.screen().contains { $0.contains("sales · active") })
                try await pane.press("M-c")
                try await pane.waitFor(text: "Close chat 1 with visitor1? y closes")
                try await pane.press("y")
                try await pane.waitFor(text: "closed: closed by you")
                let goodbye = try await visitor.message("the goodbye", startingWith: "This chat has ended")
                #expect(goodbye.from == sales)
            }
        }
    }
}
