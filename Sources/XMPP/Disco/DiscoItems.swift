/// The items behind an address's node (XEP-0030 `disco#items`), such as its ad-hoc commands.
public struct DiscoItems: Sendable, Hashable {
    /// One item: an address, and a node at it.
    public struct Item: Sendable, Hashable {
        public var jid: JID
        public var node: String
        public var name: String

        public init(jid: JID, node: String, name: String) {
            self.jid = jid
            self.node = node
            self.name = name
        }
    }

    public var node: String?
    public var items: [Item]

    public init(node: String?, items: [Item]) {
        self.node = node
        self.items = items
    }

    /// The `<query xmlns='http://jabber.org/protocol/disco#items'/>` of a result.
    public var element: XMLElement {
        var query = XMLElement("query", namespace: Namespace.discoItems)
        query[attribute: "node"] = node
        for item in items {
            query.append(XMLElement("item", namespace: Namespace.discoItems, attributes: [
                XMLAttribute("jid", item.jid.description), XMLAttribute("node", item.node), XMLAttribute("name", item.name),
            ]))
        }
        return query
    }
}
