import Logging
import Redis
import Workflow

/// Takes routing events delivered by the consumer group into each subscribing hook's queue for
/// the event's chat, then acknowledges them, in one transaction: an event is either queued for
/// every hook that wants it and acknowledged, or neither (and is handed out again).
///
/// The cursor (the last entry taken in) makes a repeat harmless: an entry handed out again after
/// the transaction ran, but before its reply arrived, is only acknowledged. That holds for one
/// instance per deployment, which is what `switchboard webhooks serve` is.
struct EventIntake: Sendable {
    let redis: RedisClient
    let keys: WebhookKeys
    let group: String
    let hooks: [Webhook]
    let logger: Logger

    /// The hooks that got new events.
    @discardableResult
    func take(_ entries: [StreamGroupReader.Entry], now: Int64) async throws -> Set<String> {
        guard let last = entries.last else { return [] }
        let cursor = try await redis.send("GET", keys.cursor).string.flatMap(StreamID.init)
        let transcript = TranscriptText(redis: redis, keys: keys)
        var commands = [RedisCommand("MULTI")]
        var touched: Set<String> = []
        var sameTime = try await SameTimeMessages(redis: redis, key: keys.sameTime, entries: entries)
        for entry in entries {
            if let cursor, let id = StreamID(entry.id), id <= cursor { continue }
            guard let type = entry.fields[RoutingStream.typeField], let event = RoutingStream.webhookEvent(type: type),
                let chat = entry.fields[RoutingStream.chatField], !chat.isEmpty
            else { continue }
            if event == .chatClosed { sameTime.forget(chat: chat) }
            let subscribers = hooks.filter { $0.subscribes(to: event) }
            guard !subscribers.isEmpty else { continue }
            var text: String?? = .none
            if let kind = RoutingStream.transcriptKind(of: event) {
                let ordinal = sameTime.next(chat: chat, kind: kind, ts: entry.fields[RoutingStream.timeField] ?? "")
                text = .some(try await transcript.text(of: entry, event: event, ordinal: ordinal))
            }
            let ts = entry.fields[RoutingStream.timeField].flatMap(Int64.init) ?? now
            let pending = PendingDelivery(
                id: entry.id, event: event.rawValue, chat: chat, ts: ts, body: WebhookPayload.body(entry: entry, event: event, text: text))
            let encoded = pending.encoded()
            for hook in subscribers {
                commands.append(RedisCommand("RPUSH", [keys.queue(hook.name, chat: chat), encoded]))
                // NX: a chat already waiting (perhaps backing off) keeps its time; this event queues behind.
                commands.append(RedisCommand("ZADD", [keys.due(hook.name), "NX", String(now), chat]))
                touched.insert(hook.name)
            }
        }
        commands += sameTime.commands
        if let id = StreamID(last.id), cursor.map({ id > $0 }) ?? true {
            commands.append(RedisCommand("SET", [keys.cursor, last.id]))
        }
        commands.append(RedisCommand("XACK", [keys.events, group] + entries.map(\.id)))
        commands.append(RedisCommand("EXEC"))
        try await Transaction.run(commands, on: redis)
        if !touched.isEmpty {
            logger.debug("took in routing events", metadata: ["entries": "\(entries.count)", "last": "\(last.id)"])
        }
        return touched
    }
}

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

/// A stream entry id, `MS-SEQ`, ordered as Redis orders them.
struct StreamID: Comparable, Sendable {
    let milliseconds: UInt64
    let sequence: UInt64

    init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let milliseconds = UInt64(parts[0]), let sequence = UInt64(parts[1]) else { return nil }
        self.milliseconds = milliseconds
        self.sequence = sequence
    }

    static func < (a: StreamID, b: StreamID) -> Bool {
        (a.milliseconds, a.sequence) < (b.milliseconds, b.sequence)
    }
}
