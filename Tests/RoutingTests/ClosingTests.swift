import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// Chats ending on a live router: the agent's `/close`, the visitor's `/end` (or `!end`), and the
/// visitor's client saying `gone` for longer than the timeout close them; a chat that ends before
/// an agent took it counts as abandoned.
@Suite struct ClosingTests: LiveRouterSuite {
    static let yaml = """
        limits:
          gone_timeout: 300ms
        queues:
          - name: sales
            title: Sales
            skills: [sales]
            messages:
              closed: "Thank you for contacting {queue}, {visitor} :-}}"
          - name: quotes
            skills: [sales]
            accept: manual
            offer_timeout: 20s
        agents:
          - jid: alice@localhost
            name: Alice
            skills: { sales: 5 }
            max_chats: 3
        canned:
          bye: "Goodbye {visitor}, {agent} from {queue} signs off."
        """

    @Test(arguments: XMPPServerKind.allCases) func closingByEitherSideCountsAbandonmentOnlyBeforeAnAgentTookTheChat(_ server: XMPPServerKind) async throws {
        let users = ["alice", "visitor1", "visitor2", "visitor3", "visitor4", "visitor5"]
        try await Self.withRouter(on: server, accounts: Self.accounts(users), rules: Self.workflow(Self.yaml)) { (live: LiveRouter) in
            let sales = try live.address("sales"), quotes = try live.address("quotes")
            let alice = try await live.connect("alice")

            // Queued, nobody online: the visitor gives up.
            let gaveUp = try await live.connect("visitor1")
            try await gaveUp.send(Message(to: sales, body: "Hello?"))
            _ = try await gaveUp.message("the welcome", startingWith: "Welcome")
            let waited = try #require(try await live.store.openChat(queue: "sales", visitor: "visitor1@localhost")?.id)
            try await gaveUp.send(Message(to: sales, body: "/end"))
            let goodbye1 = try await gaveUp.message("the goodbye", startingWith: "Thank you")
            #expect(goodbye1.body == "Thank you for contacting Sales, visitor1 :-}")

            // Answered, then ended by the visitor (with `!end`, as profanity users write it).
            try await Self.available(alice, domain: live.domain)
            let leaves = try await live.connect("visitor2")
            try await leaves.send(Message(to: sales, body: "Quick question"))
            let endedAddress = try #require(try await alice.offer("visitor2's chat").from)
            try await leaves.send(Message(to: sales, body: "!end"))
            let goodbye2 = try await leaves.message("the goodbye", startingWith: "Thank you")
            #expect(goodbye2.body == "Thank you for contacting Sales, visitor2 :-}")
            let told = try await alice.message("the visitor's leaving", startingWith: "The visitor ended")
            #expect(told.from == endedAddress)

            // Answered, then closed by the agent, with a canned goodbye first.
            let closedFor = try await live.connect("visitor3")
            try await closedFor.send(Message(to: sales, body: "Another question"))
            let closedAddress = try #require(try await alice.offer("visitor3's chat").from)
            try await alice.send(Message(to: closedAddress, body: "/canned bye"))
            let canned = try await closedFor.message("the canned goodbye", startingWith: "Goodbye")
            #expect(canned.body == "Goodbye visitor3, Alice from Sales signs off.")
            try await alice.send(Message(to: closedAddress, body: "/close"))
            #expect(try await alice.message("the confirmation", startingWith: "Closed").from == closedAddress)
            let goodbye3 = try await closedFor.message("the goodbye", startingWith: "Thank you")
            #expect(goodbye3.body == "Thank you for contacting Sales, visitor3 :-}")

            // Offered (manual accept) but not yet accepted: the visitor gives up.
            let impatient = try await live.connect("visitor4")
            try await impatient.send(Message(to: quotes, body: "How much is it?"))
            let offeredAddress = try #require(try await alice.offer("visitor4's offer").from)
            try await impatient.send(Message(to: quotes, body: "/end"))
            let quotesGoodbye = try await impatient.message("the goodbye", startingWith: "This chat")
            #expect(quotesGoodbye.body == "This chat has ended. Thank you for contacting us!" && quotesGoodbye.from == quotes)
            #expect(try await alice.message("the visitor's leaving", startingWith: "The visitor ended").from == offeredAddress)

            // Answered, then the visitor's window closed (`gone`) and they never came back.
            let wentAway = try await live.connect("visitor5")
            try await wentAway.send(Message(to: sales, body: "One more thing"))
            let goneAddress = try #require(try await alice.offer("visitor5's chat").from)
            var gone = Message(to: sales, body: nil)
            gone.chatState = .gone
            try await wentAway.send(gone)
            _ = try await alice.message("the visitor's window closing", startingWith: "The visitor seems")
            #expect(try await alice.message("the chat's end", startingWith: "The visitor left").from == goneAddress)
            let goodbye5 = try await wentAway.message("the goodbye", startingWith: "Thank you")
            #expect(goodbye5.body == "Thank you for contacting Sales, visitor5 :-}")

            let chats = [
                waited: ("visitor", "1"), try #require(endedAddress.chatID): ("visitor", "0"),
                try #require(closedAddress.chatID): ("agent", "0"), try #require(offeredAddress.chatID): ("visitor", "1"),
                try #require(goneAddress.chatID): ("timeout", "0"),
            ]
            let closed = try await live.events().filter { $0["type"] == "closed" }
            #expect(closed.count == 5)
            for event in closed {
                let expected = try #require(chats[event["chat"]!])
                #expect(event["by"] == expected.0 && event["abandoned"] == expected.1, "chat \(event["chat"]!): \(event)")
            }
            for chat in chats.keys {
                let fields = try await live.store.chat(chat)
                #expect(fields?["state"] == "closed" && fields?["abandoned"] == chats[chat]?.1)
            }
            #expect(try await live.store.agentStatus("alice@localhost").chats.isEmpty, "Alice has all her room back")
            #expect(try await live.store.openChat(queue: "sales", visitor: "visitor3@localhost")?.id == nil)
        }
    }
}
