import Foundation
import Logging
import Redis
import Routing

/// What the router's chats cost Redis, measured in one phase.
///
/// Two measures, for two questions: `INFO memory`'s `used_memory` before and after (all that a
/// chat adds: its own keys, its entries in the event stream, the open-chat set, the queue, timers;
/// also anything else that ran meanwhile), and `MEMORY USAGE … SAMPLES 0` summed over the keys
/// of a sample of the chats themselves (`chat:ID`, its transcript, id map, timers…), which leaves
/// out what a chat adds to shared keys.
public struct ChatMemoryFigures: Sendable, Codable, Equatable {
    /// Chats opened before the router started (the memory scenario's backlog), and their cost.
    public var openChats: Int
    public var usedBytesPerOpenChat: Double?
    public var keyBytesPerOpenChat: Double?
    /// Chats the traffic opened and closed, still in Redis (before the retention removes them).
    public var closedChats: Int
    public var usedBytesPerClosedChat: Double?
    public var keyBytesPerClosedChat: Double?
    /// Whether every traffic chat was closed in Redis when the "after" reading was taken.
    public var closedChatsSettled: Bool
}

/// Reads the router's Redis for `ChatMemoryFigures`: read-only commands, so it may point at a
/// deployment the bench attached to.
struct ChatMemoryProbe: Sendable {
    let redis: RedisClient
    let keys: RoutingKeys
    /// Chats sampled with MEMORY USAGE (each costs a round trip per key).
    static let sampleSize = 50

    init(redisURL: String, prefix: String) throws {
        var logger = Logger(label: "switchboard.bench")
        logger.logLevel = .warning
        redis = RedisClient(configuration: RedisConfiguration(url: try RedisURL(redisURL)), logger: logger)
        keys = RoutingKeys(prefix: prefix)
    }

    /// A reading of the whole Redis: memory in use, open chats, the last chat id given out.
    struct Reading: Sendable {
        var usedMemory: Int
        var openChats: Int
        var lastChatID: Int
    }

    func read() async throws -> Reading {
        let replies = try await redis.pipeline([
            RedisCommand("INFO", ["memory"]), RedisCommand("SCARD", [keys.openChats]), RedisCommand("GET", [keys.sequence]),
        ])
        let info = RedisMemoryWatch.fields(replies[0].string ?? "")
        guard let used = info["used_memory"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else {
            throw BenchError.setup("Redis's INFO memory has no used_memory")
        }
        return Reading(usedMemory: used, openChats: replies[1].int ?? 0, lastChatID: replies[2].string.flatMap { Int($0) } ?? 0)
    }

    /// Waits (at most `limit`) until Redis holds `openChats` open chats: the router has closed
    /// every chat the traffic opened (a visitor counts its chat done before the router has its `/end`).
    func settle(openChats: Int, limit: Duration = .seconds(60)) async throws -> (Reading, Bool) {
        let deadline = ContinuousClock.now + limit
        while true {
            let reading = try await read()
            if reading.openChats <= openChats { return (reading, true) }
            if ContinuousClock.now >= deadline { return (reading, false) }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The mean MEMORY USAGE of a chat's own keys, over up to `sampleSize` chats with ids in `ids`
    /// (spread evenly); nil when there is none.
    func keyBytesPerChat(ids: ClosedRange<Int>) async throws -> Double? {
        let step = max(1, ids.count / Self.sampleSize)
        let sample = stride(from: ids.lowerBound, through: ids.upperBound, by: step).prefix(Self.sampleSize).map(String.init)
        return try await keyBytesPerChat(sample)
    }

    /// The same for ids picked by Redis from the open chats.
    func keyBytesPerOpenChat() async throws -> Double? {
        let ids = try await redis.send(RedisCommand("SRANDMEMBER", [keys.openChats, String(Self.sampleSize)])).array ?? []
        return try await keyBytesPerChat(ids.compactMap(\.string))
    }

    private func keyBytesPerChat(_ ids: [String]) async throws -> Double? {
        guard !ids.isEmpty else { return nil }
        var commands: [RedisCommand] = []
        for id in ids {
            for key in [keys.chat(id), keys.transcript(id), keys.relayIDs(id), keys.seen(id), keys.chatTimers(id),
                        keys.monitors(id), keys.declined(id)] {
                commands.append(RedisCommand("MEMORY", ["USAGE", key, "SAMPLES", "0"]))
            }
        }
        let replies = try await redis.pipeline(commands)
        // A missing key answers nil: it costs nothing.
        return Double(replies.compactMap(\.int).reduce(0, +)) / Double(ids.count)
    }

    func close() async {
        await redis.close()
    }
}
