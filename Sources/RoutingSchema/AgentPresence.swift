/// An agent's availability, from XMPP presence.
public enum AgentPresence: String, Sendable, Hashable, CaseIterable {
    case available, away, dnd, xa, offline

    /// Only an available agent gets new chats.
    public var takesChats: Bool { self == .available }
}
