/// Files web visitors may send (`http.uploads`): where they are kept, how large, which kinds.
/// The kind is read from the file's first bytes, never from its name or the browser's word.
public struct UploadSettings: Sendable, Hashable {
    /// The folder files are kept in (created if missing), relative to the process's directory.
    public var directory: String
    public var maxBytes: Int
    /// Media types accepted, each one `UploadKind` recognises.
    public var types: [String]

    public static let defaultMaxBytes = 10 * 1024 * 1024
    /// Beyond this a single HTTP body is no longer a chat attachment.
    public static let maxBytesLimit = 100 * 1024 * 1024
    public static let defaultTypes = ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"]
    /// Every type the content check recognises; anything else cannot be allowed, as it cannot be told apart.
    public static let recognisedTypes = defaultTypes

    public init(directory: String, maxBytes: Int = defaultMaxBytes, types: [String] = defaultTypes) {
        self.directory = directory
        self.maxBytes = maxBytes
        self.types = types
    }
}
