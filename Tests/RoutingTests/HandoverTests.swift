import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// Transfers as agents on stock clients type them (issue 17, item 2): `!transfer Bob` by the
/// name they see, a note for whoever takes the chat, and the receiving agent told it is a
/// transfer and from whom.
@Suite struct HandoverTests: LiveRouterSuite {
    static let yaml = """
        queues:
          - name: help
            skills: [help]
            accept: manual
            offer_timeout: 60s
        agents:
          - jid: alice@localhost
            name: Alice
            skills: { help: 9 }
          - jid: bob@localhost
            name: Bob Stone
            skills: { help: 1 }
        """

    @Test func transferToAnAgentByDisplayNameWithAHandoverNote() async throws {
        try await Self.withRouter(accounts: Self.accounts(["alice", "bob", "visitor1"]), rules: Self.workflow(Self.yaml)) {
            (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let visitor = try await live.connect("visitor1")
            let (chatAddress, _) = try await StockClientTests.acceptedChat(live, alice: alice, visitor: visitor)

            // Before Bob is there: the reply names the agents too, not only the queues.
            try await alice.send(Message(to: chatAddress, body: "!transfer Robert"))
            let unknown = try await alice.message("the unknown target", startingWith: "[router] No queue or agent called Robert")
            #expect(unknown.body?.contains("Agents: Bob Stone (bob@localhost)") == true, "\(unknown.body ?? "")")
            #expect(unknown.body?.contains("Queues: help") == true)
            try await alice.send(Message(to: chatAddress, body: "!transfer bob stone"))
            _ = try await alice.message("Bob unavailable", startingWith: "[router] Bob Stone cannot take it now")

            let bob = try await live.agent("bob")
            try await alice.send(Message(to: chatAddress, body: "!transfer Bob Stone: refund pending, order 1234"))
            #expect(try await alice.message("the transfer", startingWith: "[router] Transferred").body == "[router] Transferred to Bob Stone.")
            let offer = try await bob.offer("Bob's offer")
            let body = try #require(offer.body)
            #expect(body.contains("Transferred by Alice (alice@localhost). Alice's note: refund pending, order 1234"), "\(body)")
            #expect(body.contains("[note] alice@localhost: refund pending, order 1234"), "the note stays in the history: \(body)")
            let chat = String(try #require(chatAddress.local).dropFirst("chat-".count))
            #expect(try await live.store.transcript(chat).contains { $0.kind == .note && $0.text == "refund pending, order 1234" })
        }
    }

    /// To a queue, the note from an earlier `!note` goes along, and the next agent is told.
    @Test func transferToAQueueTellsTheNextAgentWithTheLastNote() async throws {
        let yaml = """
            queues:
              - name: help
                skills: [help]
                accept: manual
                offer_timeout: 60s
              - name: billing
                skills: [billing]
                accept: manual
                offer_timeout: 60s
            agents:
              - jid: alice@localhost
                name: Alice
                skills: { help: 5 }
              - jid: carol@localhost
                name: Carol
                skills: { billing: 5 }
            """
        try await Self.withRouter(accounts: Self.accounts(["alice", "carol", "visitor1"]), rules: Self.workflow(yaml)) {
            (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let carol = try await live.agent("carol")
            let visitor = try await live.connect("visitor1")
            let (chatAddress, _) = try await StockClientTests.acceptedChat(live, alice: alice, visitor: visitor)
            try await alice.send(Message(to: chatAddress, body: "!note wants a refund"))
            _ = try await alice.message("the note", startingWith: "[router] Noted")
            try await alice.send(Message(to: chatAddress, body: "!transfer billing"))
            _ = try await alice.message("the transfer", startingWith: "[router] Transferred to billing")
            let body = try #require(try await carol.offer("Carol's offer").body)
            #expect(body.contains("Transferred by Alice (alice@localhost). Alice's note: wants a refund"), "\(body)")
        }
    }
}
