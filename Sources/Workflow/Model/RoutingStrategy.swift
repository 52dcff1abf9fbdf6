/// How a queue picks among the eligible agents who have room for another chat.
public enum RoutingStrategy: String, Sendable, Hashable, CaseIterable {
    /// The agent whose last chat ended longest ago: spreads work evenly over time.
    case longestIdle = "longest-idle"
    /// The agent with the fewest active chats.
    case leastBusy = "least-busy"
    /// Each eligible agent in turn.
    case roundRobin = "round-robin"
    /// The agent with the highest sum of levels in the queue's required skills (ties: longest idle).
    case skillsWeighted = "skills-weighted"
}

/// Whether an agent must take an offered chat (`/accept`) before it is theirs.
public enum AcceptMode: Sendable, Hashable {
    /// The chat is the agent's at once.
    case auto
    /// The agent accepts or declines; an offer not taken within `offerTimeout` goes to the next agent.
    case manual(offerTimeout: Duration)

    public static let defaultOfferTimeout: Duration = .seconds(30)
}

/// What happens to a chat that no one can serve now (no agent, or out of hours).
public enum UnservedChatPolicy: String, Sendable, Hashable, CaseIterable {
    /// It stays queued and is served when someone can.
    case queue
    /// The visitor is told so and the chat closes.
    case close
}
