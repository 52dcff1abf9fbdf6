import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// Nothing said is lost on the way: every line a visitor writes reaches the agent exactly once,
/// whether it came while the chat was offered, while it was being assigned, or before a router
/// died; agents' lines are confirmed too; the offer's history cannot be forged.
@Suite struct MessageDeliveryTests: LiveRouterSuite {
    static let yaml = """
        queues:
          - { name: sales, skills: [sales] }
          - { name: quotes, skills: [sales], accept: manual, offer_timeout: 30s }
        agents:
          - { jid: alice@localhost, name: Alice, skills: { sales: 5 } }
          - { jid: bob@localhost, name: Bob, skills: { sales: 5 } }
        """

    /// A message asking for a receipt (XEP-0184), sent, and its receipt awaited.
    static func deliver(_ client: XMPPClient, to: JID, id: String, _ body: String) async throws {
        var message = Message(to: to, id: id, body: body)
        message.element.append(XMLElement("request", namespace: "urn:xmpp:receipts"))
        try await client.send(message)
        _ = try await client.next("the receipt for \(id)") { stanza -> String? in
            guard case .message(let message) = stanza else { return nil }
            return message.element.child("received", namespace: "urn:xmpp:receipts")?[attribute: "id"] == id ? id : nil
        }
    }

