import Logging
import Redis
import Stats
import SwitchboardTesting

/// Runs `body` with a Redis client on a fresh redis-server, both stopped afterwards.
func withStatsRedis<Result: Sendable>(_ body: (RedisServer, RedisClient) async throws -> Result) async throws -> Result {
    try await withRedisServer { server in
        let redis = RedisClient(configuration: RedisConfiguration(url: try RedisURL(server.url)), logger: quietLogger)
        return try await withCleanup { try await body(server, redis) } cleanup: { await redis.close() }
    }
}

let quietLogger: Logger = {
    var logger = Logger(label: "stats-tests")
    logger.logLevel = .warning
    return logger
}()

/// A routing event as the Lua scripts write it, at a fixed time: `ts` is milliseconds since 1970.
struct ScriptedEvent: Sendable {
    var type: String
    var chat: String
    var queue: String
    var agent: String = ""
    var ts: Int64
    var extra: [(String, String)] = []

    /// Appends the event to the stream, with the field order of the scripts' `emit`.
    func write(to redis: RedisClient, stream: String) async throws {
        let fields = ["type", type, "chat", chat, "queue", queue, "agent", agent, "ts", String(ts)] + extra.flatMap { [$0.0, $0.1] }
        try await redis.send(RedisCommand("XADD", [stream, "*"] + fields))
    }
}

extension [ScriptedEvent] {
    func write(to redis: RedisClient, stream: String) async throws {
        for event in self { try await event.write(to: redis, stream: stream) }
    }
}
