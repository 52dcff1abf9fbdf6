import AgentProtocol
import Foundation
import XMPP

/// Where a command's outcome goes: back as messages and stanza errors, or into the result of
/// an ad-hoc command (XEP-0050).
struct Responder: Sendable {
    /// Text for the agent (nil: none), and what it means to consoles.
    let answer: @Sendable (String?, AgentEvent?) -> Void
    let refuse: @Sendable (StanzaError) -> Void

    func say(_ text: String, _ event: AgentEvent? = nil) { answer(text, event) }
    /// What happened, with nothing to read: consoles only.
    func mark(_ event: AgentEvent) { answer(nil, event) }
}

extension Router {
    /// An agent writes to a chat's address: a command, or text for the visitor.
    func agentMessage(_ message: Message, chat: String, rules: RoutingRules) async throws {
        guard let from = message.from, let agent = rules.agents[from.bare.description] else {
            reply(to: .message(message), StanzaError(.forbidden, text: "Only agents may write to chat addresses."))
            return
        }
        let respond = Responder(
            answer: { text, event in
                if let text { self.tellAgent(agent.jid, chat: chat, text, event: event?.kind, rules: rules) }
            },
            refuse: { self.reply(to: .message(message), $0) })
        if let body = message.body, let command = AgentCommand(body) {
            try await chatCommand(command, chat: chat, agent: agent, respond: respond, rules: rules)
        } else if let body = message.body {
            try await say(body, chat: chat, agent: agent, message: message, respond: respond, rules: rules)
        } else if let state = message.chatState {
            // Typing goes to the visitor; an agent's chat states never close anything.
            guard let fields = try await store.chat(chat), fields["agent"] == agent.jid, fields["state"] == "active",
                let visitor = fields["visitor"], let queue = fields["queue"]
            else { return }
            tellVisitor(visitor, queue: queue, nil, state: state, rules: rules)
        }
    }

    /// Keeps the agent's text in the transcript and passes it to the visitor. `message`, when the
    /// text came as one, gives the id that de-duplicates it, and is confirmed (XEP-0184).
    @discardableResult
    private func say(
        _ text: String, chat: String, agent: RoutingRules.Agent, message: Message?, respond: Responder, rules: RoutingRules
    ) async throws -> Recorded.Status {
        let recorded = try await store.record(chat: chat, .agent, from: agent.jid, text: text, messageID: message?.id)
        if recorded.status != .notHolder, let message { acknowledge(message) }
        switch recorded.status {
        case .stored:
            tellVisitor(recorded.visitor, queue: recorded.queue, text, nick: agent.name, state: message?.chatState ?? .active,
                        as: .message, rules: rules)
            for supervisor in recorded.monitors { tellAgent(supervisor, chat: chat, "[\(agent.name)] \(text)", rules: rules) }
        case .notHolder:
            respond.refuse(StanzaError(.forbidden, text: "This chat is not yours, or not accepted yet."))
        case .duplicate where recorded.visitor.isEmpty:
            respond.say("This chat is closed.")
        case .duplicate:
            break
        }
        return recorded.status
    }

