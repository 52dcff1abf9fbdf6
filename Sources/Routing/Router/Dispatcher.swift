import AgentProtocol
import XMPP

/// Sends each stanza to the flow its address names: a queue's address is a visitor's, a chat's
/// address an agent's, the service domain agents' commands and presence (or, from anyone else,
/// a visitor of the default queue).
struct Dispatcher: Sendable {
    let outbox: Outbox
    let visitors: VisitorFlow
    let agents: AgentFlow
    let supervisor: SupervisorFlow
    let presence: PresenceFlow
    let commands: CommandServer

    func dispatch(_ stanza: Stanza, rules: RoutingRules) async throws {
        switch stanza {
        case .message(let message):
            guard message.type != .error, let to = message.to, let address = ChatAddress(to, domain: rules.domain) else { return }
            switch address {
            case .chat(let chat):
                try await agents.message(message, chat: chat, rules: rules)
            case .queue(let name):
                guard let queue = rules.queue(name) else {
                    outbox.reply(to: stanza, StanzaError(.itemNotFound, text: "There is no queue called \(name)."))
                    return
                }
                try await visitors.message(message, queue: queue, rules: rules)
            case .service:
                if let from = message.from, rules.agents[from.bare.description] != nil {
                    try await supervisor.message(message, rules: rules)
                } else if let queue = rules.queue(rules.defaultQueue) {
                    try await visitors.message(message, queue: queue, rules: rules)
                }
            }
        case .presence(let presence):
            try await self.presence.changed(presence, rules: rules)
        case .iq(let iq):
            guard let to = iq.to else { return }
            try await commands.answer(iq, address: ChatAddress(local: to.local), rules: rules)
        }
    }
}
