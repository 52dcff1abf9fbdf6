import Logging
import Redis
import Routing

/// Chats opened straight in Redis before the router starts, in a queue no agent has the skill
/// for: they stay open (and waiting) through the run, as a busy site's backlog would.
enum OpenChats {
    static let queue = "parked"

    /// Opens `count` chats through the enqueue script, many at a time on one pipelined connection.
    static func open(_ count: Int, redisURL: String) async throws {
        var logger = Logger(label: "switchboard.bench")
        logger.logLevel = .warning
        let redis = RedisClient(configuration: RedisConfiguration(url: try RedisURL(redisURL)), logger: logger)
        let store = RoutingStore(redis: redis, prefix: BenchWorkflow.prefix)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for batch in stride(from: 0, to: count, by: 100) {
                group.addTask {
                    for index in batch..<min(batch + 100, count) {
                        _ = try await store.enqueue(
                            queue: queue, visitor: "parked\(index)@localhost", name: "parked\(index)", channel: .xmpp,
                            message: "Still there?")
                    }
                }
            }
            try await group.waitForAll()
        }
        await redis.close()
    }
}
