/// The web service's limits: sizes, and how fast an address or a session may go.
public struct WebLimits: Sendable, Hashable {
    /// A visitor's text, in UTF-8 bytes (the router's body limit by default).
    public var textBytes: Int
    /// A name or e-mail address.
    public var nameBytes = 256
    /// WebSocket connections one address may open per `window`.
    public var connectionsPerAddress = 30
    /// Frames (messages, typing...) one address may send per `window`, over all its connections.
    public var framesPerAddress = 120
    /// Messages one session may send per `window`.
    public var messagesPerSession = 10
    public var window: Duration = .seconds(10)

    /// A whole frame: the text plus the JSON around it (escapes may double the text).
    var frameBytes: Int { textBytes * 2 + 1024 }

    public init(textBytes: Int = 4096) {
        self.textBytes = textBytes
    }
}
