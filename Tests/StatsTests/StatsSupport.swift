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

extension [ScriptedEvent] {
    /// Appends the events with pipelined XADDs, 500 at a time; returns the last entry's id.
    @discardableResult
    func writeBatched(to redis: RedisClient, stream: String) async throws -> String {
        var last = ""
        for start in stride(from: 0, to: count, by: 500) {
            let commands = self[start..<Swift.min(start + 500, count)].map { event in
                RedisCommand("XADD", [stream, "*", "type", event.type, "chat", event.chat, "queue", event.queue, "agent", event.agent,
                                      "ts", String(event.ts)] + event.extra.flatMap { [$0.0, $0.1] })
            }
            let replies = try await redis.pipeline(commands)
            last = replies.last?.string ?? last
        }
        return last
    }
}

extension RedisClient {
    /// A hash's fields, as a dictionary.
    func hash(_ key: String) async throws -> [String: String] {
        let values = try await send("HGETALL", key).array?.compactMap(\.string) ?? []
        var result: [String: String] = [:]
        for index in stride(from: 0, to: values.count - 1, by: 2) { result[values[index]] = values[index + 1] }
        return result
    }

    /// Every stats key under `keys` except the cursor, with its contents as text (lists and hashes
    /// in full), named without the prefix: two runs over the same events must give equal maps.
    func statsDump(_ keys: StatsKeys) async throws -> [String: String] {
        let prefix = keys.routing.base + "stats:"
        let names = try await send("KEYS", prefix + "*").array?.compactMap(\.string) ?? []
        var dump: [String: String] = [:]
        for name in names where name != keys.applied {
            let type = try await send("TYPE", name).string
            let contents: String = switch type {
            case "list": (try await send("LRANGE", name, "0", "-1").array?.compactMap(\.string) ?? []).joined(separator: "\n")
            case "hash": try await hash(name).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
            default: "\(type ?? "?")"
            }
            dump[String(name.dropFirst(prefix.count))] = contents
        }
        return dump
    }
}
