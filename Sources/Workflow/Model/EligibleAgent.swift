/// An agent who can serve a queue, with their levels in the skills it requires.
public struct EligibleAgent: Sendable, Hashable {
    public let agent: Agent
    /// Level in each required skill.
    public let levels: [String: Int]

    /// What `skills-weighted` routing ranks by.
    public var totalLevel: Int { levels.values.reduce(0, +) }
}

extension Workflow {
    /// The agents who have every skill `queue` still requires after `steps` overflow steps, in the
    /// order of the workflow; presence and capacity are the router's to judge.
    public func eligibleAgents(for queue: Queue, afterOverflowSteps steps: Int = 0) -> [EligibleAgent] {
        let required = queue.requiredSkills(afterOverflowSteps: steps)
        return agents.compactMap { agent in
            guard agent.hasSkills(required) else { return nil }
            let levels = Dictionary(uniqueKeysWithValues: required.map { ($0, agent.skills[$0]!) })
            return EligibleAgent(agent: agent, levels: levels)
        }
    }
}
