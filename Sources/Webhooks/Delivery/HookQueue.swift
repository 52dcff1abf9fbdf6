import Redis

/// One hook's deliveries in Redis: a queue per chat, a set of chats scored by when their first
/// event is next tried, and the failed attempts at each first event.
///
/// Only the first event of a chat is ever tried, so a chat's events arrive in order; a chat is in
/// the due set while its queue has events. Intake adds to a queue then to the set (`NX`); emptying
/// takes a chat out of the set, then looks at its queue and puts it back if something arrived in
/// between: whichever way the two interleave, a queue with events stays in the set.
struct HookQueue: Sendable {
    let redis: RedisClient
    let keys: WebhookKeys
    let hook: String

    /// Chats whose next try is due at `now`, at most `limit`, the longest-due first.
    func due(now: Int64, limit: Int) async throws -> [String] {
        let reply = try await redis.send(RedisCommand("ZRANGE", [
            keys.due(hook), "-inf", String(now), "BYSCORE", "LIMIT", "0", String(limit),
        ]))
        return reply.array?.compactMap(\.string) ?? []
    }

    /// When the next try not yet due is, if any.
    func nextDue(after now: Int64) async throws -> Int64? {
        let reply = try await redis.send(RedisCommand("ZRANGE", [
            keys.due(hook), "(\(now)", "+inf", "BYSCORE", "LIMIT", "0", "1", "WITHSCORES",
        ]))
        return reply.array?.last?.string.flatMap(Double.init).map { Int64($0) }
    }

    /// The chat's first event.
    func first(_ chat: String) async throws -> PendingDelivery? {
        guard let text = try await redis.send("LINDEX", keys.queue(hook, chat: chat), "0").string else { return nil }
        return try PendingDelivery.decoded(text)
    }

    /// The first event was delivered: it goes, with its failed attempts.
    func delivered(_ chat: String) async throws {
        try await Transaction.run(inside: [
            RedisCommand("LPOP", [keys.queue(hook, chat: chat)]),
            RedisCommand("HDEL", [keys.tries(hook), chat + "|n", chat + "|first"]),
        ], on: redis)
    }

    /// Drops the first event unsent (it could not be read).
    func dropFirst(_ chat: String) async throws {
        try await delivered(chat)
    }

    /// Notes a failed attempt; returns how many there have been and when the first was (ms).
    func failed(_ chat: String, now: Int64) async throws -> (attempts: Int, first: Int64) {
        let results = try await Transaction.run(inside: [
            RedisCommand("HINCRBY", [keys.tries(hook), chat + "|n", "1"]),
            RedisCommand("HSETNX", [keys.tries(hook), chat + "|first", String(now)]),
            RedisCommand("HGET", [keys.tries(hook), chat + "|first"]),
        ], on: redis)
        return (results[0].int ?? 1, results[2].string.flatMap(Int64.init) ?? now)
    }

    /// The chat's next try is at `time` (ms).
    func retry(_ chat: String, at time: Int64) async throws {
        try await redis.send("ZADD", keys.due(hook), String(time), chat)
    }

    /// Gives up on the first event: it becomes a dead letter, and the chat's next event is tried.
    func deadLetter(_ chat: String, _ letter: DeadLetter) async throws {
        try await Transaction.run(inside: [
            RedisCommand("LPOP", [keys.queue(hook, chat: chat)]),
            RedisCommand("HDEL", [keys.tries(hook), chat + "|n", chat + "|first"]),
            RedisCommand("HSET", [keys.failed, letter.id, letter.encoded()]),
            RedisCommand("ZADD", [keys.failedOrder, String(letter.failedAt), letter.id]),
        ], on: redis)
    }

    /// Takes an emptied chat out of the due set (see the type's comment for why in this order).
    /// Returns whether events arrived meanwhile and it is due again.
    func settleIfEmpty(_ chat: String, now: Int64) async throws -> Bool {
        try await redis.send("ZREM", keys.due(hook), chat)
        guard try await redis.send("LLEN", keys.queue(hook, chat: chat)).int ?? 0 > 0 else { return false }
        try await redis.send("ZADD", keys.due(hook), "NX", String(now), chat)
        return true
    }

    /// Chats waiting (for metrics).
    func waitingChats() async throws -> Int {
        try await redis.send("ZCARD", keys.due(hook)).int ?? 0
    }
}
