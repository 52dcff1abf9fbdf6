import XMPP

/// A chat offered or given to an agent, as consoles read it beside the offer's text:
/// `<offer xmlns='urn:switchboard:offer' chat queue name state waited [timeout] sla/>`,
/// times in whole seconds.
public struct OfferSummary: Sendable, Hashable {
    public static let namespace = "urn:switchboard:offer"

    public var chat: String
    public var queue: String
    /// The visitor's name.
    public var name: String
    /// `offered` (waiting for accept) or `active` (given).
    public var isOffered: Bool
    public var waited: Int
    /// How long the offer stands (offers only).
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

    /// The summary among a message's children, if any.
    public init?(in parent: XMLElement) {
        guard let detail = parent.child("offer", namespace: Self.namespace) else { return nil }
        self.init(
            chat: detail[attribute: "chat"] ?? "", queue: detail[attribute: "queue"] ?? "", name: detail[attribute: "name"] ?? "",
            isOffered: detail[attribute: "state"] == "offered", waited: Int(detail[attribute: "waited"] ?? "") ?? 0,
            timeout: detail[attribute: "timeout"].flatMap { Int($0) }, sla: detail[attribute: "sla"].flatMap { Int($0) })
    }

    public var element: XMLElement {
        var attributes = [
            XMLAttribute("chat", chat), XMLAttribute("queue", queue), XMLAttribute("name", name),
            XMLAttribute("state", isOffered ? "offered" : "active"), XMLAttribute("waited", "\(waited)"),
        ]
        if let sla { attributes.append(XMLAttribute("sla", "\(sla)")) }
        if let timeout { attributes.append(XMLAttribute("timeout", "\(timeout)")) }
        return XMLElement("offer", namespace: Self.namespace, attributes: attributes)
    }
}
