import Testing
@testable import XMPP

/// Files (XEP-0066), corrections (XEP-0308), markers (XEP-0333) and encryption, as clients send
/// them (Conversations' stanzas, trimmed), read and written.
@Suite struct ConversationExtrasStanzaTests {
    func message(_ xml: String) throws -> Message {
        let events = try XMLStreamParser().feed(Array((XMLStreamParserTests.open + xml).utf8))
        guard case .element(let element)? = events.last, case .message(let message)? = Stanza(element) else {
            throw StreamError(.badFormat, "no message")
        }
        return message
    }

    @Test func readsAFileACorrectionAndAMarker() throws {
        let file = try message("""
            <message to='sales@support.localhost' type='chat' id='f1'><body>https://up.example/a.png</body>\
            <x xmlns='jabber:x:oob'><url>https://up.example/a.png</url></x><markable xmlns='urn:xmpp:chat-markers:0'/></message>
            """)
        #expect(file.outOfBandURL == "https://up.example/a.png" && file.replacesID == nil && file.chatMarker == nil && !file.isEncrypted)

        let fix = try message("""
            <message to='sales@support.localhost' type='chat' id='f2'><body>fixed</body>\
            <replace xmlns='urn:xmpp:message-correct:0' id='f1'/></message>
            """)
        #expect(fix.replacesID == "f1")

        let read = try message("""
            <message to='sales@support.localhost' type='chat'><displayed xmlns='urn:xmpp:chat-markers:0' id='f1'/></message>
            """)
        #expect(read.chatMarker == ChatMarker(.displayed, id: "f1") && read.body == nil)
        // A marker without an id names nothing.
        let empty = try message("<message to='s@x' type='chat'><displayed xmlns='urn:xmpp:chat-markers:0'/></message>")
        #expect(empty.chatMarker == nil)
    }

    @Test func knowsEncryptedMessagesByTheirPayload() throws {
        for payload in [
            "<encrypted xmlns='eu.siacs.conversations.axolotl'><payload>AA==</payload></encrypted>",
            "<encrypted xmlns='urn:xmpp:omemo:2'/>", "<x xmlns='jabber:x:encrypted'>AA</x>", "<openpgp xmlns='urn:xmpp:openpgp:0'>AA</openpgp>",
        ] {
            let encrypted = try message("<message to='s@x' type='chat'><body>fallback</body>\(payload)</message>")
            #expect(encrypted.isEncrypted, "\(payload)")
        }
        #expect(try !message("<message to='s@x' type='chat'><body>plain</body></message>").isEncrypted)
    }

    @Test func writesWhatItReads() throws {
        var message = Message(to: try JID("v@x"), id: "sb-1", body: "https://up.example/a.png")
        message.outOfBandURL = "https://up.example/a.png"
        message.replacesID = "sb-0"
        message.requestMarkers()
        let again = try self.message(message.element.xmlString())
        #expect(again.outOfBandURL == "https://up.example/a.png" && again.replacesID == "sb-0")
        #expect(again.element.child("markable", namespace: Namespace.chatMarkers) != nil)
        var mark = Message(to: try JID("v@x"))
        mark.chatMarker = ChatMarker(.displayed, id: "v2")
        mark.chatMarker = ChatMarker(.received, id: "v3")
        #expect(try self.message(mark.element.xmlString()).chatMarker == ChatMarker(.received, id: "v3"), "one marker, the last set")
    }
}
