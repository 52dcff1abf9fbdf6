/// A top-level XMPP stanza, by kind.
public enum Stanza: Sendable, Hashable {
    case message(Message)
    case presence(Presence)
    case iq(IQ)

    /// Classifies a top-level element of a client or component stream; nil for anything else.
    public init?(_ element: XMLElement) {
        guard element.namespace == Namespace.client || element.namespace == Namespace.component else { return nil }
        switch element.name {
        case "message": self = .message(Message(element))
        case "presence": self = .presence(Presence(element))
        case "iq": self = .iq(IQ(element))
        default: return nil
        }
    }

    public var element: XMLElement {
        switch self {
        case .message(let message): message.element
        case .presence(let presence): presence.element
        case .iq(let iq): iq.element
        }
    }
}

/// What messages, presences and IQs share: addresses, id, type and errors.
public protocol StanzaElement: Sendable, Hashable, CustomStringConvertible {
    var element: XMLElement { get set }
    init(_ element: XMLElement)
}

extension StanzaElement {
    /// The sender; nil when absent or not a valid address.
    public var from: JID? {
        get { element[attribute: "from"].flatMap { try? JID($0) } }
        set { element[attribute: "from"] = newValue?.description }
    }

    /// The recipient; nil when absent or not a valid address.
    public var to: JID? {
        get { element[attribute: "to"].flatMap { try? JID($0) } }
        set { element[attribute: "to"] = newValue?.description }
    }

    public var id: String? {
        get { element[attribute: "id"] }
        set { element[attribute: "id"] = newValue }
    }

    /// The error carried by a `type='error'` stanza.
    public var error: StanzaError? {
        guard element[attribute: "type"] == "error", let error = element.child("error") else { return nil }
        return StanzaError(error)
    }

    /// The error reply to this stanza (RFC 6120 §8.3): addresses swapped, the payload replaced by `error`.
    public func errorReply(_ error: StanzaError) -> Self {
        var reply = XMLElement(element.name, namespace: element.namespace)
        reply[attribute: "from"] = element[attribute: "to"]
        reply[attribute: "to"] = element[attribute: "from"]
        reply[attribute: "id"] = element[attribute: "id"]
        reply[attribute: "type"] = "error"
        reply.append(error.element(namespace: element.namespace))
        return Self(reply)
    }

    public var description: String { element.description }
}
