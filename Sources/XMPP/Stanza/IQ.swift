/// An `<iq/>` stanza: a request (`get`, `set`) or its response (`result`, `error`).
public struct IQ: StanzaElement {
    /// The IQ types of RFC 6120 §8.2.3.
    public enum Kind: String, Sendable { case get, set, result, error }

    public var element: XMLElement

    public init(_ element: XMLElement) {
        self.element = element
    }

    public init(type: Kind, id: String, to: JID? = nil, from: JID? = nil, payload: XMLElement? = nil,
                namespace: String = Namespace.client) {
        element = XMLElement("iq", namespace: namespace)
        self.to = to
        self.from = from
        self.id = id
        element[attribute: "type"] = type.rawValue
        if let payload { element.append(payload) }
    }

    /// The type; nil when missing or unknown (such an IQ gets a `bad-request`).
    public var type: Kind? {
        element[attribute: "type"].flatMap(Kind.init(rawValue:))
    }

    /// The request or result payload: the first child that is not an error.
    public var payload: XMLElement? {
        element.elements.first { !($0.name == "error" && $0.namespace == element.namespace) }
    }

    /// The `result` reply to this request, with an optional payload.
    public func result(_ payload: XMLElement? = nil) -> IQ {
        IQ(type: .result, id: id ?? "", to: from, from: to, payload: payload, namespace: element.namespace)
    }
}
