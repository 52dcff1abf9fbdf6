import Redis

/// Whose message id a relayed id stands for: the visitor's (`v:`) or the agent's (`a:`).
public enum RelaySide: String, Sendable, Hashable {
    case visitor = "v", agent = "a"
}

extension RoutingStore {
    /// A sender's message id as the id map keeps it: ids come from clients, so one longer than
    /// any client makes is not mapped (its corrections and read marks then do not cross).
    static func mappedID(_ id: String?) -> String {
        guard let id, id.utf8.count <= 128 else { return "" }
        return id
    }

    /// The id the other side saw for `side`'s message `original` in `chat`, if it was relayed.
    public func relayedID(chat: String, side: RelaySide, original: String) async throws -> String? {
        guard !Self.mappedID(original).isEmpty else { return nil }
        return try await redis.send("HGET", keys.relayIDs(chat), side.rawValue + ":" + original).string
    }

    /// Whose message a relayed id in `chat` stands for, and its id on that side.
    public func originalID(chat: String, relayed: String) async throws -> (side: RelaySide, id: String)? {
        guard relayed.utf8.count <= 64,
            let value = try await redis.send("HGET", keys.relayIDs(chat), "r:" + relayed).string,
            let colon = value.firstIndex(of: ":"), let side = RelaySide(rawValue: String(value[..<colon]))
        else { return nil }
        return (side, String(value[value.index(after: colon)...]))
    }

    /// The visitor's last closed chat still kept (the retention), if any.
    public func lastClosedChat(visitor: String) async throws -> String? {
        try await redis.send("GET", keys.lastChat(visitor: visitor)).string
    }
}
