import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// What consoles read without parsing text: an offer's `<offer xmlns='urn:switchboard:offer'/>`
/// summary, and the visitor's nick (XEP-0172) on what they wrote.
@Suite struct OfferDetailTests: LiveRouterSuite {
    static let yaml = """
        queues:
          - name: sales
            skills: [sales]
            accept: manual
            offer_timeout: 45s
            sla: 20s
          - name: support
            skills: [sales]
        agents:
          - jid: alice@localhost
            name: Alice
            skills: { sales: 5 }
        """

    @Test(arguments: XMPPServerKind.allCases) func offersCarryTheirSummaryAndVisitorMessagesTheirNick(_ server: XMPPServerKind) async throws {
        try await Self.withRouter(on: server, accounts: Self.accounts(["alice", "visitor1", "visitor2"]), rules: Self.workflow(Self.yaml)) {
            (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let visitor = try await live.connect("visitor1")
            try await visitor.send(Message(to: try live.address("sales"), body: "Hi"))
            let offer = try await alice.offer("the offer")
            let detail = try #require(offer.element.child("offer", namespace: "urn:switchboard:offer"))
            #expect(detail[attribute: "chat"] == offer.from?.chatID)
            #expect(detail[attribute: "queue"] == "sales" && detail[attribute: "name"] == "visitor1")
            #expect(detail[attribute: "state"] == "offered" && detail[attribute: "timeout"] == "45" && detail[attribute: "sla"] == "20")
            #expect(Int(detail[attribute: "waited"] ?? "") != nil)

            try await alice.send(Message(to: try #require(offer.from), body: "/accept"))
            _ = try await alice.message("the acceptance", startingWith: "Accepted")
            try await visitor.send(Message(to: try live.address("sales"), body: "Still there?"))
            let said = try await alice.message("the visitor's message", startingWith: "Still there?")
            #expect(said.element.child("nick", namespace: "http://jabber.org/protocol/nick")?.text == "visitor1")

            // Auto-accept queues give the chat: state active, no timeout.
            let second = try await live.connect("visitor2")
            try await second.send(Message(to: try live.address("support"), body: "Hello"))
            let given = try await alice.offer("the assigned chat")
            let summary = try #require(given.element.child("offer", namespace: "urn:switchboard:offer"))
            #expect(summary[attribute: "state"] == "active" && summary[attribute: "timeout"] == nil && summary[attribute: "sla"] == "60")
        }
    }
}
