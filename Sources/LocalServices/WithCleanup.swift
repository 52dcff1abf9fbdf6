/// Runs `body`, then `cleanup`, whether `body` returns or throws: the async cleanup a `defer` cannot do
/// (stopping a server, closing a client).
@discardableResult
public func withCleanup<Result: Sendable>(
    _ body: () async throws -> Result,
    cleanup: () async -> Void
) async throws -> Result {
    let result: Result
    do {
        result = try await body()
    } catch {
        await cleanup()
        throw error
    }
    await cleanup()
    return result
}
