import AgentProtocol
import Foundation
import XMPP

/// What a stanza from the router means to the console. The router writes to an agent from each
/// chat's address `chat-ID@DOMAIN` (offers with an `OfferSummary`, visitors' messages with their
/// nick, typing, notices with an `AgentEvent`) and from the service domain. Decisions rest on
/// those elements and on chat states, never on the wording of the text.
public enum RouterEvent: Sendable, Equatable {
    /// A chat offered or given: its summary, and the lines of the transcript so far.
    case offer(Offer, history: [String])
    /// A visitor's line; `id` is the id it was relayed under, which a later correction names;
    /// `markable` when the visitor's client asked to hear that it was shown (XEP-0333).
    case visitorSaid(chat: String, name: String, text: String, id: String? = nil, markable: Bool = false)
    /// The visitor corrected their line `id` (XEP-0308, ids mapped by the router): `text` replaces it.
    case visitorEdited(chat: String, id: String, name: String, text: String)
    /// The visitor's client showed the agent's line `id` (XEP-0333 `displayed`; the router names it
    /// by the id the console sent it with), and so every line before it.
    case seen(chat: String, id: String)
    case visitorState(chat: String, ChatState)
    /// A notice from the router about a chat; `ended` when the chat is over for this agent.
    case notice(chat: String, text: String, ended: Bool)
    /// The offer of a chat was not answered in time: it went to the next agent.
    case offerExpired(chat: String, text: String)
    case whisper(chat: String, text: String)
    /// The router refused what the agent sent to a chat (a message error).
    case refused(chat: String, text: String)
    /// A message from the service domain.
    case service(String)

    /// An offer's summary as the router sends it (the element defined once in AgentProtocol).
    public typealias Offer = OfferSummary

    static let nickNamespace = "http://jabber.org/protocol/nick"

    /// The event a stanza carries, or nil when it is nothing for the console (or not from the service).
    public init?(_ stanza: Stanza, domain: String) {
        guard case .message(let message) = stanza, let from = message.from, from.resource == nil,
            let address = ChatAddress(from, domain: domain)
        else { return nil }
        let chat: String
        switch address {
        case .chat(let id) where !id.isEmpty:
            chat = id
        case .service where message.type != .error:
            guard let body = message.body else { return nil }
            self = .service(body)
            return
        case .chat, .service, .queue:
            return nil
        }
        if message.type == .error {
            let error = message.error
            self = .refused(chat: chat, text: error.map { $0.text ?? $0.condition.rawValue } ?? "refused")
            return
        }
        if let summary = OfferSummary(in: message.element) {
            let lines = (message.body ?? "").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            var offer = summary
            offer.chat = chat  // the address the offer came from names the chat
            self = .offer(offer, history: Array(lines.dropFirst()))
            return
        }
        guard let body = message.body else {
            if let marker = message.chatMarker {
                guard marker.kind == .displayed else { return nil }
                self = .seen(chat: chat, id: marker.id)
                return
            }
            guard let state = message.chatState else { return nil }
            self = .visitorState(chat: chat, state)
            return
        }
        if let nick = message.element.child("nick", namespace: Self.nickNamespace) {
            if let original = message.replacesID {
                self = .visitorEdited(chat: chat, id: original, name: nick.text, text: body)
            } else {
                let markable = message.element.child("markable", namespace: Namespace.chatMarkers) != nil
                self = .visitorSaid(chat: chat, name: nick.text, text: body, id: message.id, markable: markable)
            }
            return
        }
        switch AgentEvent(in: message.element)?.kind {
        case .whisper: self = .whisper(chat: chat, text: body)
        case .offerExpired: self = .offerExpired(chat: chat, text: body)
        case let kind?: self = .notice(chat: chat, text: body, ended: kind.endsChat)
        // No event: the router ends a chat it tells the agent about with `gone`.
        case nil: self = .notice(chat: chat, text: body, ended: message.chatState == .gone)
        }
    }
}
