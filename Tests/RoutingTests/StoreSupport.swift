import Logging
import Redis
import Routing
import SwitchboardTesting

/// Runs `body` with a routing store on a fresh Redis, both stopped afterwards.
func withStore<Result: Sendable>(_ body: (RoutingStore, RedisClient) async throws -> Result) async throws -> Result {
    try await withRedisServer { server in
        var logger = Logger(label: "routing-tests")
        logger.logLevel = .warning
        let redis = RedisClient(configuration: RedisConfiguration(url: try RedisURL(server.url)), logger: logger)
        return try await withCleanup { try await body(RoutingStore(redis: redis, prefix: "sb"), redis) } cleanup: {
            await redis.close()
        }
    }
}

extension RoutingStore {
    /// Makes each agent available.
    func available(_ agents: String...) async throws {
        for agent in agents { try await setPresence(agent: agent, .available, grace: .seconds(60)) }
    }

    func state(_ chat: String) async throws -> String? {
        try await self.chat(chat)?["state"]
    }

    func agentOf(_ chat: String) async throws -> String? {
        try await self.chat(chat)?["agent"]
    }
}
