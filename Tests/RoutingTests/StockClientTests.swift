import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// What agents on stock clients (profanity, mcabber, Gajim) and their visitors see of the
/// router's own stanzas (issue 17, items 2 and 3).
@Suite struct StockClientTests: LiveRouterSuite {
    static let yaml = """
        queues:
          - name: help
            skills: [help]
            accept: manual
            offer_timeout: 60s
        agents:
          - jid: alice@localhost
            name: Alice
            skills: { help: 5 }
        """

    /// A stock client sends `composing` while the agent types `!note …`, then the command with
    /// `active`: the visitor must not be left seeing "Alice is typing…". And `gone` (the agent's
    /// window closed) is not the agent leaving the chat.
    @Test func aCommandsTypingIsClearedAndAnAgentsGoneIsNotLeaving() async throws {
        try await Self.withRouter(accounts: Self.accounts(["alice", "visitor1"]), rules: Self.workflow(Self.yaml)) {
            (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let visitor = try await live.connect("visitor1")
            let (chatAddress, _) = try await Self.acceptedChat(live, alice: alice, visitor: visitor)

            try await alice.send(Self.state(.composing, to: chatAddress))
            #expect(try await visitor.next("Alice typing") { Self.bodiless($0)?.chatState } == .composing)
            var note = Message(to: chatAddress, body: "!note prefers email")
            note.chatState = .active
            try await alice.send(note)
            _ = try await alice.message("the note's confirmation", startingWith: "Noted")
            try await alice.send(Self.state(.gone, to: chatAddress))
            try await alice.send(Message(to: chatAddress, body: "Still here."))

            let seen = try await visitor.allMessages(until: "Alice's line") { $0.body == "Still here." }
            let states = seen.compactMap(\.chatState)
            #expect(seen.dropLast().allSatisfy { $0.body == nil }, "the note and its answer never reach the visitor: \(seen)")
            #expect(states.first == .active, "the typing the command left is cleared: \(states)")
            #expect(!states.contains(.gone), "a closed window is not the agent leaving: \(states)")
            #expect(states.contains(.inactive))
        }
    }

    /// Every message the router sends has an `id`, and every text that tells an agent what to
    /// type says `!accept` (Gajim takes `/accept` for its own command and refuses it).
    @Test func everyMessageTheRouterSendsHasAnIDAndOffersSayBang() async throws {
        try await Self.withRouter(accounts: Self.accounts(["alice", "visitor1"]), rules: Self.workflow(Self.yaml)) {
            (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let visitor = try await live.connect("visitor1")
            let (chatAddress, offer) = try await Self.acceptedChat(live, alice: alice, visitor: visitor)
            #expect(offer.body?.contains("Reply !accept or !decline") == true, "\(offer.body ?? "")")
            #expect(offer.id != nil)

            try await alice.send(Message(to: chatAddress, body: "How can I help?"))
            var received = try await visitor.allMessages(until: "Alice's line") { $0.body == "How can I help?" }
            var asked = Message(to: try live.address("help"), id: "order-1", body: "My order is late")
            asked.element.append(XMLElement("request", namespace: "urn:xmpp:receipts"))
            try await visitor.send(asked)
            received += try await visitor.allMessages(until: "the receipt") { $0.element.child("received", namespace: "urn:xmpp:receipts") != nil }
            var answered = try await alice.allMessages(until: "the visitor's line") { $0.body == "My order is late" }
            try await alice.send(Message(to: chatAddress, body: "!frobnicate"))
            answered += try await alice.allMessages(until: "the usage") { $0.body?.contains("Unknown command") == true }
            try await alice.send(Message(to: try JID(domain: live.domain), body: "!help"))
            let usage = try await alice.message("the usage", startingWith: "In a chat")
            #expect(usage.body?.contains("!accept") == true && usage.body?.contains("!note TEXT") == true)
            answered.append(usage)
            try await visitor.send(Message(to: chatAddress, body: "Can I write here?"))
            received.append(try await visitor.next("the refusal") { if case .message(let m) = $0, m.error != nil { m } else { nil } })

            for message in received + answered { #expect(message.id?.isEmpty == false, "no id on \(message)") }
        }
    }

    /// A stock client shows nothing of a canned reply unless the router echoes it.
    @Test func aCannedReplyIsEchoedToTheAgent() async throws {
        let yaml = Self.yaml + "\ncanned:\n  thanks: \"Thank you for waiting, {visitor}.\"\n"
        try await Self.withRouter(accounts: Self.accounts(["alice", "visitor1"]), rules: Self.workflow(yaml)) { (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let visitor = try await live.connect("visitor1")
            let (chatAddress, _) = try await Self.acceptedChat(live, alice: alice, visitor: visitor)
            try await alice.send(Message(to: chatAddress, body: "!canned thanks"))
            #expect(try await alice.message("the echo", startingWith: "Sent:").body == "Sent: Thank you for waiting, visitor1.")
            #expect(try await visitor.message("the canned reply", startingWith: "Thank you").body == "Thank you for waiting, visitor1.")
        }
    }

    /// Visitor writes, Alice is offered the chat and accepts; returns the chat's address and the offer.
    static func acceptedChat(_ live: LiveRouter, alice: XMPPClient, visitor: XMPPClient) async throws -> (JID, Message) {
        try await visitor.send(Message(to: try live.address("help"), body: "Hello"))
        let offer = try await alice.offer("the offer")
        let chatAddress = try #require(offer.from)
        try await alice.send(Message(to: chatAddress, body: "!accept"))
        _ = try await alice.message("the acceptance", startingWith: "Accepted")
        _ = try await visitor.message("the assignment", startingWith: "You are now")
        return (chatAddress, offer)
    }

    static func state(_ state: ChatState, to address: JID) -> Message {
        var message = Message(to: address)
        message.chatState = state
        return message
    }

    static func bodiless(_ stanza: Stanza) -> Message? {
        if case .message(let message) = stanza, message.body == nil, message.chatState != nil { message } else { nil }
    }
}

extension XMPPClient {
    /// Every message (with a body or not) up to and including the first one `last` accepts.
    func allMessages(until what: String, _ last: @escaping @Sendable (Message) -> Bool) async throws -> [Message] {
        let stanzas = self.stanzas
        return try await within(.seconds(30), what) {
            var seen: [Message] = []
            for try await stanza in stanzas {
                guard case .message(let message) = stanza else { continue }
                seen.append(message)
                if last(message) { return seen }
            }
            throw TimedOut(what: "\(what) (the session ended)")
        }
    }
}
