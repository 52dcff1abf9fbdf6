import Foundation
import XMPP

/// What a stanza from the router means to the console. The router writes to an agent from each
/// chat's address `chat-ID@DOMAIN` (offers with an `<offer xmlns='urn:switchboard:offer'/>`
/// summary, visitors' messages with their nick, typing, notices) and from the service domain.
public enum RouterEvent: Sendable, Equatable {
    /// A chat offered or given: its summary, and the lines of the transcript so far.
    case offer(Offer, history: [String])
    case visitorSaid(chat: String, name: String, text: String)
    case visitorState(chat: String, ChatState)
    /// A notice from the router about a chat; `ended` when it says the chat is over.
    case notice(chat: String, text: String, ended: Bool)
    case whisper(chat: String, text: String)
    /// The router refused what the agent sent to a chat (a message error).
    case refused(chat: String, text: String)
    /// A message from the service domain.
    case service(String)

    /// An offer's summary as the router sends it.
    public struct Offer: Sendable, Equatable {
        public var chat: String
        public var queue: String
        public var name: String
        /// `offered` (waiting for accept) or `active` (given).
        public var isOffered: Bool
        public var waited: Int
        public var timeout: Int?
        public var sla: Int?

        public init(chat: String, queue: String, name: String, isOffered: Bool, waited: Int, timeout: Int?, sla: Int?) {
            self.chat = chat
            self.queue = queue
            self.name = name
            self.isOffered = isOffered
            self.waited = waited
            self.timeout = timeout
            self.sla = sla
        }
    }

    static let offerNamespace = "urn:switchboard:offer"
    static let nickNamespace = "http://jabber.org/protocol/nick"

    /// The event a stanza carries, or nil when it is nothing for the console (or not from the service).
    public init?(_ stanza: Stanza, domain: String) {
        guard case .message(let message) = stanza, let from = message.from, from.domain == domain, from.resource == nil
        else { return nil }
        if message.type == .error {
            guard let local = from.local, local.hasPrefix("chat-"), local.count > 5 else { return nil }
            let error = message.error
            self = .refused(chat: String(local.dropFirst(5)), text: error.map { $0.text ?? $0.condition.rawValue } ?? "refused")
            return
        }
        guard let local = from.local else {
            guard let body = message.body else { return nil }
            self = .service(body)
            return
        }
        guard local.hasPrefix("chat-"), local.count > 5 else { return nil }
        let chat = String(local.dropFirst(5))
        if let detail = message.element.child("offer", namespace: Self.offerNamespace) {
            let lines = (message.body ?? "").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            self = .offer(
                Offer(
                    chat: chat, queue: detail[attribute: "queue"] ?? "", name: detail[attribute: "name"] ?? "",
                    isOffered: detail[attribute: "state"] == "offered", waited: Int(detail[attribute: "waited"] ?? "") ?? 0,
                    timeout: detail[attribute: "timeout"].flatMap { Int($0) }, sla: detail[attribute: "sla"].flatMap { Int($0) }),
                history: Array(lines.dropFirst()))
            return
        }
        guard let body = message.body else {
            guard let state = message.chatState else { return nil }
            self = .visitorState(chat: chat, state)
            return
        }
        if let nick = message.element.child("nick", namespace: Self.nickNamespace) {
            self = .visitorSaid(chat: chat, name: nick.text, text: body)
        } else if body.hasPrefix("[whisper from ") {
            self = .whisper(chat: chat, text: body)
        } else {
            // The router ends a chat it tells the agent about with `gone`, or lets an offer expire.
            let ended = message.chatState == .gone && !body.contains("seems to have closed")
                || body.hasPrefix("The offer expired")
            self = .notice(chat: chat, text: body, ended: ended)
        }
    }
}
