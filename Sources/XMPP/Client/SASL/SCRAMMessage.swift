import FoundationEssentials

/// One SCRAM message (RFC 5802 §5.1): comma-separated `a=value` attributes, each named by one letter.
struct SCRAMMessage {
    /// The message as received: SCRAM signs this exact text, never a re-serialisation.
    let text: String
    private let attributes: [(name: UInt8, value: Substring)]

    /// Parses a server message named `what` ("server-first", …) for the errors it throws.
    init(parsing bytes: [UInt8], what: String) throws(SASLError) {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .malformedServerMessage("the \(what) message is not UTF-8")
        }
        guard !text.isEmpty else { throw .malformedServerMessage("the \(what) message is empty") }
        var attributes: [(name: UInt8, value: Substring)] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let utf8 = Array(part.utf8.prefix(2))
            guard utf8.count == 2, utf8[1] == UInt8(ascii: "="), Self.isLetter(utf8[0]) else {
                throw .malformedServerMessage("the \(what) message has an attribute that is not a=value")
            }
            guard !attributes.contains(where: { $0.name == utf8[0] }) else {
                let name = Character(Unicode.Scalar(utf8[0]))
                throw .malformedServerMessage("the \(what) message repeats attribute \(name)")
            }
            attributes.append((utf8[0], part.dropFirst(2)))
        }
        self.text = text
        self.attributes = attributes
    }

    /// The value of attribute `name` (a letter), if present.
    subscript(_ name: Unicode.Scalar) -> Substring? {
        attributes.first { $0.name == UInt8(ascii: name) }?.value
    }

    /// A username as a SCRAM `saslname`: `=` and `,` would end the attribute, so they become `=3D` and `=2C`.
    static func escape(username: String) -> String {
        var escaped = ""
        for character in username.unicodeScalars {
            switch character {
            case "=": escaped += "=3D"
            case ",": escaped += "=2C"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// Whether `nonce` is a valid SCRAM nonce: printable ASCII except `,`.
    static func isValidNonce(_ nonce: some StringProtocol) -> Bool {
        !nonce.isEmpty && nonce.utf8.allSatisfy { (0x21...0x7e).contains($0) && $0 != UInt8(ascii: ",") }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
