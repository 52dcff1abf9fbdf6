import Redis

extension RoutingStore {
    /// The visitor's last closed chat if their `/end` with message id `endID` closed it
    /// (`close-10.lua` keeps the id for two minutes): a copy of that end is answered, not applied.
    public func chatEnded(by endID: String?, visitor: String) async throws -> String? {
        let id = Self.mappedID(endID)
        guard !id.isEmpty, let last = try await lastClosedChat(visitor: visitor) else { return nil }
        return try await redis.send("SISMEMBER", keys.seen(last), "e:" + id).number() == 1 ? last : nil
    }
}
