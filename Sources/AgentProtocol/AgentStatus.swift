import XMPP

/// An agent's own standing, beside the text of the router's `/status` answer:
/// `<status xmlns='urn:switchboard:agent:0' presence='available' capacity='3'><chat id='5'/></status>`.
public struct AgentStatus: Sendable, Hashable {
    /// The router's idea of the agent's presence: `available`, `away`, `dnd`, `xa` or `offline`.
    public var presence: String
    /// The most chats the agent holds at once.
    public var capacity: Int
    /// The chats the agent holds (offered or active).
    public var chats: [String]

    public init(presence: String, capacity: Int, chats: [String]) {
        self.presence = presence
        self.capacity = capacity
        self.chats = chats
    }

    /// The status among `parent`'s children (an ad-hoc command result, a message), if any.
    public init?(in parent: XMLElement) {
        guard let element = parent.child("status", namespace: AgentEvent.namespace), let presence = element[attribute: "presence"],
            let capacity = element[attribute: "capacity"].flatMap({ Int($0) })
        else { return nil }
        self.init(
            presence: presence, capacity: capacity,
            chats: element.elements.filter { $0.name == "chat" }.compactMap { $0[attribute: "id"] })
    }

    public var element: XMLElement {
        var status = XMLElement("status", namespace: AgentEvent.namespace, attributes: [
            XMLAttribute("presence", presence), XMLAttribute("capacity", "\(capacity)"),
        ])
        for chat in chats { status.append(XMLElement("chat", namespace: AgentEvent.namespace, attributes: [XMLAttribute("id", chat)])) }
        return status
    }
}
