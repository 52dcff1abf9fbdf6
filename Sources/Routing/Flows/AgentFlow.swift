import AgentProtocol
import Foundation
import Logging
import Workflow
import XMPP

/// An agent's side of a chat, written to the chat's own address: text for the visitor, typing,
/// and the commands on the chat (accept, decline, close, transfer, note, canned, who).
struct AgentFlow: Sendable {
    let store: RoutingStore
    let outbox: Outbox
    let pass: RoutingPass
    let supervisor: SupervisorFlow

    /// An agent writes to a chat's address: a command, or text for the visitor.
    func message(_ message: Message, chat: String, rules: RoutingRules) async throws {
        guard let from = message.from, let agent = rules.agents[from.bare.description] else {
            outbox.reply(to: .message(message), StanzaError(.forbidden, text: "Only agents may write to chat addresses."))
            return
        }
        let respond = Responder(
            answer: { text, detail in
                if let text { outbox.tellAgent(agent.jid, chat: chat, text, detail: detail, rules: rules) }
            },
            refuse: { outbox.reply(to: .message(message), $0) })
        let relay = MessageRelay(store: store, outbox: outbox)
        if message.isEncrypted {
            respond.say(MessageRelay.encryptedFromAgent)
        } else if message.body == nil, let marker = message.chatMarker {
            try await relay.agentMarked(marker, chat: chat, agent: agent.jid, rules: rules)
        } else if let body = message.body, let command = AgentCommand(body) {
            // Read first: a transfer hands the chat on, yet the visitor saw this agent typing.
            let before = command.clearsTyping ? try await store.chatRecord(chat) : nil
            try await run(command, chat: chat, agent: agent, respond: respond, rules: rules)
            if let before, before.activeAgent == agent.jid, let visitor = before.visitor {
                // The client said `composing` while the agent typed the command, which no
                // visitor sees; that state came first and cannot be held back, so it is cleared
                // now, or the visitor would see the agent typing for ever.
                outbox.tellVisitor(visitor, from: before.address, nil, state: .active, rules: rules)
            }
        } else if let body = message.body {
            try await say(body, chat: chat, agent: agent, message: message, respond: respond, rules: rules)
        } else if let state = message.chatState {
            // Typing goes to the visitor; an agent's chat states never close anything. `gone`
            // (a client closing its window) is not the agent leaving: the visitor sees `inactive`.
            guard let record = try await store.chatRecord(chat), record.agent == agent.jid, record.state == .active,
                let visitor = record.visitor
            else { return }
            outbox.tellVisitor(visitor, from: record.address, nil, state: state == .gone ? .inactive : state, rules: rules)
        }
    }

    /// Keeps the agent's text in the transcript and passes it to the visitor. `message`, when the
    /// text came as one, gives the id that de-duplicates it, and is confirmed (XEP-0184).
    @discardableResult
    private func say(
        _ text: String, chat: String, agent: RoutingRules.Agent, message: Message?, canned: Bool = false, respond: Responder,
        rules: RoutingRules
    ) async throws -> Recorded.Status {
        // Redacted before it is kept or passed on, like the visitor's lines.
        let redaction = rules.redactor.redact(text)
        let text = redaction.text
        let detail = if let message {
            try await MessageRelay(store: store, outbox: outbox).detail(for: message, side: .agent, chat: chat)
        } else {
            RelayDetail(id: RelayDetail.newID())
        }
        let recorded = try await store.record(
            chat: chat, .agent, from: agent.jid, text: text, messageID: message?.id, canned: canned, relay: detail)
        if recorded.status != .notHolder, let message { outbox.acknowledge(message) }
        switch recorded.status {
        case .stored:
            // The agent's chat state as their client sent it: `<active/>` added to every line of a
            // client that sends none was ~55 bytes a line for Prosody to carry (issue 16). A
            // command's `composing` is cleared where the command is taken; a canned reply has no
            // message of its own and says `active` as a line typed would.
            let lineState: ChatState? = message == nil ? .active : message?.chatState
            outbox.tellVisitor(recorded.visitor, from: recorded.address, text, nick: agent.name, state: lineState, as: .message,
                               relay: detail, rules: rules)
            for supervisor in recorded.monitors { outbox.tellAgent(supervisor, chat: chat, "[\(agent.name)] \(text)", asNotice: false, rules: rules) }
            if redaction.changed, try await store.markRedactionTold(chat) {
                outbox.tellVisitor(recorded.visitor, from: recorded.address, redaction.visitorNotice, rules: rules)
            }
        case .notHolder:
            respond.refuse(StanzaError(.forbidden, text: "This chat is not yours, or not accepted yet."))
        case .duplicate where recorded.visitor.isEmpty:
            respond.decline("This chat is closed.")
        case .duplicate:
            break
        }
        return recorded.status
    }

