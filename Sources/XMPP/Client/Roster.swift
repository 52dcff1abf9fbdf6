/// An entry of the user's roster (RFC 6121 §2).
public struct RosterItem: Sendable, Hashable {
    /// The subscription states of RFC 6121 §2.1.2.5.
    public enum Subscription: String, Sendable { case none, to, from, both, remove }

    public var jid: JID
    public var name: String?
    public var subscription: Subscription
    public var groups: [String]

    public init(jid: JID, name: String? = nil, subscription: Subscription = .none, groups: [String] = []) {
        self.jid = jid
        self.name = name
        self.subscription = subscription
        self.groups = groups
    }

    init?(_ element: XMLElement) {
        guard element.name == "item", let jid = element[attribute: "jid"].flatMap({ try? JID($0) }) else { return nil }
        self.init(
            jid: jid, name: element[attribute: "name"],
            subscription: element[attribute: "subscription"].flatMap(Subscription.init(rawValue:)) ?? .none,
            groups: element.elements.filter { $0.name == "group" }.map(\.text))
    }

    var element: XMLElement {
        var item = XMLElement("item", namespace: Namespace.roster, attributes: [XMLAttribute("jid", jid.description)])
        item[attribute: "name"] = name
        if subscription == .remove { item[attribute: "subscription"] = "remove" }
        for group in groups { item.append(.text("group", namespace: Namespace.roster, group)) }
        return item
    }
}

extension XMPPClient {
    /// Fetches the roster.
    public func roster() async throws -> [RosterItem] {
        let result = try await request(IQ(type: .get, id: nextID(), payload: XMLElement("query", namespace: Namespace.roster)))
        return result.payload?.elements.compactMap(RosterItem.init) ?? []
    }

    /// Adds or updates a roster item; `subscription: .remove` removes it.
    public func setRosterItem(_ item: RosterItem) async throws {
        var query = XMLElement("query", namespace: Namespace.roster)
        query.append(item.element)
        _ = try await request(IQ(type: .set, id: nextID(), payload: query))
    }
}
