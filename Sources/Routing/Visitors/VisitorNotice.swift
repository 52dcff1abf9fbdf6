import Foundation

/// Something the router tells a visitor, whatever channel carries it (`VisitorChannel`): an XMPP
/// message, or JSON the web channel publishes for the web service holding the visitor's socket.
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
        /// The agent's client showed the visitor's line `relay.id` (XEP-0333 `displayed`).
        case seen
    }

    /// The visitor: a bare JID, or another channel's id (a web visitor's `web:…`).
    public var visitor: String
    public var kind: Kind
    public var text: String?
    public var agent: String?
    public var position: Int?
    public var state: String?
    /// With `queued`: the estimated wait in seconds, when the queue's recent figures give one.
    public var eta: Int?
    /// With `closed`: the chat the visitor is asked to rate (the queue has `csat: true`).
    public var rate: String?
    /// With `closed`: the wait ran out (`max_wait`); the visitor may leave a message.
    public var leaveMessage: Bool?
    /// An agent's line: the id the router relays it with, its file, the line it corrects.
    public var relay: RelayDetail?

    public init(
        visitor: String, kind: Kind, text: String? = nil, agent: String? = nil, position: Int? = nil, state: String? = nil,
        eta: Int? = nil, rate: String? = nil, leaveMessage: Bool? = nil, relay: RelayDetail? = nil
    ) {
        self.relay = relay
        self.visitor = visitor
        self.kind = kind
        self.text = text
        self.agent = agent
        self.position = position
        self.state = state
        self.eta = eta
        self.rate = rate
        self.leaveMessage = leaveMessage
    }
}