    /// Runs a command on a chat, for its agent (or a supervisor's service commands).
    func run(_ command: AgentCommand, chat: String, agent: RoutingRules.Agent, respond: Responder, rules: RoutingRules)
        async throws
    {
        switch command {
        case .accept:
            let replyTimeout = try await store.chatRecord(chat)?.queue.flatMap { rules.queue($0)?.plan.replyTimeout }
            switch try await store.accept(chat: chat, agent: agent.jid, replyTimeout: replyTimeout) {
            case .done:
                respond.say("Accepted. You are chatting with the visitor now.", AgentEvent(.accepted, chat: chat))
                // What the visitor wrote while the offer stood, after the history the offer carried;
                // a line the visitor writes meanwhile is left to this claim and goes after these.
                let record = try await store.chatRecord(chat)
                _ = try await pass.lines.pass(
                    try await store.claimUnsent(chat), chat: chat, agent: agent.jid, nick: record?.name ?? "visitor", rules: rules)
                if let record { pass.tellAssigned(record, agent: agent.jid, rules: rules) }
            case .refused("not-yours"):
                respond.refuse(StanzaError(.forbidden, text: "This chat was not offered to you."))
            case .refused(let state):
                respond.decline("This chat cannot be accepted: it is \(state).")
            }
        case .decline:
            guard try await store.decline(chat: chat, agent: agent.jid, missedLimit: rules.settings.missedOffersLimit).succeeded else {
                respond.refuse(StanzaError(.forbidden, text: "No offer of this chat stands for you."))
                return
            }
            respond.say("Declined.")
            leaves(chat, agent: agent.jid, rules: rules)
            await pass.run()
        case .close:
            let record = try await store.chatRecord(chat)
            let csat = record?.queue.flatMap { rules.queue($0)?.csatWindow }
            let outcome = try await store.close(chat: chat, by: .agent, agent: agent.jid, csatWindow: csat)
            guard outcome.succeeded else {
                respond.refuse(StanzaError(.forbidden, text: "This chat is not yours to close."))
                return
            }
            respond.say("Closed.", AgentEvent(.closed, chat: chat))
            leaves(chat, agent: agent.jid, rules: rules)
            if let record { VisitorFlow.sayGoodbye(record, closed: outcome, state: .gone, outbox: outbox, rules: rules) }
            await pass.run()
        case .transfer(let target):
            try await transfer(chat: chat, to: target, agent: agent, respond: respond, rules: rules)
        case .note(let text):
            let recorded = try await store.record(chat: chat, .note, from: agent.jid, text: rules.redactor.redact(text).text)
            if recorded.status == .stored { respond.say("Noted.", AgentEvent(.noted, chat: chat)) } else {
                respond.refuse(StanzaError(.forbidden, text: "This chat is not yours."))
            }
        case .canned(let key):
            guard let template = rules.canned[key] else {
                respond.decline("No canned reply called \(key). Known: \(rules.canned.keys.sorted().joined(separator: ", ")).")
                return
            }
            let record = try await store.chatRecord(chat)
            let text = template.render(TemplateValues(
                queue: record?.queue.flatMap { rules.queue($0)?.title } ?? "", agent: agent.name, visitor: record?.name ?? ""))
            if try await say(text, chat: chat, agent: agent, message: nil, canned: true, respond: respond, rules: rules) == .stored {
                // A stock client shows nothing of what went out unless told.
                respond.say("Sent: \(text)", AgentEvent(.replied, chat: chat))
            }
        case .who:
            guard let record = try await store.chatRecord(chat), record.agent == agent.jid else {
                respond.refuse(StanzaError(.forbidden, text: "This chat is not yours."))
                return
            }
            respond.say("Visitor \(record.name ?? "?") (\(record.visitor ?? "?")), queue \(record.queue ?? "?"), "
                + "via \(record.channelName ?? "?"), chat \(record.stateName ?? "?").")
        case .status, .queues, .agents, .help, .unknown, .monitor, .whisper:
            try await supervisor.run(command, agent: agent, respond: respond, rules: rules)
        }
    }

