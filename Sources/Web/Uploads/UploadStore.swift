import Foundation
import Redis
import Routing
import Workflow
import XMPP

/// A file a visitor sent: kept on disk under its random id, described in Redis.
public struct Upload: Sendable, Hashable {
    public var id: String
    /// The visitor's name for it, cleaned (`UploadName`).
    public var name: String
    /// Sniffed from the content (`UploadKind`).
    public var type: String
    public var size: Int
    /// The visitor it came from, and the chat it went to (empty until the message naming it is kept).
    public var visitor: String
    public var chat: String
    /// Where agents open it: `http(s)://HOST/uploads/ID`.
    public var url: String

    /// The line agents and the transcript see for it.
    var line: String { "[file] \(name) (\(type), \(size) bytes) \(url)" }

    /// Whether `text` is a name the upload store gives a file (`switchboard forget` removes only those).
    public static func isID(_ text: String) -> Bool { UploadStore.isID(text) }

    /// As the chat line carries it (XEP-0066 to XMPP agents; the widget shows it as a link).
    var attachment: Attachment? {
        var attachment = Attachment(url: url)
        attachment?.name = name
        attachment?.size = size
        attachment?.type = type
        return attachment
    }
}

/// Files web visitors send: written to `http.uploads.dir` under random names (never the name
/// given, so no path can be smuggled in), described in Redis under `{prefix}:web:upload:ID`, and
/// removed with their chat: `sweep` deletes every file whose chat is gone (closed and past the
/// workflow's retention) or that no message ever named within an hour.
struct UploadStore: Sendable {
    let settings: UploadSettings
    let redis: RedisClient
    let keys: WebKeys
    let routing: RoutingKeys

    /// 32 hex digits: 128 random bits, the file's name on disk and in its address.
    static func isID(_ text: String) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// How long a file no kept message names is kept (the visitor's upload failed half-way).
    static let unclaimedLifetime: Int64 = 3_600_000

    func save(_ bytes: [UInt8], name: String, type: String, visitor: String, baseURL: String) async throws -> Upload {
        let id = Hex.encode(try SecureRandom.bytes(count: 16))
        try FileManager.default.createDirectory(
            atPath: settings.directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let partial = "\(settings.directory)/.\(id).part"
        guard FileManager.default.createFile(atPath: partial, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw UploadError.cannotWrite(settings.directory)
        }
        try FileManager.default.moveItem(atPath: partial, toPath: path(id))
        let upload = Upload(id: id, name: name, type: type, size: bytes.count, visitor: visitor, chat: "", url: "\(baseURL)/uploads/\(id)")
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try await redis.send(RedisCommand("HSET", [
            keys.upload(id), "name", name, "type", type, "size", String(bytes.count), "visitor", visitor, "chat", "",
            "url", upload.url, "created", String(now),
        ]))
        return upload
    }

    /// The upload `id`, if it exists (and, when `visitor` is given, is theirs).
    func find(_ id: String, of visitor: String? = nil) async throws -> Upload? {
        guard Self.isID(id) else { return nil }
        let fields = (try await redis.send("HMGET", keys.upload(id), "name", "type", "size", "visitor", "chat", "url").array ?? []).map(\.string)
        guard fields.count == 6, let name = fields[0], let type = fields[1], let size = fields[2].flatMap({ Int($0) }),
            let owner = fields[3], visitor == nil || visitor == owner, FileManager.default.fileExists(atPath: path(id))
        else { return nil }
        return Upload(id: id, name: name, type: type, size: size, visitor: owner, chat: fields[4] ?? "", url: fields[5] ?? "")
    }

    /// Notes the chat whose transcript names the file: it is kept as long as that chat is.
    func attach(_ upload: Upload, to chat: String) async throws {
        try await redis.send("HSET", keys.upload(upload.id), "chat", chat)
    }

    func path(_ id: String) -> String { "\(settings.directory)/\(id)" }

    /// Removes the files (and descriptions) of chats that are gone, those no message named within
    /// an hour, and descriptions without a file; returns how many files went.
    @discardableResult
    func sweep(now: Int64 = Int64(Date().timeIntervalSince1970 * 1000)) async throws -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: settings.directory)) ?? []
        var removed = 0
        for name in names {
            let id = name.hasPrefix(".") && name.hasSuffix(".part") ? String(name.dropFirst().dropLast(5)) : name
            guard Self.isID(id) else { continue }  // not ours: never touched
            let fields = (try await redis.send("HMGET", keys.upload(id), "chat", "created").array ?? []).map(\.string)
            let chat = fields.first ?? nil, created = fields.count > 1 ? fields[1].flatMap { Int64($0) } : nil
            let keep: Bool
            if let chat, !chat.isEmpty {
                keep = try await redis.send("EXISTS", routing.chat(chat)).int == 1
            } else {
                keep = created.map { now - $0 < Self.unclaimedLifetime } ?? false
            }
            guard !keep else { continue }
            try? FileManager.default.removeItem(atPath: "\(settings.directory)/\(name)")
            try await redis.send("DEL", keys.upload(id))
            removed += 1
        }
        return removed
    }
}

/// Why an upload could not be kept.
enum UploadError: Error, CustomStringConvertible {
    case cannotWrite(String)

    var description: String {
        switch self {
        case .cannotWrite(let folder): "cannot write a file in the uploads folder \(folder)"
        }
    }
}
