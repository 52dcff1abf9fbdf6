import AgentProtocol
import Foundation
import Logging
import Redis
import Workflow
import XMPP

/// A visitor's side of a chat, whatever channel they came by: their text kept and passed on,
/// the welcome and their place in line, typing, `gone`, and ending the chat.
struct VisitorFlow: Sendable {
    let store: RoutingStore
    let outbox: Outbox
    let pass: RoutingPass
    let alarm: TimerAlarm
    let flood: FloodLimiter
    let logger: Logger
    /// Asks queues' bots (`VisitorFlow+Bot`).
    var bots = BotCaller()

    /// A visitor writes to a queue by XMPP: open or find their chat, keep the message, pass it on.
    func message(_ message: Message, queue: RoutingRules.Queue, rules: RoutingRules) async throws {
        guard let from = message.from else { return }
        let visitor = from.bare.description
        // Replies come from where the visitor wrote: the queue's address or the service domain.
        let address = message.to.flatMap { ChatAddress($0, domain: rules.domain) }?.local ?? ""
        let relay = MessageRelay(store: store, outbox: outbox)
        // Its body is only a fallback text ("I sent you an OMEMO encrypted message…").
        if message.isEncrypted {
            guard flood.allow(visitor) else { return }
            try await relay.visitorEncrypted(visitor: visitor, queue: queue.name, address: address, rules: rules)
            return
        }
        guard let body = message.body else {
            if let marker = message.chatMarker {
                try await relay.visitorMarked(marker, visitor: visitor, queue: queue.name, rules: rules)
            } else if let state = message.chatState {
                try await chatState(state, visitor: visitor, queue: queue.name, rules: rules)
            }
            return
        }
        guard body.utf8.count <= rules.settings.bodyLimit else {
            outbox.reply(to: .message(message), StanzaError(.policyViolation, text: "Messages are limited to \(rules.settings.bodyLimit) bytes."))
            return
        }
        guard flood.allow(visitor) else {
            outbox.reply(to: .message(message), StanzaError(.policyViolation, text: "You are sending messages too fast; please wait a moment."))
            return
        }
        if let rating = Rating(body), try await rates(rating, visitor: visitor, queue: queue, address: address, rules: rules) {
            outbox.acknowledge(message)
            return
        }
        if AgentCommand.mayBeCommand(body), ["/end", "!end"].contains(body.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()) {
            try await ends(visitor, queue: queue, address: address, endID: message.id, rules: rules)
            return
        }
        if AgentCommand.mayBeCommand(body), VisitorTranscript.isRequest(body) {
            try await VisitorTranscript(store: store, outbox: outbox).send(to: visitor, queue: queue.name, address: address, rules: rules)
            outbox.acknowledge(message)
            return
        }
        // Only a correction needs the chat before storing: the line it corrects is looked up there.
        let chat = message.replacesID == nil ? nil : try await store.openChatRecord(queue: queue.name, visitor: visitor)?.id
        let enqueued = try await says(
            body, visitor: visitor, name: from.local ?? visitor, channel: .xmpp, messageID: message.id,
            relay: try await relay.detail(for: message, side: .visitor, chat: chat), state: message.chatState, queue: queue,
            address: address, rules: rules)
        // The receipt says the line is kept and, in an active chat, written to the agent's link:
        // while another sender still holds lines of this chat, none; the client sends it again.
        guard !enqueued.awaitsAnotherSender else { return }
        outbox.acknowledge(message)
    }

