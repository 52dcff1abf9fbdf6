import Foundation
import Logging
import Redis
import Routing

/// Samples the bench Redis's memory while the router runs (`switchboard bench --memory-every`):
/// what a soak with a short `retention` shows staying flat.
struct RedisMemoryWatch {
    let redisURL: String
    let prefix: String
    let every: Duration
    let report: @Sendable (String) -> Void

    func run() async {
        var logger = Logger(label: "switchboard.bench")
        logger.logLevel = .warning
        guard let url = try? RedisURL(redisURL) else { return }
        let redis = RedisClient(configuration: RedisConfiguration(url: url), logger: logger)
        let keys = RoutingKeys(prefix: prefix)
        let start = ContinuousClock.now
        while !Task.isCancelled {
            do {
                let replies = try await redis.pipeline([
                    RedisCommand("INFO", ["memory"]), RedisCommand("DBSIZE", []), RedisCommand("XLEN", [keys.events]),
                    RedisCommand("ZCARD", [keys.timers]), RedisCommand("SCARD", [keys.openChats]),
                ])
                let info = Self.fields(replies[0].string ?? "")
                let elapsed = (ContinuousClock.now - start).components.seconds
                report(
                    "redis memory at \(elapsed)s: used_memory \(info["used_memory"] ?? "?") (\(info["used_memory_human"] ?? "?")),"
                        + " rss \(info["used_memory_rss_human"] ?? "?"), keys \(replies[1].int ?? -1),"
                        + " events \(replies[2].int ?? -1), timers \(replies[3].int ?? -1), open chats \(replies[4].int ?? -1)")
            } catch {
                report("redis memory: cannot sample: \(error)")
            }
            try? await Task.sleep(for: every)
        }
        await redis.close()
    }

    /// `INFO`'s `name:value` lines.
    static func fields(_ info: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in info.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        return fields
    }
}
