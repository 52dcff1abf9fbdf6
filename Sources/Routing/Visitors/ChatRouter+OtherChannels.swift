import XMPP

/// A queue the router does not know, named by a visitor of another channel than XMPP.
public struct UnknownQueue: Error, CustomStringConvertible {
    public let name: String
    public var description: String { "there is no queue called \(name)" }
}

extension ChatRouter {
    /// A visitor of another channel (the web widget) writes: the same chat, routing and
    /// events as an XMPP visitor's. Agents see `name`; the welcome greets `greeting`. Each line
    /// asks the agent's client for read marks (XEP-0333): the widget shows "Seen".
    public func visitorSays(
        _ text: String, messageID: String, visitor: String, name: String, greeting: String, queue: String, attachment: Attachment? = nil
    ) async throws -> Enqueued {
        let rules = self.rules
        guard let queue = rules.queue(queue) else { throw UnknownQueue(name: queue) }
        return try await dispatcher.visitors.says(
            text, visitor: visitor, name: name, greeting: greeting, channel: .web, messageID: messageID,
            relay: RelayDetail(id: RelayDetail.newID(), attachment: attachment, markable: true), state: .active, queue: queue, rules: rules)
    }

    /// Typing (`composing`, `paused`) goes to the agent of the visitor's active chat.
    public func visitorTyping(_ state: ChatState, visitor: String, queue: String) async throws {
        try await dispatcher.visitors.chatState(state, visitor: visitor, queue: queue, rules: rules)
    }

    /// Ends the visitor's open chat in `queue`, if any; `endID` (the widget's id of the end) makes
    /// a copy of it handled late end no chat opened since.
    public func visitorEnds(visitor: String, queue: String, endID: String? = nil) async throws {
        let rules = self.rules
        guard let queue = rules.queue(queue) else { throw UnknownQueue(name: queue) }
        try await dispatcher.visitors.ends(visitor, queue: queue, endID: endID, rules: rules)
    }
}
