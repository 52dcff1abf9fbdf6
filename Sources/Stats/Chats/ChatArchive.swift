import Foundation
import Redis
import RoutingSchema

/// Chats as integrations read them (`/api/v1/chats`): from the routing state's records and
/// transcripts, which the router keeps for the workflow's `retention` after a chat closes.
public struct ChatArchive: Sendable {
    /// A chat's record, its fields named for integrations.
    public struct Chat: Sendable, Encodable, Equatable {
        public var id: String
        public var state: String
        public var queue: String?
        public var agent: String?
        public var visitor: String?
        public var name: String?
        public var channel: String?
        /// Times in ms since 1970 (Redis's clock), nil until they happened.
        public var created: Int64?
        public var accepted: Int64?
        public var closed: Int64?
        public var closedBy: String?
        public var rating: Int?

        init(id: String, fields: [String: String]) {
            self.id = id
            state = fields["state"] ?? "unknown"
            (queue, agent, visitor, name, channel) = (fields["queue"], fields["agent"], fields["visitor"], fields["name"], fields["channel"])
            created = fields["created"].flatMap { Int64($0) }
            accepted = fields["accepted_at"].flatMap { Int64($0) }
            closed = fields["closed_at"].flatMap { Int64($0) }
            closedBy = fields["closed_by"]
            rating = fields["rating"].flatMap { Int($0) }
        }

        enum CodingKeys: String, CodingKey {
            case id, state, queue, agent, visitor, name, channel, created, accepted, closed, rating
            case closedBy = "closed_by"
        }
    }

    /// One transcript line; notes and whispers are `internal` (never shown to the visitor).
    public struct Line: Sendable, Codable, Equatable {
        public var t: Int64
        public var kind: String
        public var from: String
        public var text: String
        public var `internal`: Bool?
    }

    /// Chat records looked at per list query at most: a query is a scan, bounded.
    static let scanLimit = 200_000
    public static let limits = 1...1_000

    let redis: RedisClient
    let keys: RoutingKeys

    public init(redis: RedisClient, keys: RoutingKeys) {
        self.redis = redis
        self.keys = keys
    }

    /// Whether `id` can name a chat (ids are counters).
    public static func isChatID(_ id: String) -> Bool { !id.isEmpty && id.count <= 20 && id.allSatisfy(\.isASCII) && id.allSatisfy(\.isNumber) }

    public func chat(_ id: String) async throws -> Chat? {
        let values = (try await redis.send("HGETALL", keys.chat(id)).array ?? []).map { $0.string ?? "" }
        guard !values.isEmpty else { return nil }
        var fields: [String: String] = [:]
        for index in stride(from: 0, to: values.count - 1, by: 2) { fields[values[index]] = values[index + 1] }
        return Chat(id: id, fields: fields)
    }

    /// The chat's transcript, or nil if there is no such chat.
    public func transcript(_ id: String) async throws -> [Line]? {
        guard try await redis.send("EXISTS", keys.chat(id)).int == 1 else { return nil }
        let rows = (try await redis.send("LRANGE", keys.transcript(id), "0", "-1").array ?? []).compactMap(\.string)
        return rows.compactMap { row in
            guard var line = try? JSONDecoder().decode(Line.self, from: Data(row.utf8)) else { return nil }
            line.internal = line.kind == "note" || line.kind == "whisper"
            return line
        }
    }

    /// Chats created at `since` or later (ms), of `visitor` if given, oldest first, at most `limit`.
    public func chats(visitor: String?, since: Int64, limit: Int) async throws -> [Chat] {
        var cursor = "0", scanned = 0
        var found: [Chat] = []
        let prefix = keys.chat("")
        repeat {
            let reply = try await redis.send("SCAN", cursor, "MATCH", keys.chat("*"), "COUNT", "1000").array ?? []
            guard reply.count == 2, let next = reply[0].string else { break }
            cursor = next
            let ids = (reply[1].array ?? []).compactMap(\.string).map { String($0.dropFirst(prefix.count)) }.filter(Self.isChatID)
            scanned += ids.count
            for id in ids {
                let values = (try await redis.send("HMGET", keys.chat(id), "visitor", "created").array ?? []).map(\.string)
                guard values.count == 2, visitor.map({ $0 == values[0] }) ?? true,
                    let created = values[1].flatMap({ Int64($0) }), created >= since, let chat = try await chat(id)
                else { continue }
                found.append(chat)
            }
        } while cursor != "0" && scanned < Self.scanLimit
        found.sort { ($0.created ?? 0, Int($0.id) ?? 0) < ($1.created ?? 0, Int($1.id) ?? 0) }
        return Array(found.prefix(limit))
    }
}
