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