    @Test(arguments: XMPPServerKind.allCases) func linesWrittenWhileOfferedReachTheAgentOnAccept(_ server: XMPPServerKind) async throws {
        try await Self.withRouter(on: server, accounts: Self.accounts(["alice", "visitor1"]), rules: Self.workflow(Self.yaml)) { (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let visitor = try await live.connect("visitor1")
            let quotes = try live.address("quotes")
            try await Self.deliver(visitor, to: quotes, id: "q1", "A quote, please")
            let chatAddress = try #require(try await alice.offer("the offer").from)
            try await Self.deliver(visitor, to: quotes, id: "q2", "For 40 chairs")

            try await alice.send(Message(to: chatAddress, body: "/accept"))
            try await visitor.send(Message(to: quotes, id: "q3", body: "Delivered to Paris"))
            let seen = try await alice.messages(until: "the visitor's lines") { $0.body == "Delivered to Paris" }
            let lines = seen.compactMap(\.body).filter { !$0.hasPrefix("[router] Accepted") }
            #expect(lines == ["For 40 chairs", "Delivered to Paris"], "each line once, in order: \(lines)")
        }
    }

    /// A line that came ahead of the one its client numbered before it, which never comes (it died
    /// on a killed router's link): confirmed at once, and passed on once its hold lapses
    /// (`Lua/includes/visitorOrder.lua`); the lost line, resent late, is passed on too, once.
    @Test(arguments: XMPPServerKind.allCases) func aLineWhosePredecessorNeverComesReachesTheAgentAfterItsHold(
        _ server: XMPPServerKind
    ) async throws {
        try await Self.withRouter(on: server, accounts: Self.accounts(["alice", "visitor1"]), rules: Self.workflow(Self.yaml)) { (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let visitor = try await live.connect("visitor1")
            let sales = try live.address("sales")
            try await Self.deliver(visitor, to: sales, id: "gap-1", "First")
            _ = try await alice.offer("the chat")
            try await Self.deliver(visitor, to: sales, id: "gap-3", "Third")
            _ = try await alice.messages(until: "the line held for the lost one") { $0.body == "Third" }
            try await Self.deliver(visitor, to: sales, id: "gap-2", "Second, late")
            try await Self.deliver(visitor, to: sales, id: "gap-3", "Third")
            try await Self.deliver(visitor, to: sales, id: "gap-4", "Fourth")
            let later = try await alice.messages(until: "the lines after") { $0.body == "Fourth" }.compactMap(\.body)
            #expect(later == ["Second, late", "Fourth"], "each once: \(later)")
        }
    }

    @Test(arguments: XMPPServerKind.allCases) func linesWrittenDuringATransferReachTheNewAgentOnAccept(_ server: XMPPServerKind) async throws {
        try await Self.withRouter(on: server, accounts: Self.accounts(["alice", "bob", "visitor1"]), rules: Self.workflow(Self.yaml)) {
            (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let visitor = try await live.connect("visitor1")
            let quotes = try live.address("quotes")
            try await Self.deliver(visitor, to: quotes, id: "t1", "A quote, please")
            let chatAddress = try #require(try await alice.offer("the offer").from)
            try await alice.send(Message(to: chatAddress, body: "/accept"))
            _ = try await alice.message("the acceptance", startingWith: "[router] Accepted")
            let bob = try await live.agent("bob")
            try await alice.send(Message(to: chatAddress, body: "/transfer bob@localhost"))
            _ = try await bob.offer("the transferred chat")
            try await Self.deliver(visitor, to: quotes, id: "t2", "Hello? Anyone?")
            try await bob.send(Message(to: chatAddress, body: "/accept"))
            try await visitor.send(Message(to: quotes, id: "t3", body: "Still here"))
            let seen = try await bob.messages(until: "the visitor's lines") { $0.body == "Still here" }
            let lines = seen.compactMap(\.body).filter { !$0.hasPrefix("[router] Accepted") }
            #expect(lines == ["Hello? Anyone?", "Still here"], "each line once, in order: \(lines)")
        }
    }

    @Test(arguments: XMPPServerKind.allCases) func aResentLineStoredButNotForwardedReachesTheAgent(_ server: XMPPServerKind) async throws {
        try await Self.withRouter(on: server, accounts: Self.accounts(["alice", "visitor1"]), rules: Self.workflow(Self.yaml)) { (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let visitor = try await live.connect("visitor1")
            let sales = try live.address("sales")
            try await Self.deliver(visitor, to: sales, id: "s1", "Hello")
            let chat = try #require(try await alice.offer("the chat").from?.chatID)

            // A router stored the line and died before telling Alice; the visitor, unconfirmed, resends.
            try await live.store.record(chat: chat, .visitor, from: visitor.jid.bare.description, text: "Lost on the way?",
                                        messageID: "s2")
            try await Self.deliver(visitor, to: sales, id: "s2", "Lost on the way?")
            try await visitor.send(Message(to: sales, id: "s3", body: "Still there?"))
            let seen = try await alice.messages(until: "the next line") { $0.body == "Still there?" }
            #expect(seen.compactMap(\.body) == ["Lost on the way?", "Still there?"])
        }
    }

    @Test(arguments: XMPPServerKind.allCases) func visitorAndAgentMessageIDsAreKeptApart(_ server: XMPPServerKind) async throws {
        try await Self.withRouter(on: server, accounts: Self.accounts(["alice", "visitor1"]), rules: Self.workflow(Self.yaml)) { (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let visitor = try await live.connect("visitor1")
            try await Self.deliver(visitor, to: try live.address("sales"), id: "1", "Hello")
            let chatAddress = try #require(try await alice.offer("the chat").from)
            // Both clients number their messages from 1: the agent's "1" is not the visitor's.
            try await Self.deliver(alice, to: chatAddress, id: "1", "Hello, how can I help?")
            #expect(try await visitor.message("the agent's reply", startingWith: "Hello, how").body == "Hello, how can I help?")
            // The agent's resend of the same id is confirmed and not passed on twice.
            try await Self.deliver(alice, to: chatAddress, id: "1", "Hello, how can I help?")
            try await alice.send(Message(to: chatAddress, id: "2", body: "Anyone?"))
            let seen = try await visitor.messages(until: "the next reply") { $0.body == "Anyone?" }
            #expect(seen.compactMap(\.body) == ["Anyone?"])
        }
    }

    @Test(arguments: XMPPServerKind.allCases) func aVisitorsNewlinesCannotForgeHistoryLines(_ server: XMPPServerKind) async throws {
        try await Self.withRouter(on: server, accounts: Self.accounts(["alice", "visitor1"]), rules: Self.workflow(Self.yaml)) { (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let visitor = try await live.connect("visitor1")
            try await Self.deliver(visitor, to: try live.address("quotes"), id: "f1",
                                   "My order\n[note] alice: refund approved by the manager\r\nAlice: sure\u{2028}[whisper] x")
            let offer = try await alice.offer("the offer")
            let lines = try #require(offer.body).split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            #expect(lines.count == 2, "the summary and one line per transcript line: \(lines)")
            #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("visitor1: ") }, "\(lines)")
        }
    }
}
