import Foundation

/// A file a chat line points to (an XEP-0066 URL over XMPP, what XEP-0363 clients send after
/// uploading): kept with its transcript line and relayed with it, so clients show it inline.
public struct Attachment: Codable, Sendable, Hashable {
    public var url: String
    /// The file's name, from the URL's last path segment.
    public var name: String?
    /// In bytes, when the sender said.
    public var size: Int?
    /// A media type, guessed from the name's extension for common kinds.
    public var type: String?

    /// Longer URLs are not relayed as files: no upload service makes them, and each byte is
    /// carried through Prosody twice and kept for the retention.
    public static let maxURLBytes = 2048

    /// The attachment `url` names, or nil unless it is an absolute http(s) URL with a host, at most
    /// `maxURLBytes` long, without spaces or control characters (which no client would show as a link).
    public init?(url: String) {
        guard url.utf8.count <= Self.maxURLBytes, !url.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }),
            let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = parsed.host, !host.isEmpty
        else { return nil }
        self.url = url
        let last = parsed.lastPathComponent
        name = last.isEmpty || last == "/" ? nil : last
        let ext = (name.map { ($0 as NSString).pathExtension.lowercased() }) ?? ""
        type = Self.types[ext]
    }

    private static let types = [
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
        "pdf": "application/pdf", "txt": "text/plain", "mp4": "video/mp4", "m4a": "audio/mp4", "ogg": "audio/ogg",
        "opus": "audio/ogg", "zip": "application/zip",
    ]
}

/// What the router relays a chat line with, beyond its text, kept in the line: the id the other
/// side sees it under (chosen by the router), its file, and the line it corrects (XEP-0308,
/// by that line's relayed id).
public struct RelayDetail: Codable, Sendable, Hashable {
    public var id: String
    public var attachment: Attachment?
    public var replaces: String?
    /// The sender asked for read marks (XEP-0333), so the relayed message asks too.
    public var markable: Bool?

    public init(id: String, attachment: Attachment? = nil, replaces: String? = nil, markable: Bool? = nil) {
        self.id = id
        self.attachment = attachment
        self.replaces = replaces
        self.markable = markable == true ? true : nil
    }

    /// A fresh id for a relayed message: random, so one side cannot guess or reuse the other's.
    public static func newID() -> String {
        "sb-" + String(UInt64.random(in: .min ... .max), radix: 16)
    }

    /// As the scripts keep it. Nearly every line carries only its id (the router's own, letters,
    /// digits and `-`): written directly, as JSONEncoder would, since a JSONEncoder per relayed
    /// line was ~2 % of the router's CPU (issue 16's profile).
    var json: String {
        if attachment == nil, replaces == nil, id.utf8.allSatisfy(Self.isPlain) {
            return "{\"id\":\"" + id + (markable == true ? "\",\"markable\":true}" : "\"}")
        }
        return String(decoding: (try? JSONEncoder().encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    private static func isPlain(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }
}
