import XMPP

/// What happened to a chat, for an agent's console, as a small element beside the human text
/// of the same message or ad-hoc command result:
/// `<event xmlns='urn:switchboard:agent:0' kind='closed' chat='42'/>`.
/// Text is for people (stock clients show only it); consoles decide on the element, so
/// rewording a notice changes no console's behaviour. Relayed chat lines carry none: every byte
/// on them costs the XMPP server capacity.
public struct AgentEvent: Sendable, Hashable {
    /// The kinds of event, as the `kind` attribute spells them.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The agent accepted an offer; they chat with the visitor now.
        case accepted
        /// The chat ended: closed by its agent or by the visitor.
        case closed
        /// The offer was not answered in time; the chat goes to the next agent.
        case offerExpired = "offer-expired"
        /// The agent handed the chat to a queue or another agent.
        case transferred
        /// The visitor went away and did not come back: the chat is closed.
        case visitorLeft = "visitor-left"
        /// The visitor's client closed its window; the chat stays open a while.
        case windowClosed = "window-closed"
        /// A supervisor's word for the agent only.
        case whisper
        /// An internal note was kept.
        case noted
        /// A canned reply went to the visitor.
        case replied
        /// A supervisor watches the chat now.
        case monitoring

        /// Whether the chat is over for the agent who gets it.
        public var endsChat: Bool { [.closed, .offerExpired, .transferred, .visitorLeft].contains(self) }
    }

    public static let namespace = "urn:switchboard:agent:0"

    public var kind: Kind
    public var chat: String

    public init(_ kind: Kind, chat: String) {
        self.kind = kind
        self.chat = chat
    }

    /// The event an element states, or nil when it is not one (or of a kind this side does not know).
    public init?(_ element: XMLElement) {
        guard element.name == "event", element.namespace == Self.namespace,
            let kind = element[attribute: "kind"].flatMap(Kind.init(rawValue:)), let chat = element[attribute: "chat"]
        else { return nil }
        self.init(kind, chat: chat)
    }

    /// The event among `parent`'s children (a message, an ad-hoc command result), if any.
    public init?(in parent: XMLElement) {
        guard let element = parent.child("event", namespace: Self.namespace) else { return nil }
        self.init(element)
    }

    public var element: XMLElement {
        XMLElement("event", namespace: Self.namespace, attributes: [XMLAttribute("kind", kind.rawValue), XMLAttribute("chat", chat)])
    }
}
