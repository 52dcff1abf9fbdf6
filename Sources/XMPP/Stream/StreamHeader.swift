import NIOCore

/// The attributes of a `<stream:stream>` opening tag.
public struct StreamHeader: Sendable, Hashable {
    /// The default namespace of the stream's stanzas (`jabber:client`, `jabber:component:accept`).
    public var contentNamespace: String
    public var to: String?
    public var from: String?
    public var id: String?
    public var version: String?
    public var language: String?

    public init(
        contentNamespace: String, to: String? = nil, from: String? = nil, id: String? = nil,
        version: String? = nil, language: String? = nil
    ) {
        self.contentNamespace = contentNamespace
        self.to = to
        self.from = from
        self.id = id
        self.version = version
        self.language = language
    }

    /// Writes the XML declaration and the opening tag.
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeStaticString("<?xml version='1.0'?><stream:stream xmlns='")
        buffer.writeEscapedXML(contentNamespace, inAttribute: true)
        buffer.writeStaticString("' xmlns:stream='http://etherx.jabber.org/streams'")
        for (name, value) in [("to", to), ("from", from), ("id", id), ("version", version), ("xml:lang", language)] {
            guard let value else { continue }
            buffer.writeString(" \(name)='")
            buffer.writeEscapedXML(value, inAttribute: true)
            buffer.writeStaticString("'")
        }
        buffer.writeStaticString(">")
    }
}
