@testable import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// What modern clients send beyond text crosses the relay as they sent it, through a real Prosody
/// and real XMPP clients: files (XEP-0066), corrections (XEP-0308) and read marks (XEP-0333)
/// under the ids each side knows; encrypted messages are never passed on as their fallback text;
/// `/transcript` sends the visitor their chat without notes.
@Suite struct ConversationExtrasTests: LiveRouterSuite {
    static let yaml = """
        queues:
          - { name: sales, skills: [sales] }
        agents:
          - { jid: alice@localhost, name: Alice, skills: { sales: 5 } }
        """

    /// A visitor with a chat Alice holds: the visitor's client, Alice's, and the chat's address.
    static func chatting(_ live: LiveRouter) async throws -> (visitor: XMPPClient, alice: XMPPClient, chat: JID) {
        let alice = try await live.agent("alice")
        let visitor = try await live.connect("visitor1")
        try await visitor.send(Message(to: try live.address("sales"), id: "hello", body: "Hello"))
        let chat = try #require(try await alice.offer("the chat").from)
        _ = try await visitor.message("Alice's greeting", startingWith: "You are now chatting")
        return (visitor, alice, chat)
    }

    /// The next message from `from` with a body.
    static func line(_ client: XMPPClient, from: JID, _ what: String) async throws -> Message {
        try await client.next(what) { stanza in
            if case .message(let message) = stanza, message.body != nil, message.from?.bare == from.bare { message } else { nil }
        }
    }

    /// The next read mark (XEP-0333) that reaches `client`.
    static func marker(_ client: XMPPClient, _ what: String) async throws -> (marker: ChatMarker, from: JID?) {
        try await client.next(what) { stanza in
            if case .message(let message) = stanza, let marker = message.chatMarker { (marker, message.from) } else { nil }
        }
    }

    static func file(to: JID, id: String, _ url: String, body: String? = nil) -> Message {
        var message = Message(to: to, id: id, body: body ?? url)
        message.outOfBandURL = url
        return message
    }

