/// A prepared answer an agent sends with `/canned KEY`.
public struct CannedReply: Sendable, Hashable {
    /// One word (no spaces), as typed after `/canned`.
    public var key: String
    public var text: MessageTemplate

    /// Canned replies are sent in an active chat, where these are known.
    public static let placeholders: Set<MessageTemplate.Placeholder> = [.agent, .visitor, .queue]

    public init(key: String, text: MessageTemplate) {
        self.key = key
        self.text = text
    }
}