    /// Runs a command on a chat, for its agent (or a supervisor's service commands).
    func chatCommand(_ command: AgentCommand, chat: String, agent: RoutingRules.Agent, respond: Responder, rules: RoutingRules)
        async throws
    {
        let tell = { (text: String) in respond.say(text) }
        switch command {
        case .accept:
            switch try await store.accept(chat: chat, agent: agent.jid) {
            case .done:
                respond.say("Accepted. You are chatting with the visitor now.", AgentEvent(.accepted, chat: chat))
                if let fields = try await store.chat(chat) { tellAssigned(chat: fields, agent: agent.jid, rules: rules) }
            case .refused("not-yours"):
                respond.refuse(StanzaError(.forbidden, text: "This chat was not offered to you."))
            case .refused(let state):
                tell("This chat cannot be accepted: it is \(state).")
            }
        case .decline:
            guard try await store.decline(chat: chat, agent: agent.jid, missedLimit: rules.settings.missedOffersLimit).succeeded else {
                respond.refuse(StanzaError(.forbidden, text: "No offer of this chat stands for you."))
                return
            }
            tell("Declined.")
            await routeWaitingChats()
        case .close:
            let fields = try await store.chat(chat)
            guard try await store.close(chat: chat, by: .agent, agent: agent.jid).succeeded else {
                respond.refuse(StanzaError(.forbidden, text: "This chat is not yours to close."))
                return
            }
            respond.say("Closed.", AgentEvent(.closed, chat: chat))
            if let fields, let visitor = fields["visitor"], let queue = fields["queue"] {
                tellVisitor(visitor, queue: queue, goodbye(fields, rules: rules), state: .gone, as: .closed, rules: rules)
            }
            await routeWaitingChats()
        case .transfer(let target):
            try await transfer(chat: chat, to: target, agent: agent, respond: respond, rules: rules)
        case .note(let text):
            let recorded = try await store.record(chat: chat, .note, from: agent.jid, text: text)
            if recorded.status == .stored { respond.say("Noted.", AgentEvent(.noted, chat: chat)) } else {
                respond.refuse(StanzaError(.forbidden, text: "This chat is not yours."))
            }
        case .canned(let key):
            guard let template = rules.canned[key] else {
                tell("No canned reply called \(key). Known: \(rules.canned.keys.sorted().joined(separator: ", ")).")
                return
            }
            let fields = try await store.chat(chat) ?? [:]
            let text = template.filling([
                "agent": agent.name, "visitor": fields["name"] ?? "", "queue": fields["queue"].flatMap { rules.queue($0)?.title } ?? "",
            ])
            if try await say(text, chat: chat, agent: agent, message: nil, respond: respond, rules: rules) == .stored {
                respond.mark(AgentEvent(.replied, chat: chat))
            }
        case .who:
            guard let fields = try await store.chat(chat), fields["agent"] == agent.jid else {
                respond.refuse(StanzaError(.forbidden, text: "This chat is not yours."))
                return
            }
            tell("Visitor \(fields["name"] ?? "?") (\(fields["visitor"] ?? "?")), queue \(fields["queue"] ?? "?"), "
                + "via \(fields["channel"] ?? "?"), chat \(fields["state"] ?? "?").")
        case .status, .queues, .agents, .help, .unknown, .monitor, .whisper:
            try await serviceCommand(command, agent: agent, respond: respond, rules: rules)
        }
    }

    private func transfer(chat: String, to target: String, agent: RoutingRules.Agent, respond: Responder, rules: RoutingRules) async throws {
        let destination: TransferTarget
        if let queue = rules.queue(target) {
            destination = .queue(queue.name)
        } else if let other = (try? JID(target)).flatMap({ rules.agents[$0.bare.description] }) {
            let offer = try await store.chat(chat)?["queue"].flatMap { rules.queue($0)?.plan.offerTimeout }
            destination = .agent(jid: other.jid, capacity: other.capacity, offerTimeout: offer)
        } else {
            respond.say("No queue or agent called \(target). Queues: \(rules.queues.map(\.name).joined(separator: ", ")).")
            return
        }
        switch try await store.transfer(chat: chat, from: agent.jid, to: destination) {
        case .done(let state):
            respond.say("Transferred to \(target).", AgentEvent(.transferred, chat: chat))
            guard let fields = try await store.chat(chat), let visitor = fields["visitor"], let queue = fields["queue"] else { return }
            tellVisitor(visitor, queue: queue, "You are being transferred; please hold on.", rules: rules)
            if case .agent(let jid, _, _) = destination {
                try await announce(Assignment(chat: chat, agent: jid, queue: queue, state: ChatStatus(rawValue: state) ?? .active), rules: rules)
            }
            await routeWaitingChats()
        case .refused("busy"):
            respond.say("\(target) cannot take it now (unavailable or full).")
        case .refused:
            respond.refuse(StanzaError(.forbidden, text: "This chat is not yours to transfer."))
        }
    }

