/// A `<presence/>` stanza.
public struct Presence: StanzaElement {
    /// The presence types of RFC 6121 §4.7.1; `available` is the absence of a type.
    public enum Kind: String, Sendable {
        case available, unavailable, subscribe, subscribed, unsubscribe, unsubscribed, probe, error
    }

    /// The availability sub-states of RFC 6121 §4.7.2.1.
    public enum Show: String, Sendable, CaseIterable { case away, chat, dnd, xa }

    public var element: XMLElement

    public init(_ element: XMLElement) {
        self.element = element
    }

    public init(to: JID? = nil, from: JID? = nil, type: Kind = .available, show: Show? = nil, status: String? = nil,
                namespace: String = Namespace.client) {
        element = XMLElement("presence", namespace: namespace)
        self.to = to
        self.from = from
        self.type = type
        self.show = show
        self.status = status
    }

    /// The type; `available` when absent. An unknown type reads as `error` so it is never taken as available.
    public var type: Kind {
        get { element[attribute: "type"].map { Kind(rawValue: $0) ?? .error } ?? .available }
        set { element[attribute: "type"] = newValue == .available ? nil : newValue.rawValue }
    }

    public var show: Show? {
        get { element.child("show").flatMap { Show(rawValue: $0.text) } }
        set {
            element.removeChildren("show", namespace: element.namespace)
            if let newValue { element.append(.text("show", namespace: element.namespace, newValue.rawValue)) }
        }
    }

    public var status: String? {
        get { element.child("status")?.text }
        set {
            element.removeChildren("status", namespace: element.namespace)
            if let newValue { element.append(.text("status", namespace: element.namespace, newValue)) }
        }
    }

    public var priority: Int {
        element.child("priority").flatMap { Int($0.text) } ?? 0
    }
}
