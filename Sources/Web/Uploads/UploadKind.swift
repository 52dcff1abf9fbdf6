/// What a file is, read from its first bytes: a browser's `Content-Type` and a file's name are
/// the sender's word, so neither decides. Only kinds recognised here can be allowed.
enum UploadKind {
    /// The media type of `bytes`, or nil when it is none this check recognises.
    static func sniff(_ bytes: [UInt8]) -> String? {
        func starts(_ signature: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + signature.count && Array(bytes[offset..<offset + signature.count]) == signature
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return "image/gif" }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return "image/webp" }
        if starts(Array("%PDF-".utf8)) { return "application/pdf" }
        if isPlainText(bytes) { return "text/plain" }
        return nil
    }

    /// UTF-8 without NUL or other control characters than tab, line feed, carriage return and form
    /// feed, and not markup a browser would render as a page (served as text, it is harmless, but
    /// an HTML file claiming to be notes is more likely an attack than notes).
    private static func isPlainText(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty, let text = String(validating: bytes, as: UTF8.self) else { return false }
        let allowedControls: Set<UInt8> = [0x09, 0x0A, 0x0C, 0x0D]
        guard !bytes.contains(where: { ($0 < 0x20 && !allowedControls.contains($0)) || $0 == 0x7F }) else { return false }
        let head = text.prefix(512).drop(while: \.isWhitespace).lowercased()
        return !["<!doctype", "<html", "<script", "<svg", "<?xml"].contains { head.hasPrefix($0) }
    }

    /// The extension a download is named with for `type`.
    static func fileExtension(_ type: String) -> String {
        switch type {
        case "image/png": "png"
        case "image/jpeg": "jpg"
        case "image/gif": "gif"
        case "image/webp": "webp"
        case "application/pdf": "pdf"
        default: "txt"
        }
    }
}
