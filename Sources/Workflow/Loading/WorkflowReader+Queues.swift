import AgentProtocol
import Foundation
import Yams

extension WorkflowReader {
    /// What a queue is checked against: the skills agents have and the names of all queues.
    struct QueueContext {
        /// Nil when the agents could not be read: then skills are not checked against them.
        let agentSkills: Set<String>?
        /// Every queue's name as written, also of queues with problems, for `move_to`.
        let queueNames: Set<String>
    }

    /// The raw values of `accept`; `offer_timeout` completes `manual`.
    private enum AcceptChoice: String, CaseIterable { case auto, manual }

    func queues(_ node: Node, agentSkills: Set<String>?) -> [Queue] {
        guard let items = list(node, "queues") else { return [] }
        let names = items.compactMap { item -> String? in
            guard case .mapping(let mapping) = item, case .scalar(let name)? = mapping["name"] else { return nil }
            return try? EnvironmentSubstitution.substitute(name.string, environment: environment)
        }
        let context = QueueContext(agentSkills: agentSkills, queueNames: Set(names))
        var queues: [Queue] = []
        var firstLine: [String: Int] = [:]
        var firstDefault: Int?
        for item in items {
            guard let fields = fields(item, "a queue", allowed: WorkflowKeys.queue) else { continue }
            let nameNode = required(fields, "name", in: "a queue")
            var name = nameNode.flatMap(queueName)
            if let nameNode, let known = name, let line = firstLine[known] {
                note("the queue '\(known)' is defined twice (first on line \(line))", at: nameNode)
                name = nil
            }
            // A queue without a usable name is still read, for the problems in the rest of it.
            var queue = self.queue(named: name ?? "", fields, context)
            if queue.isDefault, let defaultNode = fields["default"] {
                if let line = firstDefault {
                    note("two default queues: this one and the one on line \(line); only one may have default: true", at: defaultNode)
                    queue.isDefault = false
                } else {
                    firstDefault = defaultNode.mark?.line ?? 0
                }
            }
            if let name, let nameNode {
                firstLine[name] = nameNode.mark?.line ?? 0
                queues.append(queue)
            }
        }
        return queues
    }

    private func queueName(_ node: Node) -> String? {
        guard let name = name(node, "name") else { return nil }
        // chat-ID@DOMAIN addresses each chat on the agent side.
        guard !ChatAddress.isChatName(name) else {
            note("name: queue names starting with 'chat-' are kept for chat addresses (chat-ID@domain)", at: node)
            return nil
        }
        return name
    }

    /// A queue with each value that is given and valid; what is wrong was noted.
    private func queue(named name: String, _ fields: Fields, _ context: QueueContext) -> Queue {
        var queue = Queue(name: name)
        if let node = fields["title"] { queue.title = displayName(node, "title") ?? name }
        if let node = fields["avatar"] {
            // Relative to the workflow file, as a person writing it next to its images expects.
            let folder = (file as NSString).deletingLastPathComponent
            queue.avatar = value(node, "avatar") { path throws(WorkflowValueError) in try QueueAvatar.load(path, relativeTo: folder) }
        }
        if let node = fields["default"] { queue.isDefault = bool(node, "default") ?? false }
        if let node = fields["skills"] { queue.skills = requiredSkills(node, context) }
        if let node = fields["priority"] { queue.priority = int(node, "priority", in: -1000...1000) ?? 0 }
        if let node = fields["strategy"] { queue.strategy = choice(node, "strategy") ?? .longestIdle }
        queue.accept = acceptMode(fields)
        if let node = fields["sla"] { queue.sla = duration(node, "sla") ?? Queue.defaultSLA }
        if let node = fields["overflow"] { queue.overflow = overflowSteps(node, of: queue, context) }
        if let node = fields["messages"] { queue.messages = messages(node) }
        if let node = fields["when_no_agents"] { queue.whenNoAgents = choice(node, "when_no_agents") ?? .queue }
        // The built-in no_agents says the chat stays in line: not true of a queue that closes it.
        if queue.whenNoAgents == .close, queue.messages.noAgents == QueueMessages().noAgents {
            queue.messages.noAgents = MessageTemplate(builtIn: QueueMessages.noAgentsClosingText)
        }
        if let node = fields["hours"] { queue.hours = businessHours(node) }
        if let node = fields["web_form"] { queue.webForm = webForm(node) }
        waits(fields, into: &queue)
        if let node = fields["when_closed"] {
            queue.whenClosed = choice(node, "when_closed") ?? .close
            if !fields.has("hours") { note("when_closed applies only to a queue with hours", at: fields.entry("when_closed")!.keyNode) }
        }
        return queue
    }

