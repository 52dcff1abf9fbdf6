import XMPP

/// Someone who answers chats: a bare JID with skills, a capacity and a role.
public struct Agent: Sendable, Hashable {
    /// What an agent may do beyond answering chats.
    public enum Role: String, Sendable, Hashable, CaseIterable {
        case agent
        /// Also monitors chats, whispers to agents and sees every queue and agent.
        case supervisor
    }

    /// Always bare: the agent may be signed in from several clients.
    public var jid: JID
    /// Shown to visitors instead of the JID.
    public var name: String
    /// Skill name → level, 1 to 10.
    public var skills: [String: Int]
    /// Chats the agent may have active at once.
    public var maxChats: Int
    public var role: Role

    public static let skillLevels = 1...10
    public static let defaultMaxChats = 3

    public init(jid: JID, name: String? = nil, skills: [String: Int] = [:], maxChats: Int = defaultMaxChats, role: Role = .agent) {
        self.jid = jid.bare
        self.name = name ?? jid.local ?? jid.domain
        self.skills = skills
        self.maxChats = maxChats
        self.role = role
    }

    /// Whether the agent has every one of `skills`, at any level.
    public func hasSkills(_ skills: some Sequence<String>) -> Bool {
        skills.allSatisfy { self.skills[$0] != nil }
    }
}
