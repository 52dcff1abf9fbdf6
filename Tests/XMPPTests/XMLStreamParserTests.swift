import Foundation
import Testing
@testable import XMPP

/// The XML stream layer on its own: no sockets.
@Suite struct XMLStreamParserTests {
    static let clientStream = """
        <?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' \
        to='localhost' version='1.0' xml:lang='en'> <message from='a@localhost/r' to='sales@support.localhost' \
        type='chat' id='m&amp;1'><body>Hi &lt;there&gt; &amp; caf\u{e9} 😀 &#x263A;<![CDATA[<raw>]]></body>\
        <active xmlns='http://jabber.org/protocol/chatstates'/></message>
        <presence><show>dnd</show></presence><iq type='get' id='1'><query xmlns='jabber:iq:roster' \
        xmlns:x='urn:x' x:flag='1'/></iq></stream:stream>
        """

    static func parse(_ text: String, limits: XMLStreamLimits = XMLStreamLimits()) throws(StreamError) -> [XMLStreamEvent] {
        try XMLStreamParser(limits: limits).feed(Array(text.utf8))
    }

    static func streamError(_ text: String, limits: XMLStreamLimits = XMLStreamLimits()) -> StreamError? {
        streamError(Array(text.utf8), limits: limits)
    }

    static func streamError(_ bytes: [UInt8], limits: XMLStreamLimits = XMLStreamLimits()) -> StreamError? {
        do {
            _ = try XMLStreamParser(limits: limits).feed(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test func parsesAStreamIntoHeaderStanzasAndFooter() throws {
        let events = try Self.parse(Self.clientStream)
        #expect(events.count == 5)
        guard case .streamOpened(let header) = events[0] else {
            Issue.record("no stream header: \(events)")
            return
        }
        #expect(header == StreamHeader(contentNamespace: "jabber:client", to: "localhost", version: "1.0", language: "en"))
        guard case .element(let message) = events[1] else {
            Issue.record("no message")
            return
        }
        #expect(message.name == "message" && message.namespace == "jabber:client")
        #expect(message[attribute: "id"] == "m&1")
        #expect(message.child("body")?.text == "Hi <there> & café 😀 ☺<raw>")
        #expect(message.child("active", namespace: Namespace.chatStates) != nil)
        guard case .element(let iq) = events[3] else {
            Issue.record("no iq")
            return
        }
        let query = try #require(iq.child("query", namespace: "jabber:iq:roster"))
        #expect(query.attributes == [XMLAttribute("flag", "1", namespace: "urn:x")])
        #expect(events[4] == .streamClosed)
    }

    @Test func givesTheSameEventsWhateverTheFragmentation() throws {
        let bytes = Array(Self.clientStream.utf8)
        let whole = try XMLStreamParser().feed(bytes)
        for split in 1..<bytes.count {
            let parser = XMLStreamParser()
            let events = try parser.feed(bytes[..<split]) + parser.feed(bytes[split...])
            #expect(events == whole, "split at \(split)")
        }
        // And byte by byte.
        let parser = XMLStreamParser()
        var events: [XMLStreamEvent] = []
        for byte in bytes { events += try parser.feed([byte]) }
        #expect(events == whole)
    }

    @Test func serialisedStanzasParseBackToThemselves() throws {
        var message = XMLElement("message", namespace: Namespace.component, attributes: [
            XMLAttribute("to", "v@localhost"), XMLAttribute("id", "a'b\"c<&>\t\n"),
            XMLAttribute("lang", "de", namespace: Namespace.xml), XMLAttribute("x", "1", namespace: "urn:other"),
        ])
        message.append(.text("body", namespace: Namespace.component, "<script>alert('&')</script>\r\n ünï 🙂"))
        message.append(XMLElement("composing", namespace: Namespace.chatStates))
        let stream = "<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams'>"
            + message.xmlString(parentNamespace: Namespace.component)
        let events = try Self.parse(stream)
        #expect(events.last == .element(message))
    }

    @Test func serialisationDropsCharactersXMLForbids() throws {
        let element = XMLElement.text("body", namespace: Namespace.client, "a\u{0}b\u{1B}[2Jc\u{FFFE}d\u{FFFF}e\u{7}")
        #expect(element.xmlString() == "<body xmlns='jabber:client'>ab[2Jcde</body>")
    }

    @Test(arguments: [
        ("<!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>]>"
            + "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>&lol2;", "billion laughs"),
        ("<!DOCTYPE foo [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]><stream:stream xmlns='jabber:client' "
            + "xmlns:stream='http://etherx.jabber.org/streams'><message><body>&xxe;</body></message>", "external entity"),
        ("<!DOCTYPE foo SYSTEM 'http://127.0.0.1:9/evil.dtd'><stream:stream xmlns='jabber:client' "
            + "xmlns:stream='http://etherx.jabber.org/streams'>", "external DTD"),
        (open + "<!-- hidden --><message/>", "comment"),
        (open + "<message><?evil stuff?></message>", "processing instruction"),
    ])
    func refusesRestrictedXML(input: String, what: String) {
        #expect(Self.streamError(input)?.condition == .restrictedXML, "\(what)")
    }

    static let open = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"

    @Test(arguments: [
        (open + "<message><body>unclosed</message>", "mismatched tag"),
        (open + "<message a='1' a='2'/>", "duplicate attribute"),
        (open + "<message><body>&undeclared;</body></message>", "undeclared entity"),
        (open + "<message>\u{1}</message>", "control character"),
        (open + "<message xmlns:p='urn:p'><q:body/></message>", "undeclared prefix"),
        (open + "</stream:stream><message/>", "content after the stream"),
    ])
    func refusesMalformedXML(input: String, what: String) {
        #expect(Self.streamError(input)?.condition == .notWellFormed, "\(what)")
    }

    @Test func refusesInvalidUTF8() {
        let parser = XMLStreamParser()
        let bytes = Array(Self.open.utf8) + Array("<message><body>".utf8) + [0xC3, 0x28, 0xFF] + Array("</body></message>".utf8)
        #expect(throws: StreamError.self) { try parser.feed(bytes) }
        #expect(parser.error?.condition == .notWellFormed)
    }

    @Test func refusesAnythingButAStreamAsRoot() {
        #expect(Self.streamError("<html xmlns='jabber:client'>")?.condition == .invalidNamespace)
        #expect(Self.streamError("<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>")?.condition == .invalidNamespace)
    }

    @Test func limitsStanzaSize() throws {
        let limits = XMLStreamLimits(maxStanzaSize: 4096)
        let small = "<message><body>" + String(repeating: "a", count: 4000) + "</body></message>"
        let events = try Self.parse(Self.open + small + small, limits: limits)
        #expect(events.count == 3)
        let big = "<message><body>" + String(repeating: "a", count: 4200) + "</body></message>"
        #expect(Self.streamError(Self.open + big, limits: limits)?.condition == .policyViolation)
        // A huge start tag that libxml2 would buffer whole is cut off too.
        let hugeTag = "<message a='" + String(repeating: "a", count: 1_000_000)
        #expect(Self.streamError(Self.open + hugeTag, limits: limits)?.condition == .policyViolation)
    }

    @Test func limitsDepth() throws {
        let limits = XMLStreamLimits(maxDepth: 8)
        let ok = String(repeating: "<a>", count: 8) + String(repeating: "</a>", count: 8)
        #expect(try Self.parse(Self.open + ok, limits: limits).count == 2)
        let deep = String(repeating: "<a>", count: 9)
        #expect(Self.streamError(Self.open + deep, limits: limits)?.condition == .policyViolation)
    }

    @Test func stopsAfterTheFirstErrorButKeepsWhatCameBefore() {
        let parser = XMLStreamParser()
        var events: [XMLStreamEvent] = []
        let bytes = Array((Self.open + "<presence/><!-- x --><message/>").utf8)
        bytes.withUnsafeBytes { buffer in
            #expect(throws: StreamError(.restrictedXML, "comments are not allowed in XMPP")) {
                try parser.feed(buffer, into: &events)
            }
        }
        #expect(events.count == 2)
        #expect(throws: StreamError.self) { try parser.feed(Array("<message/>".utf8)) }
    }

    @Test func endlesslyNewNamesDoNotExhaustTheParser() throws {
        // libxml2 keeps every name in a capped dictionary; the parser starts a fresh context in time.
        let count = Int(XMLStreamParser.dictionaryLimit) * 3
        var stream = Array(Self.open.utf8)
        for index in 0..<count { stream += Array("<message id='\(index)'><n\(index) xmlns='urn:x:\(index)'/></message>".utf8) }
        let parser = XMLStreamParser()
        var events: [XMLStreamEvent] = []
        var offset = 0
        var size = 1
        while offset < stream.count {
            // Uneven pieces, so a refresh falls in the middle of some of them.
            let end = min(offset + size, stream.count)
            events += try parser.feed(stream[offset..<end])
            offset = end
            size = size % 9_973 + 1_237
        }
        #expect(events.count == count + 1)
        guard case .element(let last)? = events.last else {
            Issue.record("no element at the end")
            return
        }
        #expect(last[attribute: "id"] == "\(count - 1)")
        let child = Array(last.elements).first
        #expect(child?.name == "n\(count - 1)" && child?.namespace == "urn:x:\(count - 1)")
    }

    @Test func hostileInputsLeaveMemoryFlat() throws {
        let inputs = [
            "<!DOCTYPE l [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>]>" + Self.open + "&b;",
            Self.open + "<message><body>" + String(repeating: "x", count: 600_000),
            Self.open + String(repeating: "<a>", count: 100),
            Self.open + "<message>\u{1}</message>",
            Self.open + "<message><body>\u{FFFD}</body></message>",  // made invalid UTF-8 below
        ].map { Array($0.utf8) }.map { bytes in
            // U+FFFD (EF BF BD) becomes C3 28 FF: not UTF-8 at all.
            guard let index = bytes.firstIndex(of: 0xEF), bytes[index + 1] == 0xBF, bytes[index + 2] == 0xBD else { return bytes }
            return bytes[..<index] + [0xC3, 0x28, 0xFF] + bytes[(index + 3)...]
        }
        func residentKiB() throws -> Int {
            let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
            let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
            return Int(line.split(separator: " ")[1]) ?? 0
        }
        for input in inputs { _ = Self.streamError(input) }  // warm up
        // Other suites run in this process meanwhile and move its resident size in steps, while a
        // leak grows it in every batch: the median batch, times the batches, is what parsing kept.
        // 64 MB in 5,000 parses is ~13 KiB a parse; a parser never freed loses ~110 KiB a parse here.
        let batches = 20, rounds = 50
        var grown: [Int] = []
        for _ in 0..<batches {
            let before = try residentKiB()
            for _ in 0..<rounds {
                for input in inputs { #expect(Self.streamError(input) != nil) }
            }
            grown.append(try residentKiB() - before)
        }
        let kept = grown.sorted()[batches / 2] * batches
        #expect(kept < 64 * 1024, "resident memory grew by a median of \(kept / batches) KiB a batch: \(grown) KiB")
    }
}
