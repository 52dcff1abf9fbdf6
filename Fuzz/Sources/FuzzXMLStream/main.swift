import FuzzDriver
import XMPP

// Feeds the XMPP stream parser what a peer could send, in two pieces split where the first byte
// says, so the push parser is fuzzed across a chunk boundary too; small limits reach the size and
// depth checks. Every stanza that comes out must serialise (as the router relays it) to XML that
// parses back to the same element.
fuzz { input in
    guard let first = input.first else { return }
    let split = min(1 + Int(first) * 4, input.count)
    let parser = XMLStreamParser(limits: XMLStreamLimits(maxStanzaSize: 4096, maxDepth: 8))
    var events: [XMLStreamEvent] = []
    do throws(StreamError) {
        try parser.feed(UnsafeRawBufferPointer(rebasing: input[1..<split]), into: &events)
        try parser.feed(UnsafeRawBufferPointer(rebasing: input[split...]), into: &events)
    } catch {
        // A refused stream is the expected answer to most inputs; only a crash is a finding.
    }
    for case .element(let element) in events {
        let relayed = element.xmlString()
        let header = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
        let reread = try? XMLStreamParser().feed(Array((header + relayed).utf8))
        guard let reread, reread.count == 2, case .element(let again) = reread[1], again == element else {
            fatalError("the stanza \(relayed) does not parse back to itself: \(String(describing: reread))")
        }
    }
}
