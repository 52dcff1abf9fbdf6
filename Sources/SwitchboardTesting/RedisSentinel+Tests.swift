import LocalServices

/// Runs `body` with a fresh master, replica and three sentinels in `.run/tests`, all stopped
/// afterwards by PID, whether `body` returns or throws.
public func withRedisSentinel<Result: Sendable>(
    secured: RedisServer.Secured? = nil,
    extraArguments: [String] = [],
    _ body: (RedisSentinelGroup) async throws -> Result
) async throws -> Result {
    let group = try await RedisSentinelGroup.start(in: .tests, secured: secured, extraArguments: extraArguments)
    return try await withCleanup { try await body(group) } cleanup: { await group.stop() }
}