    @Test func filesCrossTheRelayBothWaysWithTheirURLAndAreKeptAsAttachments() async throws {
        try await Self.withRouter(accounts: Self.accounts(["alice", "visitor1"]), rules: Self.workflow(Self.yaml)) { (live: LiveRouter) in
            let (visitor, alice, chat) = try await Self.chatting(live)
            let sales = try live.address("sales")
            let screenshot = "https://upload.example.net/abc/screenshot.png"
            try await visitor.send(Self.file(to: sales, id: "f1", screenshot))
            let got = try await Self.line(alice, from: chat, "the visitor's file")
            #expect(got.body == screenshot && got.outOfBandURL == screenshot)
            #expect(got.id?.hasPrefix("sb-") == true, "relayed under an id the router chose: \(got.id ?? "none")")

            let invoice = "https://upload.example.net/def/invoice.pdf"
            try await alice.send(Self.file(to: chat, id: "a1", invoice))
            let sent = try await Self.line(visitor, from: sales, "Alice's file")
            #expect(sent.body == invoice && sent.outOfBandURL == invoice && sent.id?.hasPrefix("sb-") == true)

            // Only http(s), and bounded: anything else goes as the text it also is, without the element.
            let long = "https://upload.example.net/" + String(repeating: "a", count: Attachment.maxURLBytes)
            for (id, url) in [("f2", "javascript:alert(1)"), ("f3", "file:///etc/passwd"), ("f4", long)] {
                try await visitor.send(Self.file(to: sales, id: id, url, body: "look \(id)"))
                let plain = try await Self.line(alice, from: chat, "the line with a refused URL")
                #expect(plain.body == "look \(id)" && plain.outOfBandURL == nil, "\(id): \(plain.element)")
            }

            let lines = try await live.store.transcript(try #require(chat.chatID))
            let files = lines.compactMap(\.attachment)
            #expect(files.map(\.url) == [screenshot, invoice])
            #expect(files.map(\.name) == ["screenshot.png", "invoice.pdf"])
            #expect(files.map(\.type) == ["image/png", "application/pdf"])
        }
    }

    @Test func correctionsAndReadMarksNameTheRightMessageOnEachSide() async throws {
        try await Self.withRouter(accounts: Self.accounts(["alice", "visitor1"]), rules: Self.workflow(Self.yaml)) { (live: LiveRouter) in
            let (visitor, alice, chat) = try await Self.chatting(live)
            let sales = try live.address("sales")

            var typo = Message(to: sales, id: "v2", body: "I ordred a chair")
            typo.requestMarkers()
            try await visitor.send(typo)
            let relayedTypo = try await Self.line(alice, from: chat, "the visitor's line")
            let typoID = try #require(relayedTypo.id)
            #expect(typoID != "v2" && relayedTypo.element.child("markable", namespace: Namespace.chatMarkers) != nil)

            var fixed = Message(to: sales, id: "v3", body: "I ordered a chair")
            fixed.replacesID = "v2"
            try await visitor.send(fixed)
            let relayedFix = try await Self.line(alice, from: chat, "the visitor's correction")
            #expect(relayedFix.body == "I ordered a chair" && relayedFix.replacesID == typoID, "\(relayedFix.element)")

            // Alice's client read the line: the visitor's client hears it for its own id.
            var read = Message(to: chat)
            read.chatMarker = ChatMarker(.displayed, id: typoID)
            try await alice.send(read)
            let seenByAlice = try await Self.marker(visitor, "Alice's read mark")
            #expect(seenByAlice.marker == ChatMarker(.displayed, id: "v2") && seenByAlice.from?.bare == sales.bare)

            try await alice.send(Message(to: chat, id: "a1", body: "Which one?"))
            let question = try await Self.line(visitor, from: sales, "Alice's question")
            let questionID = try #require(question.id)
            var better = Message(to: chat, id: "a2", body: "Which chair, the red or the blue one?")
            better.replacesID = "a1"
            try await alice.send(better)
            let relayedBetter = try await Self.line(visitor, from: sales, "Alice's correction")
            #expect(relayedBetter.replacesID == questionID, "\(relayedBetter.element)")

            var readToo = Message(to: sales)
            readToo.chatMarker = ChatMarker(.displayed, id: questionID)
            try await visitor.send(readToo)
            let seenByVisitor = try await Self.marker(alice, "the visitor's read mark")
            #expect(seenByVisitor.marker == ChatMarker(.displayed, id: "a1") && seenByVisitor.from?.bare == chat.bare)

            // A mark for an id of the marker's own side, or one the router never relayed, goes
            // nowhere: the line the visitor writes next is the first thing Alice gets.
            for id in [typoID, "sb-unknown", "v2"] {
                var forged = Message(to: sales)
                forged.chatMarker = ChatMarker(.displayed, id: id)
                try await visitor.send(forged)
            }
            try await visitor.send(Message(to: sales, id: "v4", body: "Done"))
            let next = try await alice.next("the next message or mark") { stanza -> Message? in
                if case .message(let message) = stanza, message.body != nil || message.chatMarker != nil { message } else { nil }
            }
            #expect(next.body == "Done" && next.chatMarker == nil, "\(next.element)")

            // The transcript keeps the originals and the corrections, each naming what it corrects.
            let id = try #require(chat.chatID)
            let lines = try await live.store.transcript(id)
            let texts = lines.map(\.text)
            #expect(texts.contains("I ordred a chair") && texts.contains("I ordered a chair"))
            #expect(texts.contains("Which one?") && texts.contains("Which chair, the red or the blue one?"))
            #expect(lines.first { $0.text == "I ordered a chair" }?.replaces == typoID)
            #expect(lines.first { $0.text == "I ordred a chair" }?.id == typoID)

            // The id map follows the chat's retention once it closes.
            try await alice.send(Message(to: chat, body: "/close"))
            _ = try await alice.message("the close", startingWith: "Closed")
            let ttl = try await live.redis.send("PTTL", live.store.keys.relayIDs(id)).int ?? -2
            #expect(ttl > 0, "the id map expires with the chat: PTTL \(ttl)")
            let transcriptTTL = try await live.redis.send("PTTL", live.store.keys.transcript(id)).int ?? -2
            #expect(transcriptTTL > 0)
        }
    }

    /// OMEMO (both namespaces) and OpenPGP (both): the visitor is told at once, the agent gets a
    /// note, the fallback text reaches nobody; the service does not advertise OMEMO.
    @Test func encryptedMessagesAreNeverRelayedAndTheVisitorIsToldHowToTurnItOff() async throws {
        try await Self.withRouter(accounts: Self.accounts(["alice", "visitor1"]), rules: Self.workflow(Self.yaml)) { (live: LiveRouter) in
            let (visitor, alice, chat) = try await Self.chatting(live)
            let sales = try live.address("sales")
            let payloads = [
                XMLElement("encrypted", namespace: Namespace.omemoLegacy, children: [.element(XMLElement("payload", namespace: Namespace.omemoLegacy, children: [.text("c2VjcmV0")]))]),
                XMLElement("encrypted", namespace: Namespace.omemo),
                XMLElement("x", namespace: Namespace.openPGPLegacy, children: [.text("-----BEGIN PGP MESSAGE-----")]),
                XMLElement("openpgp", namespace: Namespace.openPGP),
            ]
            for (index, payload) in payloads.enumerated() {
                var encrypted = Message(to: sales, id: "e\(index)", body: "I sent you an encrypted message (fallback \(index)).")
                encrypted.element.append(payload)
                try await visitor.send(encrypted)
                let told = try await Self.line(visitor, from: sales, "the notice about encryption")
                #expect(told.body == MessageRelay.encryptedToVisitor, "\(told.body ?? "")")
                #expect(told.element.elements.allSatisfy { $0.namespace != Namespace.omemoLegacy && $0.namespace != Namespace.omemo })
                let note = try await Self.line(alice, from: chat, "the note to Alice")
                #expect(note.body == MessageRelay.encryptedNote)
            }
            try await visitor.send(Message(to: sales, id: "plain", body: "Plain again"))
            let seen = try await alice.messages(until: "the plain line") { $0.body == "Plain again" }
            #expect(!seen.contains { $0.body?.contains("fallback") == true }, "\(seen.compactMap(\.body))")
            let kept = try await live.store.transcript(try #require(chat.chatID)).map(\.text)
            #expect(!kept.contains { $0.contains("fallback") })

            // An agent's encrypted message is not passed on either.
            var fromAlice = Message(to: chat, id: "ae", body: "Encrypted fallback from Alice")
            fromAlice.element.append(XMLElement("encrypted", namespace: Namespace.omemoLegacy))
            try await alice.send(fromAlice)
            #expect(try await Self.line(alice, from: chat, "the refusal").body == MessageRelay.encryptedFromAgent)

            for address in [sales, try JID(domain: live.domain), chat] {
                var query = IQ(type: .get, id: visitor.nextID(), to: address, payload: XMLElement("query", namespace: Namespace.discoInfo))
                if address == chat { query = IQ(type: .get, id: alice.nextID(), to: address, payload: XMLElement("query", namespace: Namespace.discoInfo)) }
                let result = try await (address == chat ? alice : visitor).request(query)
                let features = result.payload?.elements.compactMap { $0.name == "feature" ? $0[attribute: "var"] : nil } ?? []
                #expect(features.contains(Namespace.correction) && features.contains(Namespace.chatMarkers), "\(address): \(features)")
                #expect(!features.contains { $0.contains("omemo") || $0.contains("axolotl") }, "\(address): \(features)")
            }
        }
    }

    @Test func transcriptCommandSendsTheLastChatWithoutNotes() async throws {
        try await Self.withRouter(accounts: Self.accounts(["alice", "visitor1", "visitor2"]), rules: Self.workflow(Self.yaml)) {
            (live: LiveRouter) in
            let (visitor, alice, chat) = try await Self.chatting(live)
            let sales = try live.address("sales")
            try await alice.send(Message(to: chat, body: "/note a secret remark"))
            _ = try await alice.message("the note kept", startingWith: "Noted")
            try await alice.send(Message(to: chat, id: "a1", body: "Hi, how can I help?"))
            _ = try await Self.line(visitor, from: sales, "Alice's line")
            try await visitor.send(Self.file(to: sales, id: "f1", "https://upload.example.net/x/photo.jpg"))
            _ = try await Self.line(alice, from: chat, "the visitor's file")

            // While the chat is open, and after it closed.
            for round in ["open", "closed"] {
                if round == "closed" {
                    try await alice.send(Message(to: chat, body: "/close"))
                    _ = try await visitor.message("the goodbye", startingWith: "This chat has ended")
                }
                try await visitor.send(Message(to: sales, id: "t-\(round)", body: round == "open" ? "/transcript" : "!transcript"))
                let transcript = try await visitor.message("the transcript (\(round))", startingWith: "Transcript of chat")
                let text = try #require(transcript.body)
                #expect(text.contains("You: Hello") && text.contains("Alice: Hi, how can I help?"), "\(text)")
                #expect(text.contains("You: https://upload.example.net/x/photo.jpg"), "\(text)")
                #expect(!text.contains("secret remark") && !text.contains("/transcript"), "\(text)")
            }
            let events = try await live.events()
            #expect(events.filter { $0["type"] == "queued" }.count == 1, "the command opens no chat")

            let stranger = try await live.connect("visitor2")
            try await stranger.send(Message(to: sales, body: "/transcript"))
            _ = try await stranger.message("the answer", startingWith: "You have no chat")
        }
    }
}
