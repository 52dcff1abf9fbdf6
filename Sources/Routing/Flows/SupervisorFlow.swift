import AgentProtocol
import XMPP

/// Commands to the service domain itself: every agent's own status and the queues, and for
/// supervisors the agents' table, watching a chat and whispering to its agent.
struct SupervisorFlow: Sendable {
    let store: RoutingStore
    let outbox: Outbox

    /// An agent writes to the service domain itself: a command, answered from the domain.
    func message(_ message: Message, rules: RoutingRules) async throws {
        guard let from = message.from, let agent = rules.agents[from.bare.description], let body = message.body else { return }
        let respond = Responder(
            answer: { text, detail in if let text { outbox.tellFromService(from.bare, text, detail: detail, rules: rules) } },
            refuse: { outbox.reply(to: .message(message), $0) })
        try await run(AgentCommand(body) ?? .help, agent: agent, respond: respond, rules: rules)
    }

    func run(_ command: AgentCommand, agent: RoutingRules.Agent, respond: Responder, rules: RoutingRules) async throws {
        let reply = { (text: String) in respond.say(text) }
        switch command {
        case .status:
            let status = try await store.agentStatus(agent.jid)
            let chats = status.chats.sorted()
            // Offline here while writing to us: the router never got this client's presence.
            let unseen = status.presence == .offline
                ? " The router does not see your presence: add \(rules.domain) to your roster and allow its subscription "
                    + "(profanity: /roster add \(rules.domain), /sub request \(rules.domain), /sub allow \(rules.domain)), "
                    + "or send it directed presence."
                : ""
            respond.say(
                "You are \(status.presence.rawValue) with \(status.chats.count) of \(agent.capacity) chats"
                    + (chats.isEmpty ? "." : ": " + chats.map(ChatAddress.name(ofChat:)).joined(separator: ", ") + ".") + unseen,
                detail: AgentStatus(presence: status.presence.rawValue, capacity: agent.capacity, chats: chats).element)
        case .queues:
            var lines: [String] = []
            for queue in rules.queues { lines.append("\(queue.name): \(try await store.waiting(queue.name).count) waiting") }
            reply(lines.joined(separator: "\n"))
        case .agents where agent.isSupervisor:
            var lines: [String] = []
            for other in rules.agents.values.sorted(by: { $0.jid < $1.jid }) {
                let status = try await store.agentStatus(other.jid)
                lines.append("\(other.name) (\(other.jid)): \(status.presence.rawValue), \(status.chats.count)/\(other.capacity) chats")
            }
            reply(lines.joined(separator: "\n"))
        case .monitor(let chat) where agent.isSupervisor:
            switch try await store.monitor(chat: chat, supervisor: agent.jid) {
            case .done(let holder):
                let who = holder.isEmpty ? " (waiting for an agent)." : " (\(rules.agents[holder]?.name ?? holder))."
                respond.say("Monitoring \(ChatAddress.name(ofChat: chat))" + who, AgentEvent(.monitoring, chat: chat))
                let lines = try await store.transcript(chat).map { "[\($0.kind.rawValue)] \($0.from): \($0.text)" }
                if !lines.isEmpty { outbox.tellAgent(agent.jid, chat: chat, lines.joined(separator: "\n"), rules: rules) }
            case .refused(let state):
                reply("There is no open \(ChatAddress.name(ofChat: chat)) (\(state)).")
            }
        case .whisper(let chat, let said) where agent.isSupervisor:
            let text = rules.redactor.redact(said).text
            guard let holder = try await store.chatRecord(chat)?.agent,
                try await store.record(chat: chat, .whisper, from: agent.jid, text: text).status == .stored
            else {
                reply("\(ChatAddress.name(ofChat: chat)) has no agent to whisper to.")
                return
            }
            outbox.tellAgent(holder, chat: chat, "[whisper from \(agent.name)] \(text)", event: .whisper, rules: rules)
            reply("Whispered to \(rules.agents[holder]?.name ?? holder).")
        case .agents, .monitor, .whisper:
            reply("Only supervisors may do that.")
        case .unknown(let verb):
            reply("Unknown command /\(verb). \(AgentCommand.usage)")
        default:
            reply(AgentCommand.usage)
        }
    }
}
