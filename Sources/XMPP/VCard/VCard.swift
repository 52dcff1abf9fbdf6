/// A vCard (XEP-0054, `vcard-temp`): where clients such as Gajim and Conversations look for a
/// contact's name when the roster has none, and for its picture.
public struct VCard: Sendable, Hashable {
    public static let namespace = "vcard-temp"
    /// XEP-0153: the hash of the picture announced in presence, so clients fetch it once.
    public static let updateNamespace = "vcard-temp:x:update"

    /// `PHOTO`: an image with its media type, sent inline (`BINVAL`, base64).
    public struct Photo: Sendable, Hashable {
        public var type: String
        public var bytes: [UInt8]

        public init(type: String, bytes: [UInt8]) {
            self.type = type
            self.bytes = bytes
        }
    }

    /// `FN`, the name to show.
    public var fullName: String
    /// `NICKNAME`, if different from nothing.
    public var nickname: String?
    public var photo: Photo?

    public init(fullName: String, nickname: String? = nil, photo: Photo? = nil) {
        self.fullName = fullName
        self.nickname = nickname
        self.photo = photo
    }

    public var element: XMLElement {
        var card = XMLElement("vCard", namespace: Self.namespace)
        card.append(.text("FN", namespace: Self.namespace, fullName))
        if let nickname { card.append(.text("NICKNAME", namespace: Self.namespace, nickname)) }
        if let photo {
            var element = XMLElement("PHOTO", namespace: Self.namespace)
            element.append(.text("TYPE", namespace: Self.namespace, photo.type))
            element.append(.text("BINVAL", namespace: Self.namespace, Base64.encode(photo.bytes)))
            card.append(element)
        }
        return card
    }

    /// The card in a `<vCard/>` element, if it has a name; a photo whose data is not base64 is left out.
    public init?(_ element: XMLElement) {
        guard element.name == "vCard", element.namespace == Self.namespace, let name = element.child("FN")?.text else { return nil }
        let photo = element.child("PHOTO").flatMap { photo -> Photo? in
            // Senders may wrap BINVAL in lines (XEP-0054 follows RFC 2426).
            guard let type = photo.child("TYPE")?.text, let text = photo.child("BINVAL")?.text,
                let bytes = Base64.decode(text.filter { !$0.isWhitespace })
            else { return nil }
            return Photo(type: type, bytes: bytes)
        }
        self.init(fullName: name, nickname: element.child("NICKNAME")?.text, photo: photo)
    }

    /// `<x xmlns='vcard-temp:x:update'><photo>SHA1</photo></x>`, for an address's presence
    /// (XEP-0153): the lowercase hex SHA-1 of the photo's bytes.
    public static func update(photoHash: String) -> XMLElement {
        XMLElement("x", namespace: updateNamespace, children: [.element(.text("photo", namespace: updateNamespace, photoHash))])
    }
}
