import XMPP
import Yams

extension WorkflowReader {
    /// The agents, and the name of every skill any agent lists — also agents with other problems, so
    /// that one typo does not make every queue needing that skill a problem too. The skills are nil
    /// when `agents` is not even a list: then no queue can be judged by them.
    func agents(_ node: Node, serviceDomain: String) -> (agents: [Agent], skills: Set<String>?) {
        guard let items = list(node, "agents") else { return ([], nil) }
        var agents: [Agent] = []
        var skills: Set<String> = []
        var firstLine: [JID: Int] = [:]
        for item in items {
            guard let fields = fields(item, "an agent", allowed: WorkflowKeys.agent) else { continue }
            let skillFields = fields["skills"].flatMap { self.fields($0, "skills") }
            skills.formUnion(skillFields?.entries.map(\.key) ?? [])
            let levels = skillFields.map(skillLevels) ?? [:]
            let name = fields["name"].flatMap { displayName($0, "name") }
            let maxChats = fields["max_chats"].flatMap { int($0, "max_chats", in: 1...100) }
            let role = fields["role"].flatMap { choice($0, "role", of: Agent.Role.self) }
            guard let jidNode = required(fields, "jid", in: "an agent"), let jid = agentJID(jidNode, serviceDomain: serviceDomain) else {
                continue
            }
            if let line = firstLine[jid] {
                note("the agent \(jid) is listed twice (first on line \(line))", at: jidNode)
                continue
            }
            firstLine[jid] = jidNode.mark?.line ?? 0
            // A value with a problem was noted; the agent is still read, so later checks see it.
            agents.append(Agent(
                jid: jid, name: name, skills: levels, maxChats: maxChats ?? Agent.defaultMaxChats, role: role ?? .agent))
        }
        return (agents, skills)
    }

    private func agentJID(_ node: Node, serviceDomain: String) -> JID? {
        value(node, "jid") { text throws(WorkflowValueError) in
            let jid: JID
            do { jid = try JID(text) } catch { throw WorkflowValueError("'\(text)' is not a valid JID: \(error)") }
            guard jid.isBare else {
                throw WorkflowValueError("'\(text)' has a resource; an agent is a bare JID such as \(jid.bare)")
            }
            guard jid.local != nil else { throw WorkflowValueError("'\(text)' has no local part (like alice@\(jid.domain))") }
            // The service domain is the router's own: its addresses are queues and chats.
            guard jid.domain != serviceDomain else {
                throw WorkflowValueError("'\(text)' is on the service domain \(serviceDomain); agents sign in to the XMPP server as users")
            }
            return jid
        }
    }

    private func skillLevels(_ fields: Fields) -> [String: Int] {
        var levels: [String: Int] = [:]
        for entry in fields.entries {
            do {
                try Self.checkName(entry.key)
            } catch {
                note("skill \(error.reason)", at: entry.keyNode)
                continue
            }
            guard !entry.value.isNull else {
                note("the skill '\(entry.key)' needs a level from \(Agent.skillLevels.lowerBound) to \(Agent.skillLevels.upperBound)", at: entry.keyNode)
                continue
            }
            levels[entry.key] = int(entry.value, entry.key, in: Agent.skillLevels)
        }
        return levels
    }
}
