import Foundation

/// Something the router tells a web visitor, published on `RoutingKeys.webNotices` for whichever
/// web service holds the visitor's WebSocket (the router that handled an agent's message need not
/// be the one serving the visitor). Lost notices are harmless: the transcript and the chat's
/// fields in Redis stay the truth a reconnecting widget catches up from.
public struct VisitorNotice: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, Hashable {
        /// Waiting in line at `position` (1 is next).
        case queued
        /// An agent (`agent`, the display name) took the chat.
        case assigned
        /// The agent wrote: the transcript has a new line.
        case message
        /// The agent's chat state (`state`: composing, paused, active, gone).
        case typing
        /// A text from the service (welcome, transfer, nobody available).
        case notice
        /// The chat ended.
        case closed
    }

    /// The web visitor's id (`WebVisitor.prefix` + random).
    public var visitor: String
    public var kind: Kind
    public var text: String?
    public var agent: String?
    public var position: Int?
    public var state: String?

    public init(visitor: String, kind: Kind, text: String? = nil, agent: String? = nil, position: Int? = nil, state: String? = nil) {
        self.visitor = visitor
        self.kind = kind
        self.text = text
        self.agent = agent
        self.position = position
        self.state = state
    }
}

/// Web visitors' ids: never a JID, so the router knows to publish instead of sending XMPP.
public enum WebVisitor {
    public static let prefix = "web:"

    public static func isWebVisitor(_ id: String) -> Bool { id.hasPrefix(prefix) }
}
