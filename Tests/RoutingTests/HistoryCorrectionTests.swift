@testable import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// A visitor's first lines reach the agent inside the offer's text, under no id of their own, so
/// the agent's client cannot apply a correction (XEP-0308) of one of them: the router relays it
/// as a new line that quotes the line it corrects. Through a real Prosody and real XMPP clients.
@Suite struct HistoryCorrectionTests: LiveRouterSuite {
    static let yaml = """
        queues:
          - { name: sales, skills: [sales] }
        agents:
          - { jid: alice@localhost, name: Alice, skills: { sales: 5 } }
        """

    /// A visitor's message asking for a receipt (XEP-0184): the router confirms it once stored.
    static func stored(_ message: Message, by visitor: XMPPClient) async throws {
        var message = message
        message.element.append(XMLElement("request", namespace: "urn:xmpp:receipts"))
        try await visitor.send(message)
        let id = message.id
        _ = try await visitor.next("the receipt for \(id ?? "")") { stanza -> Bool? in
            guard case .message(let receipt) = stanza,
                receipt.element.child("received", namespace: "urn:xmpp:receipts")?[attribute: "id"] == id
            else { return nil }
            return true
        }
    }

    static func correction(to: JID, id: String, of original: String, _ body: String) -> Message {
        var message = Message(to: to, id: id, body: body)
        message.replacesID = original
        return message
    }

    @Test func aCorrectionOfALineInTheOfferComesAsALineQuotingIt() async throws {
        try await Self.withRouter(accounts: Self.accounts(["alice", "visitor1"]), rules: Self.workflow(Self.yaml)) { (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let visitor = try await live.connect("visitor1")
            let sales = try live.address("sales")
            try await visitor.send(Message(to: sales, id: "v1", body: "Helo, I ordred a chair"))
            let offer = try await alice.offer("the chat")
            let chat = try #require(offer.from)
            #expect(offer.body?.contains("visitor1: Helo, I ordred a chair") == true, "\(offer.body ?? "")")

            try await visitor.send(Self.correction(to: sales, id: "v2", of: "v1", "Hello, I ordered a chair"))
            let quoted = try await ConversationExtrasTests.line(alice, from: chat, "the correction of the offer's line")
            #expect(quoted.body == "[correction of \"Helo, I ordred a chair\"] Hello, I ordered a chair", "\(quoted.element)")
            #expect(quoted.replacesID == nil, "no id the agent's client could look up")
            #expect(quoted.element.child("nick", namespace: "http://jabber.org/protocol/nick")?.text == "visitor1")

            // A line relayed on its own is corrected the XEP-0308 way, as before.
            try await visitor.send(Message(to: sales, id: "v3", body: "It is blu"))
            let own = try await ConversationExtrasTests.line(alice, from: chat, "a line of its own")
            try await visitor.send(Self.correction(to: sales, id: "v4", of: "v3", "It is blue"))
            let fix = try await ConversationExtrasTests.line(alice, from: chat, "its correction")
            #expect(fix.body == "It is blue" && fix.replacesID == own.id, "\(fix.element)")

            // The transcript keeps both, the correction naming the line it corrects.
            let lines = try await live.store.transcript(try #require(chat.chatID))
            let first = try #require(lines.first { $0.text == "Helo, I ordred a chair" })
            let corrected = try #require(lines.first { $0.text == "Hello, I ordered a chair" })
            #expect(corrected.replaces == first.id && corrected.quote == first.text)
            #expect(lines.first { $0.text == "It is blue" }?.quote == nil)
        }
    }

    @Test func aCorrectionWrittenBeforeTheOfferIsShownInItsHistory() async throws {
        try await Self.withRouter(accounts: Self.accounts(["alice", "visitor1"]), rules: Self.workflow(Self.yaml)) { (live: LiveRouter) in
            let visitor = try await live.connect("visitor1")
            let sales = try live.address("sales")
            try await Self.stored(Message(to: sales, id: "v1", body: "My ordr is late"), by: visitor)
            try await Self.stored(Self.correction(to: sales, id: "v2", of: "v1", "My order is late"), by: visitor)
            // Available with the chat waiting: it is offered at once (`live.agent` would skip it).
            let alice = try await live.connect("alice")
            try await alice.send(Presence(to: try JID(domain: live.domain)))
            let offer = try await alice.offer("the chat")
            let body = offer.body ?? ""
            #expect(body.contains("visitor1: My ordr is late\nvisitor1: [correction of \"My ordr is late\"] My order is late"), "\(body)")

            // Alice's history holds both lines: a correction of the correction quotes the first wording.
            let chat = try #require(offer.from)
            try await visitor.send(Self.correction(to: sales, id: "v3", of: "v1", "My order is very late"))
            let quoted = try await ConversationExtrasTests.line(alice, from: chat, "the second correction")
            #expect(quoted.body == "[correction of \"My ordr is late\"] My order is very late" && quoted.replacesID == nil)
        }
    }

    @Test func aLongOrMultiLineQuoteIsCutToOneShortLine() {
        let long = String(repeating: "x", count: 200)
        #expect(Outbox.correctionLine("new", of: long) == "[correction of \"\(String(repeating: "x", count: 80))…\"] new")
        #expect(Outbox.correctionLine("new", of: "a\nb") == "[correction of \"a ⏎ b\"] new")
    }
}
