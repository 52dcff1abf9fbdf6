import Redis

extension RoutingStore {
    /// Marks that the chat's visitor was told their data is removed; true only the first time.
    /// Called just after a line of the chat was stored, so the chat's record exists.
    public func markRedactionTold(_ chat: String) async throws -> Bool {
        try await redis.send("HSETNX", keys.chat(chat), "redaction_told", "1").int == 1
    }
}