    /// A visitor's text, from either channel once its checks passed: open or find their chat,
    /// keep the text (once per `messageID`), pass it on. `name` is what agents see; `greeting`,
    /// if given, is the `{visitor}` of the welcome (and the name on their lines) instead. `relay`:
    /// what the line is passed on with (by default, only an id the router chose). `address` is
    /// where the visitor wrote (`ChatRecord.address`; nil: the queue's).
    func says(
        _ body: String, visitor: String, name: String, greeting: String? = nil, channel: ChatChannel, messageID: String?,
        relay: RelayDetail? = nil, state: ChatState?, queue: RoutingRules.Queue, address: String? = nil, rules: RoutingRules
    ) async throws -> Enqueued {
        // Redacted before anything keeps or passes it on: the transcript, agents, supervisors.
        let redaction = rules.redactor.redact(body)
        let body = redaction.text
        // A chat this opens in the line is routed in the same step, so its offer waits on one round
        // trip; out of hours the notice comes first, and the pass after it (`queued`).
        let opening = queue.isOpen(at: Date()) ? pass.onOpening(rules) : nil
        if opening != nil { pass.refreshEstimate(queue) }
        let step: RoutingStore.EnqueuedAndRouted
        do {
            step = try await store.enqueue(
                queue: queue.name, visitor: visitor, name: name, channel: channel,
                overflowDelays: queue.overflow.map(\.after), message: body, messageID: messageID,
                relay: relay ?? RelayDetail(id: RelayDetail.newID()), address: address, maxWait: queue.maxWait,
                botBackstop: queue.configured.bot?.backstop, lineOrderHold: rules.settings.lineOrderHold, routing: opening)
        } catch RedisError.connectionLost where opening != nil {
            // The step may have given chats (this one too) that nobody will tell: as for a pass.
            pass.lostReply()
            throw RedisError.connectionLost
        }
        var chat = step.enqueued
        let address = address ?? queue.name
        // Held for the visitor's line before it: the timer that places it lapses in a moment.
        if chat.lineHeld { alarm.wake() }
        if chat.state == .bot {
            // With the bot: it answers (or hands over) before any welcome or place in line.
            if chat.messageStored {
                if chat.created { logger.info("chat with the bot", metadata: ["chat": "\(chat.chat)", "queue": "\(queue.name)"]) }
                alarm.wake()  // the call's backstop timer
                let speaker = greeting.flatMap { $0.isEmpty ? nil : $0 } ?? name
                if channel == .xmpp {
                    // In the visitor's lane: the bot hears their lines, and answers them, in order.
                    try await askBot(body, chat: chat.chat, visitor: visitor, name: speaker, queue: queue, address: address, rules: rules)
                } else {
                    // A web service waits for this answer a few seconds only (`RelayedVisitorDesk`): the
                    // line is kept, so the call goes on beside it; the backstop timer covers a failure.
                    let id = chat.chat, logger = self.logger
                    Task {
                        do {
                            try await askBot(body, chat: id, visitor: visitor, name: speaker, queue: queue, address: address, rules: rules)
                        } catch {
                            logger.error("could not settle the bot's answer: \(error)", metadata: ["chat": "\(id)"])
                        }
                    }
                }
            }
        } else if chat.created {
            try await queued(
                chat: chat.chat, position: chat.position, leftMessage: chat.leftMessage, visitor: visitor, name: greeting ?? name,
                channel: channel, queue: queue, address: address, rules: rules, routed: step.routed, history: step.history)
        } else if chat.state == .active {
            // This line, and any the agent was owed (a resend of one a router claimed and died
            // before confirming), as the enqueue script claimed them: each reaches the agent once.
            // A web visitor who gave no name has an empty greeting: their lines carry `name` then.
            let speaker = greeting.flatMap { $0.isEmpty ? nil : $0 } ?? name
            let passed = try await pass.lines.passAwaitingHolder(
                chat.unsent, chat: chat.chat, agent: chat.agent, nick: speaker, state: chat.messageStored ? state : nil,
                rules: rules)
            if !passed { chat.awaitsAnotherSender = true }
        }
        if chat.messageStored {
            for supervisor in chat.monitors { outbox.tellAgent(supervisor, chat: chat.chat, "[visitor] \(body)", asNotice: false, rules: rules) }
        }
        if redaction.changed { try await tellOfRedaction(redaction, chat: chat.chat, visitor: visitor, address: address, rules: rules) }
        return chat
    }

