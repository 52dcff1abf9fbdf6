import Reconnect
import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing
@testable import XMPP

@Suite struct StanzaTests {
    func parse(_ xml: String) throws -> XMLElement {
        let events = try XMLStreamParser().feed(Array((XMLStreamParserTests.open + xml).utf8))
        guard case .element(let element)? = events.last else { throw StreamError(.badFormat, "no element") }
        return element
    }

    @Test func readsAMessage() throws {
        let element = try parse("""
            <message from='visitor1@localhost/pc' to='sales@support.localhost' type='chat' id='x1'>\
            <body>Hello</body><thread>t</thread><composing xmlns='http://jabber.org/protocol/chatstates'/></message>
            """)
        guard case .message(let message)? = Stanza(element) else {
            Issue.record("not a message")
            return
        }
        #expect(message.from == (try JID("visitor1@localhost/pc")))
        #expect(message.to == (try JID("sales@support.localhost")))
        #expect(message.type == .chat)
        #expect(message.body == "Hello" && message.thread == "t" && message.chatState == .composing)
    }

    @Test func buildsAndRoundTripsEachKind() throws {
        var message = Message(to: try JID("visitor1@localhost"), from: try JID("sales@support.localhost"), body: "Hi & <bye>")
        message.chatState = .active
        message.chatState = .paused
        #expect(message.element.elements.filter { $0.namespace == Namespace.chatStates }.count == 1)
        let presence = Presence(to: try JID("support.localhost"), show: .dnd, status: "busy")
        let iq = IQ(type: .get, id: "r1", payload: XMLElement("query", namespace: Namespace.roster))
        for stanza in [Stanza.message(message), .presence(presence), .iq(iq)] {
            let parsed = try parse(stanza.element.xmlString(parentNamespace: Namespace.client))
            #expect(Stanza(parsed) == stanza)
        }
        #expect(Presence(Presence(type: .available).element).type == .available)
        #expect(Presence(try parse("<presence type='bogus'/>")).type == .error)
        #expect(Presence(try parse("<presence><show>xa</show><priority>5</priority></presence>")).show == .xa)
        #expect(Message(try parse("<message type='weird'/>")).type == .normal)
    }

    @Test func makesErrorRepliesAndReadsThemBack() throws {
        let request = Message(to: try JID("nosuch@support.localhost"), from: try JID("v@localhost/r"), body: "hi")
        let reply = request.errorReply(StanzaError(.itemNotFound, text: "no queue called nosuch"))
        #expect(reply.to == request.from && reply.from == request.to)
        #expect(reply.element[attribute: "type"] == "error")
        #expect(reply.body == nil)
        let error = try #require(Message(try parse(reply.element.xmlString(parentNamespace: Namespace.client))).error)
        #expect(error == StanzaError(.itemNotFound, text: "no queue called nosuch", type: .cancel))
        #expect(StanzaError(.forbidden).type == .auth)
        #expect(StanzaError(.policyViolation).type == .modify)
        let iq = IQ(type: .get, id: "7", to: try JID("support.localhost"), from: try JID("a@localhost/r"))
        #expect(iq.result().to == iq.from && iq.result().id == "7" && iq.result().type == .result)
    }

    @Test func streamErrorsRoundTrip() throws {
        let error = StreamError(.policyViolation, "too big")
        let stream = XMLStreamParserTests.open + error.element.xmlString()
        let events = try XMLStreamParser().feed(Array(stream.utf8))
        guard case .element(let element)? = events.last else {
            Issue.record("no element")
            return
        }
        #expect(StreamError(element) == error)
    }

    @Test func decoderGivesTheSameEventsForEverySplit() throws {
        // The verifier feeds its inputs again and again into one decoder: they are stanzas of an open stream.
        let stanzas = [
            "<message to='a@b'><body>caf\u{e9} &amp; 😀</body></message>", "<presence/> ",
            "<iq type='get' id='1'><query xmlns='jabber:iq:roster'/></iq>",
        ]
        let pairs = try stanzas.map { stanza in
            let events = try XMLStreamParser().feed(Array((XMLStreamParserTests.open + stanza).utf8))
            return (ByteBuffer(string: stanza), Array(events.dropFirst()))
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) {
            let decoder = XMLStreamDecoder()
            _ = try! decoder.parser.feed(Array(XMLStreamParserTests.open.utf8))
            return decoder
        }
    }

    @Test func encoderWritesStanzasInTheStreamNamespace() throws {
        let channel = EmbeddedChannel(handler: MessageToByteHandler(XMLStreamEncoder()))
        defer { _ = try? channel.finish() }
        try channel.writeOutbound(XMLStreamOutput.open(StreamHeader(contentNamespace: Namespace.component, to: "support.localhost")))
        try channel.writeOutbound(XMLStreamOutput.element(Message(to: try JID("v@localhost"), body: "x").element))
        try channel.writeOutbound(XMLStreamOutput.element(StreamError(.conflict).element))
        try channel.writeOutbound(XMLStreamOutput.keepalive)
        try channel.writeOutbound(XMLStreamOutput.close)
        var written = ""
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) { written += buffer.readString(length: buffer.readableBytes)! }
        #expect(written == """
            <?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' \
            xmlns:stream='http://etherx.jabber.org/streams' to='support.localhost'>\
            <message to='v@localhost' type='chat'><body>x</body></message>\
            <stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error> \
            </stream:stream>
            """)
    }

    @Test func backoffGrowsToItsCeilingWithJitter() {
        let backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(2), multiplier: 2, jitter: 0.5)
        for failures in 1...10 {
            let ceiling = min(0.1 * Double(1 << (failures - 1)), 2)
            let delay = backoff.delay(afterFailures: failures).seconds
            #expect(delay >= ceiling * 0.5 - 1e-9 && delay <= ceiling + 1e-9, "after \(failures) failures: \(delay)")
        }
    }

    @Test func handshakeDigestIsHexSHA1OfIDAndSecret() {
        // As computed by `printf '3BF96D32s3cr3t' | sha1sum`.
        #expect(ComponentHandshake.digest(streamID: "3BF96D32", secret: "s3cr3t") == "ba33290100f616a33656a931798d6c9011cfa840")
    }
}