    /// Ratings and the limits on waiting: `csat`, `csat_window`, `max_wait`, `reply_timeout`.
    private func waits(_ fields: Fields, into queue: inout Queue) {
        // nil when `csat` is given but is not a boolean: that was noted, and says nothing about the window.
        let asked = fields["csat"].map { bool($0, "csat") } ?? false
        queue.csat = asked ?? false
        if let node = fields["csat_window"] {
            queue.csatWindow = duration(node, "csat_window", in: Queue.csatWindowRange) ?? Queue.defaultCSATWindow
            // A window with no question asked is a misunderstanding worth saying.
            if asked == false { note("csat_window applies only with csat: true", at: fields.entry("csat_window")!.keyNode) }
        }
        if let node = fields["max_wait"] { queue.maxWait = duration(node, "max_wait", in: Queue.maxWaitRange) }
        if let node = fields["reply_timeout"] { queue.replyTimeout = duration(node, "reply_timeout", in: Queue.replyTimeoutRange) }
        if let node = fields["bot"] { queue.bot = bot(node) }
    }

    private func webForm(_ node: Node) -> [VisitorDetail] {
        guard let items = list(node, "web_form") else { return [] }
        var details: [VisitorDetail] = []
        for item in items {
            guard let detail = choice(item, "web_form", of: VisitorDetail.self) else { continue }
            if details.contains(detail) { note("'\(detail.rawValue)' is listed twice", at: item) } else { details.append(detail) }
        }
        return details
    }

    private func requiredSkills(_ node: Node, _ context: QueueContext) -> [String] {
        guard let items = list(node, "skills") else { return [] }
        var skills: [String] = []
        for item in items {
            guard let skill = name(item, "skill") else { continue }
            guard !skills.contains(skill) else {
                note("the skill '\(skill)' is listed twice", at: item)
                continue
            }
            if let agentSkills = context.agentSkills, !agentSkills.contains(skill) {
                let guess = Suggestion.closest(to: skill, among: agentSkills).map { "; did you mean '\($0)'?" } ?? ""
                note("no agent has the skill '\(skill)'\(guess)", at: item)
            }
            skills.append(skill)
        }
        return skills
    }

    private func acceptMode(_ fields: Fields) -> AcceptMode {
        // nil when `accept` is given but is not a choice: that was noted, and says nothing about timeouts.
        let choice = fields["accept"].map { self.choice($0, "accept", of: AcceptChoice.self) } ?? .auto
        let timeout = fields["offer_timeout"].flatMap { duration($0, "offer_timeout") }
        if choice == .auto, fields.has("offer_timeout") {
            // An auto-accepted chat is never offered, so a timeout there is a misunderstanding worth saying.
            note("offer_timeout applies only with accept: manual", at: fields.entry("offer_timeout")!.keyNode)
        }
        return choice == .manual ? .manual(offerTimeout: timeout ?? AcceptMode.defaultOfferTimeout) : .auto
    }

    private func messages(_ node: Node) -> QueueMessages {
        var messages = QueueMessages()
        let kinds = QueueMessages.Kind.allCases
        guard let fields = fields(node, "messages", allowed: WorkflowKeys.messages) else { return messages }
        for kind in kinds {
            if let node = fields[kind.rawValue], let template = template(node, kind.rawValue, allowing: kind.placeholders) {
                messages[kind] = template
            }
        }
        return messages
    }
}