    /// A chat that joined `queue`'s line now (opened, or handed over by the bot): the welcome
    /// and place in line (or out of hours), a routing pass, and word if nobody could serve it.
    /// `name` is the `{visitor}` of the texts. `routed`: the pass already ran in the step that
    /// opened the chat (in hours then), with the chat's `history` if it gave it.
    func queued(
        chat: String, position: Int, leftMessage: Bool, visitor: String, name: String, channel: ChatChannel?, queue: RoutingRules.Queue,
        address: String, rules: RoutingRules, routed: RoutingStore.Routed? = nil, history: RoutingStore.ChatHistory? = nil
    ) async throws {
        logger.info("chat queued", metadata: ["chat": "\(chat)", "queue": "\(queue.name)", "channel": "\(channel?.rawValue ?? "")"])
        if !queue.overflow.isEmpty || queue.maxWait != nil { alarm.wake() }
        // The wait figures for the welcome are read beside the routing pass, not before it, or for a
        // chat routed in the step that opened it, since just before that step (`refreshEstimate`).
        let estimate = Task { [pass] in await pass.estimate(queue).flatMap { $0.eta(position: position) } }
        func templateValues() async -> TemplateValues {
            let eta = await estimate.value
            return TemplateValues(position: position, eta: eta, etaText: eta == nil ? RoutingPass.noEstimate : nil,
                                  queue: queue.title, visitor: name)
        }
        // The place in line only for a chat that waits: one taken at once hears who answers instead.
        // A message left (the wait ran out before) hears that it is kept instead of a welcome.
        let welcome = { (waits: Bool) async in
            if leftMessage {
                outbox.tellVisitor(visitor, from: address, Self.messageKept, rules: rules)
                return
            }
            let values = await templateValues()
            let text = queue.messages.welcome.render(values) + (waits ? " " + queue.messages.position.render(values) : "")
            outbox.tellVisitor(visitor, from: address, text, as: .queued, position: position, eta: values.eta, rules: rules)
        }
        let outOfHours = routed == nil && !queue.isOpen(at: Date())
        if outOfHours { await welcome(true) }
        let closed = outOfHours
            ? try await closeIfOutOfHours(
                chat: chat, visitor: visitor, queue: queue, address: address, values: await templateValues(), rules: rules) : false
        // Routed first: a chat an agent took needs no look at who is online (a pipelined
        // read of every candidate's presence, which cost more than the routing itself).
        let beforeAnnouncing = { (assignments: [Assignment]) async in
            if !outOfHours { await welcome(!assignments.contains { $0.chat == chat && $0.state == .active }) }
        }
        let assignments = if let routed {
            await pass.announce(routed, opened: history.map { (chat, $0) }, beforeAnnouncing: beforeAnnouncing)
        } else {
            await pass.run(beforeAnnouncing: beforeAnnouncing)
        }
        if !closed, !assignments.contains(where: { $0.chat == chat }) {
            try await checkAgents(chat: chat, visitor: visitor, queue: queue, address: address, values: await templateValues(), rules: rules)
        }
    }

    /// The visitor hears once per chat that data is removed from it (theirs or an agent's line).
    func tellOfRedaction(_ redaction: Redaction, chat: String, visitor: String, address: String, rules: RoutingRules) async throws {
        guard try await store.markRedactionTold(chat) else { return }
        outbox.tellVisitor(visitor, from: address, redaction.visitorNotice, rules: rules)
    }

    /// Out of hours the visitor is told so, and the chat closes if the queue says so (else it
    /// waits); returns whether it was out of hours. Closed first, told after: whoever reads the
    /// state once the visitor has the notice sees it closed.
    private func closeIfOutOfHours(
        chat: String, visitor: String, queue: RoutingRules.Queue, address: String, values: TemplateValues, rules: RoutingRules
    ) async throws -> Bool {
        guard !queue.isOpen(at: Date()) else { return false }
        if queue.closeOutOfHours { _ = try await store.close(chat: chat, by: .system) }
        outbox.tellVisitor(visitor, from: address, queue.messages.outOfHours.render(values),
                           as: queue.closeOutOfHours ? .closed : .notice, rules: rules)
        return true
    }

    /// With nobody available who could serve the queue, the visitor is told so, and the chat
    /// closes if the queue says so (else it waits).
    private func checkAgents(
        chat: String, visitor: String, queue: RoutingRules.Queue, address: String, values: TemplateValues, rules: RoutingRules
    ) async throws {
        guard try await !store.anyAvailable(queue.plan.candidates.map(\.jid)) else { return }
        if queue.closeWithoutAgents { _ = try await store.close(chat: chat, by: .system) }
        outbox.tellVisitor(visitor, from: address, queue.messages.noAgents.render(values),
                           as: queue.closeWithoutAgents ? .closed : .notice, rules: rules)
    }

    /// Typing and other chat states go to the agent of an active chat. `gone` (many clients send
    /// it when a window closes) does not end the chat at once: the agent is told, and the chat
    /// closes after the gone timeout unless the visitor writes again.
    func chatState(_ state: ChatState, visitor: String, queue: String, rules: RoutingRules) async throws {
        guard let chat = try await store.openChatRecord(queue: queue, visitor: visitor) else { return }
        if state == .gone {
            try await store.setTimer(chat: chat.id, ChatTimer.goneKind, after: rules.settings.goneTimeout)
            alarm.wake()
        }
        guard let agent = chat.activeAgent else { return }
        outbox.tellAgent(agent, chat: chat.id, state == .gone ? "The visitor seems to have closed their chat window." : nil,
                         state: state, event: state == .gone ? .windowClosed : nil, rules: rules)
    }

