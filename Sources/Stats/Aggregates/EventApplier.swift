import Foundation
import Redis

/// Applies routing events to the stats in Redis through `Lua/applyEvents-3.lua`, and sets up the
/// consumer group it acknowledges them in.
public struct EventApplier: Sendable {
    public let keys: StatsKeys
    public let group: String
    let redis: RedisClient
    let settings: StatsSettings
    /// Most entries one script call applies: bounds how long it holds Redis.
    let batch: Int

    public init(redis: RedisClient, keys: StatsKeys, settings: StatsSettings, group: String = "stats", batch: Int = 500) {
        self.redis = redis
        self.keys = keys
        self.settings = settings
        self.group = group
        self.batch = batch
    }

    /// What one call did.
    public struct Applied: Sendable, Hashable {
        public var count: Int
        /// The id of the last entry applied so far, by anyone.
        public var cursor: String
        /// Whether more entries up to the highest id asked for are left to apply.
        public var more: Bool

        /// The script's reply: {entries applied now, the applied cursor, 1 if there may be more}.
        init(_ reply: RESPValue) throws(StatsError) {
            guard let parts = reply.array, parts.count == 3, let count = parts[0].int, let cursor = parts[1].string,
                let more = parts[2].int
            else { throw StatsError.unexpectedReply("the applying script answered \(reply)") }
            self.init(count: count, cursor: cursor, more: more == 1)
        }

        init(count: Int, cursor: String, more: Bool) {
            self.count = count
            self.cursor = cursor
            self.more = more
        }
    }

    /// Creates the consumer group (with the stream) unless it exists. It starts at the stream's
    /// beginning: what was routed before the first start is counted too.
    public func ensureGroup() async throws {
        try await StreamGroupReader(redis: redis, stream: keys.events, group: group, consumer: "").ensureGroup()
    }

    /// Applies the entries after the cursor up to the highest of `delivered` (or to the end of the
    /// stream when empty), at most `batch` of them, and acknowledges the delivered ids applied.
    @discardableResult
    public func apply(delivered: [String] = []) async throws -> Applied {
        let slas = Dictionary(uniqueKeysWithValues: settings.slas.map { ($0.key, $0.value.wholeMilliseconds) })
        let json = String(decoding: try JSONSerialization.data(withJSONObject: slas, options: [.sortedKeys]), as: UTF8.self)
        let arguments = [
            group, String(batch), json, String(settings.defaultSLA.wholeMilliseconds), String(settings.retentionSeconds),
            MetricsBuckets.bounds.map(String.init).joined(separator: ","),
        ] + delivered
        return try Applied(
            try await redis.evalScript(StatsLua.applyEvents, keys: [keys.events, keys.applied, keys.totals], args: arguments))
    }

    /// Applies everything in the stream now (for tests and tools; the service follows the group).
    public func applyAll() async throws -> Int {
        var total = 0
        while true {
            let applied = try await apply()
            total += applied.count
            if !applied.more { return total }
        }
    }
}

extension Duration {
    /// Whole milliseconds.
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
