import NIOCore

/// Decodes a byte stream into `XMLStreamEvent`s with an `XMLStreamParser`.
/// A stream error is thrown (and the decoder stops) after the events before it are delivered.
public struct XMLStreamDecoder: ByteToMessageDecoder {
    public typealias InboundOut = XMLStreamEvent

    let parser: XMLStreamParser
    private var events: [XMLStreamEvent] = []

    public init(limits: XMLStreamLimits = XMLStreamLimits()) {
        parser = XMLStreamParser(limits: limits)
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard buffer.readableBytes > 0 else { return .needMoreData }
        var failure: StreamError?
        buffer.readWithUnsafeReadableBytes { bytes in
            do throws(StreamError) { try parser.feed(bytes, into: &events) } catch { failure = error }
            return bytes.count
        }
        for event in events { context.fireChannelRead(wrapInboundOut(event)) }
        events.removeAll(keepingCapacity: true)
        if let failure { throw failure }
        return .needMoreData
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}

/// What Switchboard writes on an XML stream.
public enum XMLStreamOutput: Sendable, Hashable {
    /// Opens (or restarts) the stream.
    case open(StreamHeader)
    /// A top-level element: a stanza or stream negotiation.
    case element(XMLElement)
    /// A single space: the whitespace keepalive of RFC 6120 §4.6.1.
    case keepalive
    /// `</stream:stream>`.
    case close
}

/// Encodes `XMLStreamOutput` as XML text. Stanzas in either content namespace
/// (`jabber:client`, `jabber:component:accept`) are written without `xmlns`, so they
/// take the stream's namespace.
public struct XMLStreamEncoder: MessageToByteEncoder {
    public typealias OutboundIn = XMLStreamOutput

    public init() {}

    public func encode(data: XMLStreamOutput, out: inout ByteBuffer) throws {
        switch data {
        case .open(let header):
            header.write(to: &out)
        case .element(let element) where element.namespace == Namespace.stream:
            // Stream-level elements use the prefix the header declared (RFC 6120 §4.8.5).
            out.writeString("<stream:\(element.name)>")
            for child in element.children {
                switch child {
                case .element(let child): child.write(to: &out)
                case .text(let text): out.writeEscapedXML(text, inAttribute: false)
                }
            }
            out.writeString("</stream:\(element.name)>")
        case .element(let element):
            let isStanza = element.namespace == Namespace.client || element.namespace == Namespace.component
            element.write(to: &out, parentNamespace: isStanza ? element.namespace : nil)
        case .keepalive:
            out.writeStaticString(" ")
        case .close:
            out.writeStaticString("</stream:stream>")
        }
    }
}
