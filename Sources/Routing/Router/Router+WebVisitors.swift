import Foundation
import Redis
import XMPP

/// What the web service asks of the router for a web visitor: the same chats, routing and events
/// as an XMPP visitor's; only the transport differs (answers come back as `VisitorNotice`s).
public protocol VisitorDesk: Sendable {
    /// The rules in force (queues, agents' display names, texts, limits).
    var rules: RoutingRules { get }
    /// Keeps the visitor's text (once per `messageID`) in their open chat in `queue`, opening one if
    /// there is none, and passes it on. Agents see `name`; the welcome greets `greeting`.
    func visitorSays(_ text: String, messageID: String, visitor: String, name: String, greeting: String, queue: String)
        async throws -> Enqueued
    /// Typing (`composing`, `paused`) goes to the agent of the visitor's active chat.
    func visitorTyping(_ state: ChatState, visitor: String, queue: String) async throws
    /// Ends the visitor's open chat in `queue`, if any.
    func visitorEnds(visitor: String, queue: String) async throws
}

/// The web service has no queue the router does not know.
public struct UnknownQueue: Error, CustomStringConvertible {
    public let name: String
    public var description: String { "there is no queue called \(name)" }
}

extension Router: VisitorDesk {
    public func visitorSays(_ text: String, messageID: String, visitor: String, name: String, greeting: String, queue: String)
        async throws -> Enqueued
    {
        let rules = self.rules
        guard let queue = rules.queue(queue) else { throw UnknownQueue(name: queue) }
        return try await visitorSays(
            text, visitor: visitor, name: name, greeting: greeting, channel: .web, messageID: messageID, state: .active,
            queue: queue, rules: rules)
    }

    public func visitorTyping(_ state: ChatState, visitor: String, queue: String) async throws {
        try await visitorChatState(state, visitor: visitor, queue: queue, rules: rules)
    }

    public func visitorEnds(visitor: String, queue: String) async throws {
        let rules = self.rules
        guard let queue = rules.queue(queue) else { throw UnknownQueue(name: queue) }
        try await visitorEnds(visitor, queue: queue, rules: rules)
    }
}

extension Router {
    /// Answers the input of web visitors whose web service runs beside the routers (`switchboard
    /// web`), published on `RoutingKeys.webRequests`, until cancelled.
    func serveRelayedVisitors() async {
        let subscriber = RedisSubscriber(configuration: store.redisConfiguration, logger: logger)
        await subscriber.run(channels: [store.keys.webRequests]) { event in
            guard case .message(_, let payload) = event else { return }
            do {
                let request = try JSONDecoder().decode(VisitorRequest.self, from: Data(payload))
                // Answered on its own: a slow answer must not hold up the subscription.
                Task { await self.answer(request) }
            } catch {
                logger.warning("a relayed web visitor request could not be read: \(error)")
            }
        }
    }

    private func answer(_ request: VisitorRequest) async {
        var reply = VisitorReply(id: request.id)
        do {
            switch request.kind {
            case .say:
                reply = VisitorReply(id: request.id, enqueued: try await visitorSays(
                    request.text ?? "", messageID: request.messageID ?? request.id, visitor: request.visitor,
                    name: request.name ?? "", greeting: request.greeting ?? "", queue: request.queue))
            case .typing:
                try await visitorTyping(request.state == "paused" ? .paused : .composing, visitor: request.visitor, queue: request.queue)
            case .end:
                try await visitorEnds(visitor: request.visitor, queue: request.queue)
            }
        } catch {
            logger.error("a relayed web visitor request failed: \(error)")
            reply.error = "\(error)"
        }
        do {
            try await store.publish(reply, on: store.keys.webReplies)
        } catch {
            logger.warning("could not answer a relayed web visitor request: \(error)")
        }
    }
}
