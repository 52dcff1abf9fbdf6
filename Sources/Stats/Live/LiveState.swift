/// A queue as it is now (`GET /api/v1/queues`), read from the routing state, not from counters.
public struct QueueNow: Sendable, Hashable, Codable {
    public var name: String
    public var title: String
    /// Chats waiting in the queue.
    public var waiting: Int
    /// How long the longest-waiting of them has waited (since it entered this queue), in seconds.
    @NullEncoded public var oldestWait: Double?
    /// Agents who could serve the queue, by state: available with room for a chat, available but
    /// full, away (away, dnd, xa), offline.
    public var agentsAvailable: Int
    public var agentsBusy: Int
    public var agentsAway: Int
    public var agentsOffline: Int
    /// Chats of the queue an agent holds: accepted (active) and offered, not yet accepted.
    public var activeChats: Int
    public var offeredChats: Int

    enum CodingKeys: String, CodingKey {
        case name, title, waiting, oldestWait = "oldest_wait", agentsAvailable = "agents_available"
        case agentsBusy = "agents_busy", agentsAway = "agents_away", agentsOffline = "agents_offline"
        case activeChats = "active_chats", offeredChats = "offered_chats"
    }
}

/// An agent as they are now (`GET /api/v1/agents`).
public struct AgentNow: Sendable, Hashable, Codable {
    public var jid: String
    public var name: String
    /// available, away, dnd, xa or offline.
    public var presence: String
    public var activeChats: Int
    public var offeredChats: Int
    public var maxChats: Int
    /// Chats the agent answered since midnight UTC (from the stats).
    public var chatsToday: Int

    enum CodingKeys: String, CodingKey {
        case jid, name, presence, activeChats = "active_chats", offeredChats = "offered_chats"
        case maxChats = "max_chats", chatsToday = "chats_today"
    }
}

/// Both tables, read at one moment.
public struct LiveState: Sendable, Hashable, Codable {
    /// Redis's clock when read, milliseconds since 1970.
    public var at: Int64
    public var queues: [QueueNow]
    public var agents: [AgentNow]
    /// The front of each queue's line.
    public var waiting: [WaitingChat]
}

/// A chat waiting in a queue, with the name its visitor gave (their text: escape it when shown).
public struct WaitingChat: Sendable, Hashable, Codable {
    public var chat: String
    public var queue: String
    public var visitor: String
    /// Seconds since it entered the queue.
    @NullEncoded public var waited: Double?
}
