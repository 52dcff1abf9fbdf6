import Routing
import XMPP

/// What the web service asks of the router for a web visitor: the same chats, routing and events
/// as an XMPP visitor's; only the transport differs (answers come back as `VisitorNotice`s
/// through the `WebVisitorChannel`).
public protocol VisitorDesk: Sendable {
    /// The rules in force (queues, agents' display names, texts, limits).
    var rules: RoutingRules { get }
    /// Keeps the visitor's text (once per `messageID`) in their open chat in `queue`, opening one if
    /// there is none, and passes it on. Agents see `name`; the welcome greets `greeting`; a file the
    /// visitor sent (`attachment`) reaches them as XEP-0066 out-of-band data with the line.
    func visitorSays(
        _ text: String, messageID: String, visitor: String, name: String, greeting: String, queue: String, attachment: Attachment?
    ) async throws -> Enqueued
    /// Typing (`composing`, `paused`) goes to the agent of the visitor's active chat.
    func visitorTyping(_ state: ChatState, visitor: String, queue: String) async throws
    /// Ends the visitor's open chat in `queue`, if any; a copy of an end with the same `endID`
    /// that closed their last chat ends nothing more.
    func visitorEnds(visitor: String, queue: String, endID: String?) async throws
}

/// A router in this process serves web visitors directly.
extension ChatRouter: VisitorDesk {}
