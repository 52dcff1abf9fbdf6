import Redis

/// How many message lines of one kind a chat had in the same millisecond before the one taken in
/// now: the last (ts, kind) matched per chat is kept in Redis, written in the intake's transaction,
/// so the count survives a restart and is never advanced twice. Forgotten when the chat closes.
struct SameTimeMessages {
    let key: String
    private var last: [String: (stamp: String, count: Int)] = [:]
    private var changed: Set<String> = []
    private var forgotten: Set<String> = []

    init(redis: RedisClient, key: String, entries: [StreamGroupReader.Entry]) async throws {
        self.key = key
        let chats = Array(Set(entries.compactMap { entry in
            entry.fields[RoutingStream.typeField]?.hasSuffix("_message") == true ? entry.fields[RoutingStream.chatField] : nil
        }))
        guard !chats.isEmpty else { return }
        let values = try await redis.send(RedisCommand("HMGET", [key] + chats)).array ?? []
        for (chat, value) in zip(chats, values) {
            guard let text = value.string, let bar = text.lastIndex(of: "|"), let count = Int(text[text.index(after: bar)...]) else { continue }
            last[chat] = (String(text[..<bar]), count)
        }
    }

    /// The ordinal of this line among its chat's lines of `kind` at `ts`, counting it.
    mutating func next(chat: String, kind: String, ts: String) -> Int {
        let stamp = ts + "|" + kind
        let ordinal = last[chat].map { $0.stamp == stamp ? $0.count : 0 } ?? 0
        last[chat] = (stamp, ordinal + 1)
        changed.insert(chat)
        forgotten.remove(chat)
        return ordinal
    }

    mutating func forget(chat: String) {
        last[chat] = nil
        changed.remove(chat)
        forgotten.insert(chat)
    }

    /// What to write in the transaction.
    var commands: [RedisCommand] {
        var commands: [RedisCommand] = []
        let pairs = changed.sorted().flatMap { chat in last[chat].map { [chat, "\($0.stamp)|\($0.count)"] } ?? [] }
        if !pairs.isEmpty { commands.append(RedisCommand("HSET", [key] + pairs)) }
        if !forgotten.isEmpty { commands.append(RedisCommand("HDEL", [key] + forgotten.sorted())) }
        return commands
    }
}
