/// Bounds on what a peer may send in one XML stream.
public struct XMLStreamLimits: Sendable, Hashable {
    /// The largest stanza, in bytes of the stream (Prosody's component default: 512 KiB).
    public var maxStanzaSize: Int
    /// The deepest element nesting below the stream element.
    public var maxDepth: Int

    public init(maxStanzaSize: Int = 512 * 1024, maxDepth: Int = 32) {
        self.maxStanzaSize = maxStanzaSize
        self.maxDepth = maxDepth
    }
}

/// What an incoming XML stream yields.
public enum XMLStreamEvent: Sendable, Hashable {
    /// The peer opened (or restarted) the stream.
    case streamOpened(StreamHeader)
    /// A complete top-level element: a stanza, or stream features, errors and negotiation.
    case element(XMLElement)
    /// The peer closed the stream with `</stream:stream>`.
    case streamClosed
}
