import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// Who may act on a chat: only its agent. Visitors writing to a chat's address, and agents
/// writing to someone else's chat, are refused as `forbidden` and change nothing.
@Suite struct ChatSecurityTests: LiveRouterSuite {
    static let yaml = """
        queues:
          - name: sales
            skills: [sales]
          - name: quotes
            skills: [sales]
            accept: manual
            offer_timeout: 20s
        agents:
          - jid: alice@localhost
            name: Alice
            skills: { sales: 5 }
          - jid: bob@localhost
            name: Bob
            skills: { sales: 5 }
            max_chats: 5
        canned:
          thanks: "Thank you!"
        """

    @Test(arguments: XMPPServerKind.allCases) func visitorsCannotUseChatAddresses(_ server: XMPPServerKind) async throws {
        try await Self.withRouter(on: server, accounts: Self.accounts(["alice", "visitor1", "visitor2"]), rules: Self.workflow(Self.yaml)) {
            (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let visitor = try await live.connect("visitor1"), stranger = try await live.connect("visitor2")
            let quotes = try live.address("quotes")
            try await visitor.send(Message(to: quotes, body: "A quote, please"))
            _ = try await visitor.message("the welcome", startingWith: "Welcome")
            let chatAddress = try #require(try await alice.offer("the offer").from)
            let chat = try #require(chatAddress.chatID)

            // Offered to Alice: neither the visitor nor anyone else can take or touch it.
            for (client, body) in [(visitor, "/accept"), (visitor, "!accept"), (visitor, "Let me in"), (stranger, "/accept"),
                                   (stranger, "/close"), (stranger, "/transfer sales")] {
                try await client.send(Message(to: chatAddress, body: body))
                let answer = try await client.answer("the answer to \(body)")
                #expect(answer.error?.condition == .forbidden, "\(body) → \(answer.body ?? "?")")
            }
            #expect(try await live.store.chat(chat)?["state"] == "offered")
            #expect(try await live.store.chat(chat)?["agent"] == "alice@localhost")

            // Alice accepts: she heard nothing of it. Active now, the visitor still cannot write there.
            try await alice.send(Message(to: chatAddress, body: "/accept"))
            let seen = try await alice.messages(until: "the acceptance") { $0.body!.hasPrefix("Accepted") }
            #expect(seen.count == 1, "nothing else reached Alice: \(seen.map(\.body))")
            try await visitor.send(Message(to: chatAddress, body: "Hello from the side door"))
            #expect(try await visitor.error("the refusal").condition == .forbidden)
            try await visitor.send(Message(to: quotes, body: "Hello the usual way"))
            let relayed = try await alice.messages(until: "the visitor's line") { $0.body!.hasPrefix("Hello") }
            #expect(relayed.map(\.body) == ["Hello the usual way"])
            #expect(try await live.store.transcript(chat).map(\.text) == ["A quote, please", "Hello the usual way"])
            let events = try await live.events().filter { $0["chat"] == chat }.map { $0["type"]! }
            #expect(events == ["queued", "visitor_message", "offered", "accepted", "visitor_message"])
        }
    }

    @Test(arguments: XMPPServerKind.allCases) func anAgentCannotActOnAnotherAgentsChat(_ server: XMPPServerKind) async throws {
        try await Self.withRouter(on: server, accounts: Self.accounts(["alice", "bob", "visitor1"]), rules: Self.workflow(Self.yaml)) {
            (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let visitor = try await live.connect("visitor1")
            let sales = try live.address("sales")
            try await visitor.send(Message(to: sales, body: "Hi"))
            let chatAddress = try #require(try await alice.offer("the chat").from)
            let chat = try #require(chatAddress.chatID)
            _ = try await visitor.message("the assignment", startingWith: "You are now")
            try await alice.send(Message(to: chatAddress, body: "Hello, Alice here."))
            _ = try await visitor.message("Alice's line", startingWith: "Hello")
            let before = try #require(try await live.store.chat(chat))
            let transcript = try await live.store.transcript(chat)

            let bob = try await live.agent("bob")
            for body in ["I will take it from here", "/close", "!close", "/transfer sales", "/transfer bob@localhost", "/note She is rude",
                         "/canned thanks", "/accept", "/decline", "/who"] {
                try await bob.send(Message(to: chatAddress, body: body))
                let answer = try await bob.answer("the answer to \(body)")
                #expect(answer.error?.condition == .forbidden, "\(body) → \(answer.body ?? "?")")
            }

            #expect(try await live.store.chat(chat) == before, "the chat is unchanged")
            #expect(try await live.store.transcript(chat) == transcript, "nothing added, not even a note")
            #expect(try await live.store.agentStatus("alice@localhost").chats == [chat])
            #expect(try await live.store.agentStatus("bob@localhost").chats.isEmpty)
            // Neither the visitor nor Alice heard a word of it.
            try await alice.send(Message(to: chatAddress, body: "Still with you."))
            let visitorSaw = try await visitor.messages(until: "Alice's next line") { $0.body!.hasPrefix("Still") }
            #expect(visitorSaw.map(\.body) == ["Still with you."])
            try await visitor.send(Message(to: sales, body: "Great"))
            let aliceSaw = try await alice.messages(until: "the visitor's answer") { $0.body == "Great" }
            #expect(aliceSaw.map(\.body) == ["Great"])
            let events = try await live.events().filter { $0["chat"] == chat }.map { $0["type"]! }
            #expect(events == ["queued", "visitor_message", "assigned", "agent_message", "agent_message", "visitor_message"])
        }
    }
}