    /// The visitor ends their open chat in `queue` (written to at `address`; nil: the queue's).
    /// `endID` is the message id of their `/end`: a client sends it again when no goodbye came
    /// (a fault), and a late copy must not end the chat the visitor opened since.
    func ends(_ visitor: String, queue: RoutingRules.Queue, address: String? = nil, endID: String? = nil, rules: RoutingRules)
        async throws
    {
        guard let chat = try await store.openChatRecord(queue: queue.name, visitor: visitor) else {
            // A copy of the end that closed their last chat: the goodbye again, its answer.
            if let ended = try await store.chatEnded(by: endID, visitor: visitor), let record = try await store.chatRecord(ended) {
                Self.sayGoodbye(record, closed: .refused(Self.endedAlready), outbox: outbox, rules: rules)
                return
            }
            outbox.tellVisitor(visitor, from: address ?? queue.name, "You have no open chat here.", rules: rules)
            return
        }
        let closed = try await store.close(chat: chat.id, by: .visitor, csatWindow: queue.csatWindow, endID: endID)
        if closed == .refused(Self.endedAlready) {
            // The goodbye of the chat it ended went before this chat opened: nothing new to say.
            logger.info("a late copy of a visitor's end left their next chat open", metadata: ["chat": "\(chat.id)"])
            return
        }
        guard closed.succeeded else { return }
        Self.sayGoodbye(chat, closed: closed, outbox: outbox, rules: rules)
        if let agent = chat.agent {
            outbox.tellAgent(agent, chat: chat.id, RoutingPass.closedNotice(by: Closer.visitor.rawValue), state: .gone, event: .closed, rules: rules)
            if let jid = try? JID(agent) { outbox.present(.chat(chat.id), to: jid, type: .unavailable, rules: rules) }
            await pass.run()
        }
    }

    /// The visitor's client said `gone` and they did not come back: the chat ends.
    func gone(chat id: String, rules: RoutingRules) async throws {
        let chat = try await store.chatRecord(id)
        let csat = chat?.queue.flatMap { rules.queue($0)?.csatWindow }
        // Only while the gone timer is due: a visitor who wrote again since cleared it.
        let closed = try await store.close(chat: id, by: .timeout, claiming: .gone(chat: id), csatWindow: csat)
        guard closed.succeeded, let chat else { return }
        if let agent = chat.agent {
            outbox.tellAgent(agent, chat: id, RoutingPass.closedNotice(by: Closer.timeout.rawValue), state: .gone, event: .visitorLeft, rules: rules)
            if let jid = try? JID(agent) { outbox.present(.chat(id), to: jid, type: .unavailable, rules: rules) }
        }
        if chat.queue.flatMap({ rules.queue($0) }) != nil { Self.sayGoodbye(chat, closed: closed, outbox: outbox, rules: rules) }
    }

    /// The chat waited its queue's `max_wait`: it ends (abandoned, by the system) and the visitor
    /// is offered to leave a message: the web widget shows its form, and over XMPP their next
    /// message opens a chat as a message left. The script closes only a chat still waiting.
    func waitedOut(chat id: String, rules: RoutingRules) async throws {
        let chat = try await store.chatRecord(id)
        let queue = chat?.queue.flatMap { rules.queue($0) }
        let closed = try await store.close(
            chat: id, by: .system, claiming: .maxWait(chat: id), leaveMessageWindow: Self.leaveMessageWindow)
        guard closed.succeeded, let chat, let visitor = chat.visitor else { return }
        logger.info("chat waited out", metadata: ["chat": "\(id)", "queue": "\(chat.queue ?? "")"])
        if let agent = chat.agent, !agent.isEmpty {
            outbox.tellAgent(agent, chat: id, "The visitor waited too long; the chat is closed.", event: .closed, rules: rules)
        }
        let text = (queue?.messages ?? QueueMessages()).maxWait.render(
            TemplateValues(queue: queue?.title ?? chat.queue ?? "", visitor: chat.name ?? ""))
        outbox.tellVisitor(visitor, from: chat.address, text, as: .closed, leaveMessage: true, rules: rules)
    }

    /// The close script's refusal of a copy of the end that closed the visitor's last chat.
    static let endedAlready = "ended-already"
    /// How long after a wait ran out the visitor's next chat counts as a message left.
    static let leaveMessageWindow: Duration = .seconds(3600)
    /// What a visitor hears when a message left is kept.
    static let messageKept = "Thank you, your message is kept; we will answer as soon as we can."

    /// The queue's closing text for a chat (its fields as before it closed), placeholders filled in.
    static func goodbye(_ chat: ChatRecord, rules: RoutingRules) -> String {
        // {agent} only once an agent took the chat.
        rules.goodbye(queue: chat.queue, visitor: chat.name, agent: chat.activeAgent)
    }
}