    /// An agent writes to the service domain itself: commands about themselves and the queues.
    func serviceCommand(_ message: Message, rules: RoutingRules) async throws {
        guard let from = message.from, let agent = rules.agents[from.bare.description], let body = message.body else { return }
        let respond = Responder(
            answer: { text, event in if let text { self.tellFromService(from.bare, text, event: event, rules: rules) } },
            refuse: { self.reply(to: .message(message), $0) })
        try await serviceCommand(AgentCommand(body) ?? .help, agent: agent, respond: respond, rules: rules)
    }

    func serviceCommand(
        _ command: AgentCommand, agent: RoutingRules.Agent, respond: Responder, rules: RoutingRules
    ) async throws {
        let reply = { (text: String) in respond.say(text) }
        switch command {
        case .status:
            let status = try await store.agentStatus(agent.jid)
            reply("You are \(status.presence.rawValue) with \(status.chats.count) of \(agent.capacity) chats"
                + (status.chats.isEmpty ? "." : ": " + status.chats.sorted().map(ChatAddress.name(ofChat:)).joined(separator: ", ") + "."))
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
                respond.say(
                    "Monitoring \(ChatAddress.name(ofChat: chat))" + (holder.isEmpty ? " (waiting for an agent)." : " (\(rules.agents[holder]?.name ?? holder)).")
                    , AgentEvent(.monitoring, chat: chat))
                let lines = try await store.transcript(chat).map { "[\($0.kind.rawValue)] \($0.from): \($0.text)" }
                if !lines.isEmpty { tellAgent(agent.jid, chat: chat, lines.joined(separator: "\n"), rules: rules) }
            case .refused(let state):
                reply("There is no open \(ChatAddress.name(ofChat: chat)) (\(state)).")
            }
        case .whisper(let chat, let text) where agent.isSupervisor:
            guard let holder = try await store.chat(chat)?["agent"], !holder.isEmpty,
                try await store.record(chat: chat, .whisper, from: agent.jid, text: text).status == .stored
            else {
                reply("\(ChatAddress.name(ofChat: chat)) has no agent to whisper to.")
                return
            }
            tellAgent(holder, chat: chat, "[whisper from \(agent.name)] \(text)", event: .whisper, rules: rules)
            reply("Whispered to \(rules.agents[holder]?.name ?? holder).")
        case .agents, .monitor, .whisper:
            reply("Only supervisors may do that.")
        case .unknown(let verb):
            reply("Unknown command /\(verb). \(AgentCommand.usage)")
        default:
            reply(AgentCommand.usage)
        }
    }

    /// Presence to the service domain: agents' availability, and roster subscriptions.
    func presenceChanged(_ presence: Presence, rules: RoutingRules) async throws {
        guard let from = presence.from, let to = presence.to, to.domain == rules.domain, to.local == nil else { return }
        let service = try? JID(domain: rules.domain)
        guard let agent = rules.agents[from.bare.description] else {
            if presence.type == .subscribe { component.send(Presence(to: from.bare, from: service, type: .unsubscribed)) }
            return
        }
        let next: AgentPresence
        switch presence.type {
        case .subscribe:
            // Accept, and ask for theirs: an ordinary client then keeps us told of every change.
            component.send(Presence(to: from.bare, from: service, type: .subscribed))
            component.send(Presence(to: from.bare, from: service, type: .subscribe))
            component.send(Presence(to: from.bare, from: service))
            return
        case .probe:
            component.send(Presence(to: from, from: service))
            return
        case .available:
            next = switch presence.show {
            case nil, .chat: .available
            case .away: .away
            case .dnd: .dnd
            case .xa: .xa
            }
        case .unavailable:
            next = .offline
        case .subscribed, .unsubscribe, .unsubscribed, .error:
            return
        }
        guard try await store.setPresence(agent: agent.jid, next, grace: rules.settings.gracePeriod) else { return }
        if next == .offline { wakeTimers() }
        logger.info("agent presence", metadata: ["agent": "\(agent.jid)", "presence": "\(next.rawValue)"])
        if next == .available { await routeWaitingChats() }
    }
}
