import FuzzDriver
import XMPP

// Feeds the XMPP stream parser what a peer could send, in two pieces split where the first byte
// says, so the push parser is fuzzed across a chunk boundary too; small limits reach the size and
// depth checks. Every stanza that comes out is serialised again, as the router does to relay it.
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
        _ = element.xmlString()
    }
}
