/// What an address is and what it supports (XEP-0030 `disco#info`).
public struct DiscoInfo: Sendable, Hashable {
    /// One identity: `client`/`bot`, `automation`/`command-node`...
    public struct Identity: Sendable, Hashable {
        public var category: String
        public var type: String
        public var name: String

        public init(category: String, type: String, name: String) {
            self.category = category
            self.type = type
            self.name = name
        }
    }

    /// The node asked about, if any.
    public var node: String?
    public var identity: Identity
    public var features: [String]

    public init(node: String?, identity: Identity, features: [String]) {
        self.node = node
        self.identity = identity
        self.features = features
    }

    /// The `<query xmlns='http://jabber.org/protocol/disco#info'/>` of a result.
    public var element: XMLElement {
        var query = XMLElement("query", namespace: Namespace.discoInfo)
        query[attribute: "node"] = node
        query.append(XMLElement("identity", namespace: Namespace.discoInfo, attributes: [
            XMLAttribute("category", identity.category), XMLAttribute("type", identity.type), XMLAttribute("name", identity.name),
        ]))
        for feature in features {
            query.append(XMLElement("feature", namespace: Namespace.discoInfo, attributes: [XMLAttribute("var", feature)]))
        }
        return query
    }
}
