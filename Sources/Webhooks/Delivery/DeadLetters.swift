import Foundation
import Redis
import Workflow

/// The events hooks did not accept within the retry period: listed by `switchboard webhooks
/// failed`, put back in their chat's queue by `switchboard webhooks replay` (behind whatever that
/// chat has queued since; the body, and so its `id` and `time`, is the original's).
public struct DeadLetters: Sendable {
    let redis: RedisClient
    let keys: WebhookKeys

    public init(redis: RedisClient, keys: WebhookKeys) {
        self.redis = redis
        self.keys = keys
    }

    /// The oldest `limit` dead letters, oldest first.
    public func list(limit: Int = 1000) async throws -> [DeadLetter] {
        let ids = try await redis.send("ZRANGE", keys.failedOrder, "0", String(max(limit, 1) - 1)).array?.compactMap(\.string) ?? []
        guard !ids.isEmpty else { return [] }
        let texts = try await redis.send(RedisCommand("HMGET", [keys.failed] + ids)).array ?? []
        return try texts.compactMap { try $0.string.map(DeadLetter.decoded) }
    }

    public func count() async throws -> Int {
        try await redis.send("ZCARD", keys.failedOrder).int ?? 0
    }

    /// Queues the dead letter `id` for delivery again.
    @discardableResult
    public func replay(_ id: String, hooks: [Webhook]) async throws -> DeadLetter {
        guard let text = try await redis.send("HGET", keys.failed, id).string else { throw WebhooksError.noSuchDeadLetter(id) }
        let letter = try DeadLetter.decoded(text)
        guard hooks.contains(where: { $0.name == letter.hook }) else { throw WebhooksError.unknownHook(letter.hook) }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try await Transaction.run(inside: [
            RedisCommand("RPUSH", [keys.queue(letter.hook, chat: letter.delivery.chat), letter.delivery.encoded()]),
            RedisCommand("ZADD", [keys.due(letter.hook), "NX", String(now), letter.delivery.chat]),
            RedisCommand("HDEL", [keys.failed, id]),
            RedisCommand("ZREM", [keys.failedOrder, id]),
        ], on: redis)
        return letter
    }

    /// Queues every dead letter whose hook is still in the workflow again, oldest first; returns
    /// how many, and the ids left because their hook is gone.
    public func replayAll(hooks: [Webhook]) async throws -> (replayed: Int, skipped: [String]) {
        var replayed = 0
        var skipped: [String] = []
        var offset = 0
        while true {
            let ids = try await redis.send("ZRANGE", keys.failedOrder, String(offset), String(offset + 499)).array?.compactMap(\.string) ?? []
            if ids.isEmpty { return (replayed, skipped) }
            for id in ids {
                do {
                    try await replay(id, hooks: hooks)
                    replayed += 1
                } catch WebhooksError.unknownHook {
                    skipped.append(id)
                    offset += 1
                } catch WebhooksError.noSuchDeadLetter {
                    // Replayed by someone else meanwhile; an order entry without its letter goes too.
                    try await redis.send("ZREM", keys.failedOrder, id)
                }
            }
        }
    }
}