    private func transfer(chat: String, to text: String, agent: RoutingRules.Agent, respond: Responder, rules: RoutingRules) async throws {
        let request: TransferRequest
        switch TransferRequest.parse(text, rules: rules, from: agent.jid) {
        case .success(let parsed): request = parsed
        case .failure(.ambiguous(let jids)):
            respond.decline("More than one agent is called \(text); name one by address: \(jids.joined(separator: ", ")).")
            return
        case .failure(.unknown):
            let others = rules.agents.values.filter { $0.jid != agent.jid }.sorted { $0.jid < $1.jid }.map { "\($0.name) (\($0.jid))" }
            respond.decline("No queue or agent called \(text). Queues: \(rules.queues.map(\.name).joined(separator: ", ")). "
                + "Agents: \(others.isEmpty ? "none" : others.joined(separator: ", ")).")
            return
        }
        let destination: TransferTarget
        let target = request.named
        var busy = target
        switch request.target {
        case .queue(let queue):
            destination = .queue(queue)
        case .agent(let jid):
            guard let other = rules.agents[jid] else { return }
            let offer = try await store.chatRecord(chat)?.queue.flatMap { rules.queue($0)?.plan.offerTimeout }
            destination = .agent(jid: other.jid, capacity: other.capacity, offerTimeout: offer)
            busy = other.name
        }
        if !request.note.isEmpty {
            // Kept as the agent's note before the chat leaves them: the next agent sees it with
            // the history and in the offer ("Alice's note: …"), and it stays in the transcript.
            let note = rules.redactor.redact(request.note).text
            guard try await store.record(chat: chat, .note, from: agent.jid, text: note).status == .stored else {
                respond.refuse(StanzaError(.forbidden, text: "This chat is not yours to transfer."))
                return
            }
        }
        // In a queue the chat waits by that queue's overflow steps, counted from now.
        let steps = if case .queue(let queue) = request.target { rules.queue(queue)?.overflow.map(\.after) ?? [] } else { [Duration]() }
        let replyTimeout = try await store.chatRecord(chat)?.queue.flatMap { rules.queue($0)?.plan.replyTimeout }
        switch try await store.transfer(chat: chat, from: agent.jid, to: destination, overflowDelays: steps, replyTimeout: replyTimeout) {
        case .done(let state):
            respond.say("Transferred to \(target).", AgentEvent(.transferred, chat: chat))
            leaves(chat, agent: agent.jid, rules: rules)
            guard let record = try await store.chatRecord(chat), let visitor = record.visitor, let queue = record.queue else { return }
            outbox.tellVisitor(visitor, from: record.address, "You are being transferred; please hold on.", rules: rules)
            if case .agent(let jid, _, _) = destination {
                try await pass.announce(
                    Assignment(chat: chat, agent: jid, queue: queue, state: ChatStatus(rawValue: state) ?? .active), rules: rules)
            }
            await pass.run()
        case .refused("busy"):
            respond.decline("\(busy) cannot take it now (unavailable or full).")
        case .refused:
            respond.refuse(StanzaError(.forbidden, text: "This chat is not yours to transfer."))
        }
    }

    /// The agent took the chat but wrote nothing to the visitor within the queue's `reply_timeout`:
    /// it goes back to the front of its queue for another agent, as a missed offer of theirs
    /// (the script takes the `reply` timer only while it is due and the chat still theirs). The
    /// visitor hears only the next agent's name, when the routing pass after this gives it on.
    func replyTimedOut(chat: String, rules: RoutingRules) async throws {
        guard let record = try await store.chatRecord(chat), let agent = record.activeAgent else {
            try await store.cancelTimer(ChatTimer.reply(chat: chat).member)  // closed or moved on since
            return
        }
        let outcome = try await store.decline(
            chat: chat, agent: agent, timedOut: true, noReply: true, missedLimit: rules.settings.missedOffersLimit, claiming: .reply(chat: chat))
        guard case .done(let result) = outcome else { return }
        let limit = record.queue.flatMap { rules.queue($0)?.plan.replyTimeout }.map { " within \($0.workflowText)" } ?? ""
        outbox.tellAgent(agent, chat: chat, "You did not write to the visitor\(limit); the chat goes to another agent.",
                         event: .offerExpired, rules: rules)
        leaves(chat, agent: agent, rules: rules)
        if result == "away", let jid = try? JID(agent) {
            outbox.tellFromService(jid, "You missed \(rules.settings.missedOffersLimit) chats in a row and were set away. "
                + "Change your status to available to take chats again.", rules: rules)
        }
    }

    /// The chat's address goes offline for an agent it no longer concerns.
    func leaves(_ chat: String, agent: String, rules: RoutingRules) {
        guard let jid = try? JID(agent) else { return }
        outbox.present(.chat(chat), to: jid, type: .unavailable, rules: rules)
    }

    /// An offer was not answered in time: it goes to the next agent, and an agent who missed
    /// too many in a row is set away.
    /// The script takes the offer's timer only while it is due and the chat is offered to
    /// `agent`: a timer read before the chat was offered anew expires nothing, and one read for
    /// another agent's offer stays for the next look (no timer is removed from here).
    func offerExpired(chat: String, rules: RoutingRules) async throws {
        let agent = try await store.chatRecord(chat)?.agent ?? ""
        let outcome = try await store.decline(
            chat: chat, agent: agent, timedOut: true, missedLimit: rules.settings.missedOffersLimit,
            claiming: .offer(chat: chat))
        guard case .done(let result) = outcome else { return }
        outbox.tellAgent(agent, chat: chat, "The offer expired; the chat goes to the next agent.", event: .offerExpired, rules: rules)
        leaves(chat, agent: agent, rules: rules)
        if result == "away", let jid = try? JID(agent) {
            outbox.tellFromService(jid, "You missed \(rules.settings.missedOffersLimit) offers in a row and were set away. "
                + "Change your status to available to take chats again.", rules: rules)
        }
    }
}
