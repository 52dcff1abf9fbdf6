import Redis

extension RoutingStore {
    /// How long a closed chat's owed lines are still passed on: an agent back later has moved on.
    static let owedClosedWindow: Duration = .seconds(600)

    /// Closed chats whose agent was owed visitor lines when they closed (`close-10.lua`), marked
    /// within `owedClosedWindow` by Redis's clock; older marks are dropped here.
    public func owedClosedChats() async throws -> [String] {
        let replies = try await redis.pipeline([
            RedisCommand("TIME", []), RedisCommand("ZRANGE", [keys.owedClosedChats, "0", "-1", "WITHSCORES"]),
        ])
        let time = try replies[0].values(2).map { try $0.text() }
        guard let seconds = Int64(time[0]) else { return [] }
        let oldest = seconds * 1000 - Self.owedClosedWindow.milliseconds
        let marks = try replies[1].values().map { try $0.text() }
        var chats: [String] = [], stale: [String] = []
        for index in stride(from: 0, to: marks.count - 1, by: 2) {
            if let closedAt = Double(marks[index + 1]), Int64(closedAt) >= oldest { chats.append(marks[index]) } else { stale.append(marks[index]) }
        }
        if !stale.isEmpty { _ = try await redis.send(RedisCommand("ZREM", [keys.owedClosedChats] + stale)) }
        return chats
    }

    /// Takes the mark off a closed chat whose owed lines went (or that is gone); true for the one
    /// caller that took it, so only one router tells the agent the chat closed again.
    public func settleOwedClosed(_ chat: String) async throws -> Bool {
        try await redis.send("ZREM", keys.owedClosedChats, chat).number() == 1
    }
}
