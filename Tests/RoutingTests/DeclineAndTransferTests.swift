import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// Chats changing hands on a live router: declined offers go to the next agent, transfers to a
/// queue or an agent take the whole transcript along.
@Suite struct DeclineAndTransferTests: LiveRouterSuite {
    static let declineYAML = """
        queues:
          - name: it
            skills: [it]
            accept: manual
            offer_timeout: 20s
        agents:
          - jid: alice@localhost
            name: Alice
            skills: { it: 5 }
          - jid: bob@localhost
            name: Bob
            skills: { it: 5 }
        """

    @Test(arguments: XMPPServerKind.allCases) func aDeclinedOfferGoesToAnotherAgent(_ server: XMPPServerKind) async throws {
        try await Self.withRouter(on: server, accounts: Self.accounts(["alice", "bob", "visitor1"]), rules: Self.workflow(Self.declineYAML)) {
            (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let visitor = try await live.connect("visitor1")
            try await visitor.send(Message(to: try live.address("it"), body: "My printer is on fire"))
            let offer = try await alice.offer("the offer to Alice")
            #expect(offer.body?.contains("Reply !accept or !decline within 20 s") == true, "! works in every client")
            let chatAddress = try #require(offer.from)
            let chat = try #require(chatAddress.chatID)
            let bob = try await live.agent("bob")

            try await alice.send(Message(to: chatAddress, body: "/decline"))
            #expect(try await alice.message("the confirmation", startingWith: "Declined").from == chatAddress)
            let second = try await bob.offer("the offer to Bob")
            #expect(second.from == chatAddress, "the same chat")
            #expect(second.body?.contains("My printer is on fire") == true && second.body?.contains("/accept") == true)

            try await bob.send(Message(to: chatAddress, body: "/accept"))
            _ = try await bob.message("the acceptance", startingWith: "Accepted")
            #expect(try await visitor.message("the assignment", startingWith: "You are now").body == "You are now chatting with Bob.")
            try await alice.send(Message(to: chatAddress, body: "/accept"))
            #expect(try await alice.error("the refusal").condition == .forbidden, "a declined offer is gone")

            let fields = try await live.store.chat(chat)
            #expect(fields?["state"] == "active" && fields?["agent"] == "bob@localhost")
            let events = try await live.events().filter { $0["chat"] == chat && $0["type"] != "visitor_message" }
            #expect(events.map { "\($0["type"]!) \($0["agent"]!)" } == [
                "queued ", "offered alice@localhost", "declined alice@localhost", "offered bob@localhost", "accepted bob@localhost",
            ])
        }
    }

    static let transferYAML = """
        queues:
          - name: sales
            skills: [sales]
          - name: support
            skills: [support]
        agents:
          - jid: alice@localhost
            name: Alice
            skills: { sales: 5 }
          - jid: bob@localhost
            name: Bob
            skills: { support: 5 }
          - jid: carol@localhost
            name: Carol
            skills: { support: 8 }
        """

    @Test(arguments: XMPPServerKind.allCases) func transfersToAQueueAndToAnAgentKeepTheTranscript(_ server: XMPPServerKind) async throws {
        try await Self.withRouter(
            on: server,
            accounts: Self.accounts(["alice", "bob", "carol", "visitor1"]), rules: Self.workflow(Self.transferYAML)
        ) { (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let bob = try await live.agent("bob")
            let visitor = try await live.connect("visitor1")
            let sales = try live.address("sales"), support = try live.address("support")
            try await visitor.send(Message(to: sales, body: "My laptop will not boot"))
            let chatAddress = try #require(try await alice.offer("the chat").from)
            let chat = try #require(chatAddress.chatID)
            try await alice.send(Message(to: chatAddress, body: "That sounds technical; support will help."))
            _ = try await visitor.message("Alice's line", startingWith: "That sounds")

            // To a queue: Bob, the support agent online, gets it with what was said.
            try await alice.send(Message(to: chatAddress, body: "/transfer support"))
            #expect(try await alice.message("the confirmation", startingWith: "Transferred").body == "Transferred to support.")
            let toBob = try await bob.offer("the chat in support")
            #expect(toBob.from == chatAddress && toBob.body?.contains("in support") == true)
            for line in ["My laptop will not boot", "That sounds technical; support will help."] {
                #expect(toBob.body?.contains(line) == true, "Bob's offer has “\(line)”")
            }
            let held = try await visitor.message("the transfer notice", startingWith: "You are being transferred")
            #expect(held.from == sales, "replies keep the address the visitor wrote to, transfers included")
            #expect(try await visitor.message("the new agent", startingWith: "You are now").body == "You are now chatting with Bob.")
            var fields = try await live.store.chat(chat)
            #expect(fields?["queue"] == "support" && fields?["agent"] == "bob@localhost" && fields?["state"] == "active")
            #expect(try await live.store.agentStatus("alice@localhost").chats.isEmpty)

            try await bob.send(Message(to: chatAddress, body: "Bob here. What do you see?"))
            #expect(try await visitor.message("Bob's line", startingWith: "Bob here").from == sales)
            try await visitor.send(Message(to: support, body: "A black screen"))
            _ = try await bob.message("the visitor's answer", startingWith: "A black screen")

            // To an agent: Carol gets it, with everything from the start.
            let carol = try await live.agent("carol")
            try await bob.send(Message(to: chatAddress, body: "/transfer carol@localhost"))
            #expect(try await bob.message("the confirmation", startingWith: "Transferred").body == "Transferred to carol@localhost.")
            let toCarol = try await carol.offer("the chat from Bob")
            #expect(toCarol.from == chatAddress)
            let transcript = [
                "My laptop will not boot", "That sounds technical; support will help.", "Bob here. What do you see?", "A black screen",
            ]
            for line in transcript { #expect(toCarol.body?.contains(line) == true, "Carol's offer has “\(line)”") }
            #expect(try await visitor.message("the third agent", startingWith: "You are now").body == "You are now chatting with Carol.")
            fields = try await live.store.chat(chat)
            #expect(fields?["queue"] == "support" && fields?["agent"] == "carol@localhost" && fields?["state"] == "active")
            #expect(try await live.store.transcript(chat).map(\.text) == transcript, "each line kept once")

            // Only the holder speaks for the chat now.
            try await bob.send(Message(to: chatAddress, body: "Still me"))
            #expect(try await bob.error("Bob's refusal").condition == .forbidden)
            let events = try await live.events().filter { $0["chat"] == chat && ["transferred", "assigned"].contains($0["type"]) }
            #expect(events.map { "\($0["type"]!) \($0["agent"]!)" } == [
                "assigned alice@localhost", "transferred alice@localhost", "assigned bob@localhost",
                "transferred bob@localhost", "assigned carol@localhost",
            ])
        }
    }
}
