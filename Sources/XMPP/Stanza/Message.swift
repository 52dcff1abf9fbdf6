/// A `<message/>` stanza.
public struct Message: StanzaElement {
    /// The message types of RFC 6121 §5.2.2.
    public enum Kind: String, Sendable { case chat, error, groupchat, headline, normal }

    public var element: XMLElement

    public init(_ element: XMLElement) {
        self.element = element
    }

    public init(
        to: JID?, from: JID? = nil, type: Kind = .chat, id: String? = nil, body: String? = nil,
        namespace: String = Namespace.client
    ) {
        element = XMLElement("message", namespace: namespace)
        self.to = to
        self.from = from
        self.type = type
        self.id = id
        self.body = body
    }

    /// The type; `normal` when absent or unknown (RFC 6121 §5.2.2).
    public var type: Kind {
        get { element[attribute: "type"].flatMap(Kind.init(rawValue:)) ?? .normal }
        set { element[attribute: "type"] = newValue.rawValue }
    }

    public var body: String? {
        get { element.child("body")?.text }
        set { setText("body", newValue) }
    }

    public var thread: String? {
        get { element.child("thread")?.text }
        set { setText("thread", newValue) }
    }

    /// The XEP-0085 chat state the message carries.
    public var chatState: ChatState? {
        get { element.elements.lazy.filter { $0.namespace == Namespace.chatStates }.compactMap { ChatState(rawValue: $0.name) }.first }
        set {
            element.children.removeAll {
                if case .element(let child) = $0 { child.namespace == Namespace.chatStates } else { false }
            }
            if let newValue { element.append(XMLElement(newValue.rawValue, namespace: Namespace.chatStates)) }
        }
    }

    private mutating func setText(_ name: String, _ text: String?) {
        element.removeChildren(name, namespace: element.namespace)
        if let text { element.append(.text(name, namespace: element.namespace, text)) }
    }
}

/// A chat state of XEP-0085: typing notifications and presence in a conversation.
public enum ChatState: String, Sendable, CaseIterable {
    case active, composing, paused, inactive, gone
}
