import Logging
import NIOCore
import NIOPosix
import Redis
import SwitchboardTesting

/// A logger for tests: warnings and errors only, so expected reconnects stay visible but quiet.
let testLogger: Logger = {
    var logger = Logger(label: "redis-tests")
    logger.logLevel = .warning
    return logger
}()

@discardableResult
/// Runs `body` with a client for `url` and closes the client afterwards, whether `body` returns or throws.
func withClient<Result: Sendable>(
    _ url: String,
    eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
    configure: (inout RedisConfiguration) -> Void = { _ in },
    _ body: (RedisClient) async throws -> Result
) async throws -> Result {
    var configuration = RedisConfiguration(url: try RedisURL(url))
    configure(&configuration)
    let client = RedisClient(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: testLogger)
    return try await withCleanup { try await body(client) } cleanup: { await client.close() }
}

@discardableResult
/// A fresh Redis server and a client connected to it, both stopped afterwards.
func withServerAndClient<Result: Sendable>(
    configure: (inout RedisConfiguration) -> Void = { _ in },
    _ body: (RedisServer, RedisClient) async throws -> Result
) async throws -> Result {
    try await withRedisServer { server in
        try await withClient(server.url, configure: configure) { client in
            try await body(server, client)
        }
    }
}
