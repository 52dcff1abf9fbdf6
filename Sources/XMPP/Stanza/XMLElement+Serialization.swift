import NIOCore

extension XMLElement {
    /// Writes the element as XML text. `xmlns` is written only where the namespace differs
    /// from `parentNamespace` (a stanza inside a `jabber:client` stream carries none).
    public func write(to buffer: inout ByteBuffer, parentNamespace: String? = nil) {
        buffer.writeStaticString("<")
        buffer.writeString(name)
        if namespace != parentNamespace {
            buffer.writeStaticString(" xmlns='")
            buffer.writeEscapedXML(namespace, inAttribute: true)
            buffer.writeStaticString("'")
        }
        var declared = 0
        for attribute in attributes {
            buffer.writeStaticString(" ")
            switch attribute.namespace {
            case nil:
                break
            case Namespace.xml?:
                buffer.writeStaticString("xml:")
            case let other?:
                // Any other attribute namespace gets a prefix declared on this element.
                buffer.writeString("xmlns:a\(declared)='")
                buffer.writeEscapedXML(other, inAttribute: true)
                buffer.writeString("' a\(declared):")
                declared += 1
            }
            buffer.writeString(attribute.name)
            buffer.writeStaticString("='")
            buffer.writeEscapedXML(attribute.value, inAttribute: true)
            buffer.writeStaticString("'")
        }
        if children.isEmpty {
            buffer.writeStaticString("/>")
            return
        }
        buffer.writeStaticString(">")
        for child in children {
            switch child {
            case .element(let element): element.write(to: &buffer, parentNamespace: namespace)
            case .text(let text): buffer.writeEscapedXML(text, inAttribute: false)
            }
        }
        buffer.writeStaticString("</")
        buffer.writeString(name)
        buffer.writeStaticString(">")
    }

    /// The element as XML text, for logs and tests.
    public func xmlString(parentNamespace: String? = nil) -> String {
        var buffer = ByteBuffer()
        write(to: &buffer, parentNamespace: parentNamespace)
        return String(buffer: buffer)
    }
}

extension XMLElement: CustomStringConvertible {
    public var description: String { xmlString() }
}

extension ByteBuffer {
    /// Writes `string` escaped for XML character data or a single-quoted attribute value.
    /// Characters XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF) are dropped, so what
    /// Switchboard writes can never break the stream, whatever text a visitor sent.
    mutating func writeEscapedXML(_ string: String, inAttribute: Bool) {
        var string = string
        string.withUTF8 { bytes in
            var start = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                let replacement: StaticString
                var skipped = 1
                switch byte {
                case UInt8(ascii: "&"): replacement = "&amp;"
                case UInt8(ascii: "<"): replacement = "&lt;"
                case UInt8(ascii: ">"): replacement = "&gt;"
                case UInt8(ascii: "'") where inAttribute: replacement = "&apos;"
                case UInt8(ascii: "\"") where inAttribute: replacement = "&quot;"
                // Attribute values are whitespace-normalised by parsers: keep these as references.
                case 0x09 where inAttribute: replacement = "&#9;"
                case 0x0A where inAttribute: replacement = "&#10;"
                // Parsers turn a raw CR into LF: a reference keeps it.
                case 0x0D: replacement = "&#13;"
                case 0x09, 0x0A: index += 1; continue
                case 0x00..<0x20: replacement = ""
                case 0xEF where index + 2 < bytes.count && bytes[index + 1] == 0xBF
                    && (bytes[index + 2] == 0xBE || bytes[index + 2] == 0xBF):
                    replacement = ""
                    skipped = 3
                default: index += 1; continue
                }
                if index > start { writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<index]))) }
                writeStaticString(replacement)
                index += skipped
                start = index
            }
            if start < bytes.count { writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]))) }
        }
    }
}
