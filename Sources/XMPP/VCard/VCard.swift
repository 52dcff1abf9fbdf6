/// A vCard (XEP-0054, `vcard-temp`): where clients such as Gajim and Conversations look for a
/// contact's name when the roster has none.
public struct VCard: Sendable, Hashable {
    public static let namespace = "vcard-temp"

    /// `FN`, the name to show.
    public var fullName: String
    /// `NICKNAME`, if different from nothing.
    public var nickname: String?

    public init(fullName: String, nickname: String? = nil) {
        self.fullName = fullName
        self.nickname = nickname
    }

    public var element: XMLElement {
        var card = XMLElement("vCard", namespace: Self.namespace)
        card.append(.text("FN", namespace: Self.namespace, fullName))
        if let nickname { card.append(.text("NICKNAME", namespace: Self.namespace, nickname)) }
        return card
    }

    /// The card in a `<vCard/>` element, if it has a name.
    public init?(_ element: XMLElement) {
        guard element.name == "vCard", element.namespace == Self.namespace, let name = element.child("FN")?.text else { return nil }
        self.init(fullName: name, nickname: element.child("NICKNAME")?.text)
    }
}
