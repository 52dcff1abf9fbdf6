import Logging

/// One consumer in a consumer group of a Redis stream, for services that must see every entry
/// at least once across restarts (the stats service, the webhooks service).
///
/// `follow` first takes over entries left pending by consumers idle for `claimIdle` (a killed
/// instance under another name), then re-reads its own pending entries, then new ones. An entry
/// stays pending until the handler acknowledges it (`XACK`), so one handed out before a crash is
/// handed out again. After a failure, or if the group vanished (the stream was deleted), it
/// starts over from its pending entries, with backoff.
public struct StreamGroupReader: Sendable {
    /// One stream entry: its id and field-value pairs (none for an entry trimmed since it was delivered).
    public struct Entry: Sendable, Hashable {
        public let id: String
        public let fields: [String: String]

        public init(id: String, fields: [String: String]) {
            self.id = id
            self.fields = fields
        }
    }

    /// A connection of its own: a blocking read holds it.
    public let redis: RedisClient
    public let stream: String
    public let group: String
    public let consumer: String
    /// How long one read waits for new entries (also how soon a shutdown is noticed).
    public let block: Duration
    /// Most entries one read hands out.
    public let batch: Int
    /// How long another consumer's entry must have been pending before this one takes it over.
    public let claimIdle: Duration
    /// Whether a group made by the first start reads what the stream already holds, or only what
    /// comes after. A group made again because the stream vanished reads the new stream whole.
    public let backlog: Bool

    public init(
        redis: RedisClient, stream: String, group: String, consumer: String, block: Duration = .seconds(1), batch: Int = 500,
        claimIdle: Duration = .seconds(60), backlog: Bool = true
    ) {
        self.redis = redis
        self.stream = stream
        self.group = group
        self.consumer = consumer
        self.block = block
        self.batch = batch
        self.claimIdle = claimIdle
        self.backlog = backlog
    }

    /// Creates the group (and the stream) unless it exists, at the stream's beginning (`backlog`:
    /// what was written before the first start is read too) or its end.
    public func ensureGroup(backlog: Bool? = nil) async throws(RedisError) {
        do {
            try await redis.send("XGROUP", "CREATE", stream, group, (backlog ?? self.backlog) ? "0" : "$", "MKSTREAM")
        } catch .server(let message) where message.hasPrefix("BUSYGROUP") {
            // Made by an earlier run or another instance: exactly what is wanted.
        }
    }

    /// Hands every batch of entries delivered to this consumer to `handle`, in stream order,
    /// while `running` says so and the task is not cancelled. `handle` acknowledges what it has
    /// dealt with; what it throws is logged and the batch is handed out again after a pause.
    public func follow(
        logger: Logger, running: @Sendable () -> Bool = { true }, _ handle: ([Entry]) async throws -> Void
    ) async {
        var failures = 0
        var started = false
        var recreating = false
        var ownPendingRead = false
        while running() && !Task.isCancelled {
            do {
                if !started {
                    try await ensureGroup(backlog: recreating ? true : nil)
                    try await claimAbandoned()
                    started = true
                    ownPendingRead = false
                }
                // First what was delivered to this consumer before and not acknowledged, then new entries.
                let entries = try await read(from: ownPendingRead ? ">" : "0")
                if !ownPendingRead && entries.isEmpty { ownPendingRead = true }
                if !entries.isEmpty { try await handle(entries) }
                failures = 0
            } catch {
                // The stream (and its group) went away, e.g. FLUSHALL: make the group again.
                if case RedisError.server(let message) = error, message.hasPrefix("NOGROUP") {
                    started = false
                    recreating = true
                }
                ownPendingRead = false
                failures += 1
                let delay = Duration.milliseconds(min(5_000, 100 << min(failures, 6)))
                logger.warning(
                    "reading the stream failed; retrying",
                    metadata: ["stream": "\(stream)", "group": "\(group)", "error": "\(error)", "retry_in": "\(delay)"])
                try? await Task.sleep(for: delay)
            }
        }
    }

    /// Takes over the entries other consumers left pending for over `claimIdle`.
    private func claimAbandoned() async throws(RedisError) {
        var start = "0-0"
        for _ in 0..<100 {
            let reply = try await redis.send("XAUTOCLAIM", stream, group, consumer, String(claimIdle.milliseconds), start, "COUNT", "1000")
            guard let next = reply.array?.first?.string, next != "0-0" else { return }
            start = next
        }
    }

    /// The entries one XREADGROUP delivers (`0`: this consumer's pending ones, `>`: new ones).
    private func read(from id: String) async throws(RedisError) -> [Entry] {
        let reply = try await redis.send(RedisCommand("XREADGROUP", [
            "GROUP", group, consumer, "COUNT", String(batch), "BLOCK", String(block.milliseconds), "STREAMS", stream, id,
        ]))
        guard let streams = reply.array, let entries = streams.first?.array?.last?.array else { return [] }
        return entries.compactMap { entry in
            guard let parts = entry.array, let id = parts.first?.string else { return nil }
            var fields: [String: String] = [:]
            let values = parts.count > 1 ? parts[1].array ?? [] : []
            for index in stride(from: 0, to: values.count - 1, by: 2) {
                if let key = values[index].string, let value = values[index + 1].string { fields[key] = value }
            }
            return Entry(id: id, fields: fields)
        }
    }
}

extension Duration {
    /// Whole milliseconds, as Redis takes them.
    fileprivate var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
