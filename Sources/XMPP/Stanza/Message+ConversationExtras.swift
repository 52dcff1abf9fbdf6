/// What modern clients put on a chat message beyond its text: a file's URL (XEP-0066), a
/// correction (XEP-0308), a read mark (XEP-0333), and end-to-end encryption (OMEMO, OpenPGP),
/// which a relay cannot read.
extension Namespace {
    public static let outOfBand = "jabber:x:oob"
    public static let correction = "urn:xmpp:message-correct:0"
    public static let chatMarkers = "urn:xmpp:chat-markers:0"
    /// OMEMO as Conversations, Gajim and Dino speak it (0.3), and OMEMO 2.
    public static let omemoLegacy = "eu.siacs.conversations.axolotl"
    public static let omemo = "urn:xmpp:omemo:2"
    /// Legacy OpenPGP (XEP-0027) and OpenPGP for XMPP (XEP-0373).
    public static let openPGPLegacy = "jabber:x:encrypted"
    public static let openPGP = "urn:xmpp:openpgp:0"
}

/// An XEP-0333 chat marker: what the recipient's client did with message `id`.
public struct ChatMarker: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable { case received, displayed, acknowledged }

    public var kind: Kind
    public var id: String

    public init(_ kind: Kind, id: String) {
        self.kind = kind
        self.id = id
    }
}

extension Message {
    /// The URL of an XEP-0066 `<x xmlns='jabber:x:oob'>`, as sent (unchecked), if any.
    public var outOfBandURL: String? {
        get { element.child("x", namespace: Namespace.outOfBand)?.child("url")?.text }
        set {
            element.removeChildren("x", namespace: Namespace.outOfBand)
            guard let newValue else { return }
            var oob = XMLElement("x", namespace: Namespace.outOfBand)
            oob.append(.text("url", namespace: Namespace.outOfBand, newValue))
            element.append(oob)
        }
    }

    /// The id of the message an XEP-0308 correction replaces, if this is one.
    public var replacesID: String? {
        get { element.child("replace", namespace: Namespace.correction)?[attribute: "id"] }
        set {
            element.removeChildren("replace", namespace: Namespace.correction)
            guard let newValue else { return }
            element.append(XMLElement("replace", namespace: Namespace.correction, attributes: [XMLAttribute("id", newValue)]))
        }
    }

    /// The XEP-0333 marker the message carries (`received`, `displayed`, `acknowledged`), if any.
    public var chatMarker: ChatMarker? {
        get {
            for child in element.elements where child.namespace == Namespace.chatMarkers {
                if let kind = ChatMarker.Kind(rawValue: child.name), let id = child[attribute: "id"] { return ChatMarker(kind, id: id) }
            }
            return nil
        }
        set {
            for kind in ChatMarker.Kind.allCases { element.removeChildren(kind.rawValue, namespace: Namespace.chatMarkers) }
            guard let newValue else { return }
            element.append(XMLElement(newValue.kind.rawValue, namespace: Namespace.chatMarkers, attributes: [XMLAttribute("id", newValue.id)]))
        }
    }

    /// Asks the recipient's client for XEP-0333 markers on this message.
    public mutating func requestMarkers() {
        element.removeChildren("markable", namespace: Namespace.chatMarkers)
        element.append(XMLElement("markable", namespace: Namespace.chatMarkers))
    }

    /// Whether the payload is end-to-end encrypted (OMEMO or OpenPGP): the body, if any, is only
    /// a fallback text ("I sent you an OMEMO encrypted message…"), not what the sender wrote.
    public var isEncrypted: Bool {
        element.child("encrypted", namespace: Namespace.omemoLegacy) != nil
            || element.child("encrypted", namespace: Namespace.omemo) != nil
            || element.child("x", namespace: Namespace.openPGPLegacy) != nil
            || element.child("openpgp", namespace: Namespace.openPGP) != nil
    }
}
