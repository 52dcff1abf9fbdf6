import Redis

/// `MULTI … EXEC` sent as one pipelined write, so no other command of the shared client comes
/// between them, and every reply checked.
enum Transaction {
    /// Runs `commands`, which start with MULTI and end with EXEC; the replies of the commands inside.
    @discardableResult
    static func run(_ commands: [RedisCommand], on redis: RedisClient) async throws -> [RESPValue] {
        let replies = try await redis.pipeline(commands)
        for reply in replies.dropLast() {
            if let message = reply.errorMessage { throw WebhooksError.transactionFailed(message) }
        }
        guard let exec = replies.last, let results = exec.array else {
            throw WebhooksError.transactionFailed(replies.last?.errorMessage ?? "EXEC did not run")
        }
        for result in results {
            if let message = result.errorMessage { throw WebhooksError.transactionFailed(message) }
        }
        return results
    }

    /// `commands` inside MULTI and EXEC.
    @discardableResult
    static func run(inside commands: [RedisCommand], on redis: RedisClient) async throws -> [RESPValue] {
        try await run([RedisCommand("MULTI")] + commands + [RedisCommand("EXEC")], on: redis)
    }
}
