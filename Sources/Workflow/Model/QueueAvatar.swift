import Foundation
import XMPP

/// A queue's picture (`avatar:` in the workflow), which clients show beside its address: served
/// in the address's vCard (XEP-0054) and announced by hash in its presence (XEP-0153).
public struct QueueAvatar: Sendable, Hashable {
    /// The image formats clients show, told apart by their first bytes (a file's name may lie).
    public enum ImageType: String, Sendable, CaseIterable {
        case png = "image/png"
        case jpeg = "image/jpeg"
        case gif = "image/gif"
        case webp = "image/webp"
    }

    public let type: ImageType
    public let bytes: [UInt8]
    /// Lowercase hex SHA-1 of the bytes: what presence announces, so clients fetch it once.
    public let sha1: String

    /// Bound on the file: a vCard travels as one stanza, base64 (4/3 of the bytes), and every
    /// client that shows the queue fetches it.
    public static let maxBytes = 64 * 1024
    static let kinds = "a PNG, JPEG, GIF or WebP image of at most 64 KiB"

    /// An image of a known type within the bound.
    public init(bytes: [UInt8]) throws(WorkflowValueError) {
        guard bytes.count <= Self.maxBytes else {
            throw WorkflowValueError("the image is \(bytes.count) bytes; an avatar may be at most \(Self.maxBytes) bytes (64 KiB)")
        }
        guard let type = Self.imageType(of: bytes) else { throw WorkflowValueError("not \(Self.kinds)") }
        self.type = type
        self.bytes = bytes
        sha1 = Hex.encode(Digest.sha1(bytes))
    }

    /// Reads the image at `path`, relative to `folder` unless absolute; the size is checked
    /// before the file is read.
    public static func load(_ path: String, relativeTo folder: String) throws(WorkflowValueError) -> QueueAvatar {
        guard !path.isEmpty else { throw WorkflowValueError("the path is empty (\(kinds), relative to the workflow file)") }
        let full = path.hasPrefix("/") || folder.isEmpty ? path : "\(folder)/\(path)"
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isFolder), !isFolder.boolValue else {
            throw WorkflowValueError("no such file: \(full) (\(kinds), relative to the workflow file)")
        }
        // A device or a pipe (`/dev/zero`, `/dev/stdin`) would be read without end.
        let attributes = try? FileManager.default.attributesOfItem(atPath: full)
        guard attributes?[.type] as? FileAttributeType == .typeRegular else {
            throw WorkflowValueError("\(full) is not a regular file (\(kinds))")
        }
        if let size = attributes?[.size] as? Int, size > maxBytes {
            throw WorkflowValueError("\(full) is \(size) bytes; an avatar may be at most \(maxBytes) bytes (64 KiB)")
        }
        // Read no more than the bound plus one byte, should the file have grown since.
        guard let handle = FileHandle(forReadingAtPath: full) else { throw WorkflowValueError("cannot read \(full)") }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maxBytes + 1) ?? Data()
        } catch {
            throw WorkflowValueError("cannot read \(full)")
        }
        do {
            return try QueueAvatar(bytes: Array(data))
        } catch {
            throw WorkflowValueError("\(full): \(error.reason)")
        }
    }

    /// The format by its signature: PNG's eight bytes, JPEG's SOI marker, `GIF87a`/`GIF89a`,
    /// WebP's RIFF container.
    static func imageType(of bytes: [UInt8]) -> ImageType? {
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && Array(bytes[offset..<offset + prefix.count]) == prefix
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return .webp }
        return nil
    }
}

// A queue logged or dumped shows its avatar in one line, not 64 KiB of numbers.
extension QueueAvatar: CustomStringConvertible, CustomReflectable {
    public var description: String { "QueueAvatar(\(type.rawValue), \(bytes.count) bytes, sha1 \(sha1))" }
    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }
}
