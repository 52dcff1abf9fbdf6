import AgentProtocol
import Foundation
import XMPP

extension Router {
    /// A visitor writes to a queue: open or find their chat, keep the message, pass it on.
    func visitorMessage(_ message: Message, queue: RoutingRules.Queue, rules: RoutingRules) async throws {
        guard let from = message.from else { return }
        let visitor = from.bare.description
        guard let body = message.body else {
            if let state = message.chatState { try await visitorChatState(state, visitor: visitor, queue: queue.name, rules: rules) }
            return
        }
        guard body.utf8.count <= rules.settings.bodyLimit else {
            reply(to: .message(message), StanzaError(.policyViolation, text: "Messages are limited to \(rules.settings.bodyLimit) bytes."))
            return
        }
        guard flood.allow(visitor) else {
            reply(to: .message(message), StanzaError(.policyViolation, text: "You are sending messages too fast; please wait a moment."))
            return
        }
        if AgentCommand.mayBeCommand(body), ["/end", "!end"].contains(body.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()) {
            try await visitorEnds(visitor, queue: queue, rules: rules)
            return
        }
        _ = try await visitorSays(
            body, visitor: visitor, name: from.local ?? visitor, channel: .xmpp, messageID: message.id,
            state: message.chatState, queue: queue, rules: rules)
        acknowledge(message)
    }

    /// A visitor's text, from either channel once its checks passed: open or find their chat,
    /// keep the text (once per `messageID`), pass it on. `name` is what agents see; `greeting`,
    /// if given, is the `{visitor}` of the welcome (and the name on their lines) instead.
    func visitorSays(
        _ body: String, visitor: String, name: String, greeting: String? = nil, channel: ChatChannel, messageID: String?,
        state: ChatState?, queue: RoutingRules.Queue, rules: RoutingRules
    ) async throws -> Enqueued {
        let chat = try await store.enqueue(
            queue: queue.name, visitor: visitor, name: name, channel: channel,
            overflowDelays: queue.overflow.map(\.delay), message: body, messageID: messageID)
        if chat.created {
            logger.info("chat queued", metadata: ["chat": "\(chat.chat)", "queue": "\(queue.name)", "channel": "\(channel.rawValue)"])
            if !queue.overflow.isEmpty { wakeTimers() }
            let values = ["position": "\(chat.position)", "eta": "a few minutes", "queue": queue.title, "visitor": greeting ?? name]
            let text = queue.messages.welcome.filling(values) + " " + queue.messages.position.filling(values)
            tellVisitor(visitor, queue: queue.name, text, as: .queued, position: chat.position, rules: rules)
            let closed = try await closeIfOutOfHours(chat: chat.chat, visitor: visitor, queue: queue, values: values, rules: rules)
            // Routed first: a chat an agent took needs no look at who is online (a pipelined
            // read of every candidate's presence, which cost more than the routing itself).
            let assignments = await routeWaitingChats()
            if !closed, !assignments.contains(where: { $0.chat == chat.chat }) {
                try await checkAgents(chat: chat.chat, visitor: visitor, queue: queue, values: values, rules: rules)
            }
        } else if chat.state == .active, chat.messageStored {
            tellAgent(chat.agent, chat: chat.chat, body, state: state, detail: Self.nick(greeting ?? name), rules: rules)
        }
        if chat.messageStored {
            for supervisor in chat.monitors { tellAgent(supervisor, chat: chat.chat, "[visitor] \(body)", rules: rules) }
        }
        return chat
    }

    /// Out of hours the visitor is told so, and the chat closes if the queue says so (else it
    /// waits); returns whether it was out of hours. Closed first, told after: whoever reads the
    /// state once the visitor has the notice sees it closed.
    private func closeIfOutOfHours(
        chat: String, visitor: String, queue: RoutingRules.Queue, values: [String: String], rules: RoutingRules
    ) async throws -> Bool {
        guard let isOpen = queue.isOpen, !isOpen(Date()) else { return false }
        if queue.closeOutOfHours { _ = try await store.close(chat: chat, by: .system) }
        tellVisitor(visitor, queue: queue.name, queue.messages.outOfHours.filling(values),
                    as: queue.closeOutOfHours ? .closed : .notice, rules: rules)
        return true
    }

    /// With nobody available who could serve the queue, the visitor is told so, and the chat
    /// closes if the queue says so (else it waits).
    private func checkAgents(
        chat: String, visitor: String, queue: RoutingRules.Queue, values: [String: String], rules: RoutingRules
    ) async throws {
        guard try await store.available(queue.plan.candidates.map(\.jid)).isEmpty else { return }
        if queue.closeWithoutAgents { _ = try await store.close(chat: chat, by: .system) }
        tellVisitor(visitor, queue: queue.name, queue.messages.noAgents.filling(values),
                    as: queue.closeWithoutAgents ? .closed : .notice, rules: rules)
    }

    /// Typing and other chat states go to the agent of an active chat. `gone` (many clients send
    /// it when a window closes) does not end the chat at once: the agent is told, and the chat
    /// closes after the gone timeout unless the visitor writes again.
    func visitorChatState(_ state: ChatState, visitor: String, queue: String, rules: RoutingRules) async throws {
        guard let (id, chat) = try await store.openChat(queue: queue, visitor: visitor) else { return }
        if state == .gone {
            try await store.setTimer(chat: id, "gone", after: rules.settings.goneTimeout)
            wakeTimers()
        }
        guard chat["state"] == "active", let agent = chat["agent"] else { return }
        tellAgent(agent, chat: id, state == .gone ? "The visitor seems to have closed their chat window." : nil,
                  state: state, event: state == .gone ? .windowClosed : nil, rules: rules)
    }

    func visitorEnds(_ visitor: String, queue: RoutingRules.Queue, rules: RoutingRules) async throws {
        guard let (id, chat) = try await store.openChat(queue: queue.name, visitor: visitor) else {
            tellVisitor(visitor, queue: queue.name, "You have no open chat here.", rules: rules)
            return
        }
        let agent = chat["agent"] ?? ""
        guard try await store.close(chat: id, by: .visitor).succeeded else { return }
        tellVisitor(visitor, queue: queue.name, goodbye(chat, rules: rules), as: .closed, rules: rules)
        if !agent.isEmpty {
            tellAgent(agent, chat: id, "The visitor ended the chat.", state: .gone, event: .closed, rules: rules)
            await routeWaitingChats()
        }
    }

    /// The queue's closing text for a chat (its fields as before it closed), placeholders filled in.
    func goodbye(_ chat: [String: String], rules: RoutingRules) -> String {
        let queue = chat["queue"].flatMap { rules.queue($0) }
        // {agent} only once an agent took the chat.
        let agent = chat["state"] == "active" ? chat["agent"].flatMap { rules.agents[$0]?.name } : nil
        return (queue?.messages ?? RoutingRules.Messages()).closed.filling([
            "queue": queue?.title ?? chat["queue"] ?? "", "visitor": chat["name"] ?? "", "agent": agent ?? "",
        ])
    }

    /// Runs a routing pass, tells everyone what it decided, and returns it (empty if it failed).
    @discardableResult
    func routeWaitingChats() async -> [Assignment] {
        let rules = self.rules
        var assignments: [Assignment] = []
        do {
            assignments = try await store.route(rules.plan)
            if assignments.contains(where: { $0.state == .offered }) { wakeTimers() }
            for assignment in assignments {
                try await announce(assignment, rules: rules)
            }
            for queue in Set(assignments.map(\.queue)) { try await updatePositions(queue, rules: rules) }
        } catch {
            logger.error("routing pass failed: \(error)")
        }
        return assignments
    }

    /// The line moved: visitors still waiting hear their new place (each at most once per interval).
    private func updatePositions(_ name: String, rules: RoutingRules) async throws {
        guard let queue = rules.queue(name) else { return }
        // Only the chats due an update have their visitor read: in a long line nearly all were
        // told recently, and reading all fifty on every routing pass slowed an overloaded router.
        let due = try await store.waitingChats(name).enumerated().filter { positionUpdates.allow($0.element) }
        let positions = Dictionary(uniqueKeysWithValues: due.map { ($0.element, $0.offset + 1) })
        for waiting in try await store.visitors(of: due.map(\.element)) {
            let position = positions[waiting.chat] ?? 0
            let values = ["position": "\(position)", "eta": "a few minutes", "queue": queue.title]
            tellVisitor(waiting.visitor, queue: name, queue.messages.position.filling(values), as: .queued, position: position,
                        rules: rules)
        }
    }

    /// Tells the agent about a chat given or offered to them, with its history; the visitor
    /// learns who answers once the chat is active.
    func announce(_ assignment: Assignment, rules: RoutingRules) async throws {
        guard let (chat, transcript) = try await store.chatWithTranscript(assignment.chat) else { return }
        let name = chat["name"] ?? "a visitor"
        let waited = (Int64(Date().timeIntervalSince1970 * 1000) - (Int64(chat["queued_at"] ?? "") ?? 0)) / 1000
        var summary = "New chat \(assignment.chat) in \(assignment.queue) from \(name), waiting \(max(waited, 0)) s."
        if assignment.state == .offered {
            let timeout = rules.queue(assignment.queue)?.plan.offerTimeout.map { " within \(Int($0.components.seconds)) s" } ?? ""
            summary += " Reply /accept or /decline\(timeout)."
        }
        let history = transcript.map { line in
            line.kind == .visitor ? "\(name): \(line.text)" : "[\(line.kind.rawValue)] \(line.from): \(line.text)"
        }
        let offer = Self.offerDetail(assignment, name: name, waited: max(waited, 0), rules: rules)
        tellAgent(assignment.agent, chat: assignment.chat, ([summary] + history).joined(separator: "\n"), detail: offer, rules: rules)
        try await store.markAnnounced(assignment.chat)
        logger.info("chat \(assignment.state == .offered ? "offered" : "assigned")",
                    metadata: ["chat": "\(assignment.chat)", "agent": "\(assignment.agent)", "queue": "\(assignment.queue)"])
        if assignment.state == .active {
            tellAssigned(chat: chat, agent: assignment.agent, rules: rules)
        }
    }

    /// The offer's summary for consoles: `<offer xmlns='urn:switchboard:offer' chat queue name
    /// state waited [timeout] sla/>`, times in seconds.
    static func offerDetail(_ assignment: Assignment, name: String, waited: Int64, rules: RoutingRules) -> XMLElement {
        let queue = rules.queue(assignment.queue)
        let timeout = assignment.state == .offered ? queue?.plan.offerTimeout.map { Int($0.components.seconds) } : nil
        return OfferSummary(
            chat: assignment.chat, queue: assignment.queue, name: name, isOffered: assignment.state == .offered,
            waited: Int(waited), timeout: timeout, sla: Int(queue?.sla.components.seconds ?? 60)
        ).element
    }

    func tellAssigned(chat: [String: String], agent: String, rules: RoutingRules) {
        guard let visitor = chat["visitor"], let queue = chat["queue"] else { return }
        let name = rules.agents[agent]?.name ?? "an agent"
        let text = (rules.queue(queue)?.messages ?? RoutingRules.Messages()).assigned
            .filling(["agent": name, "queue": rules.queue(queue)?.title ?? queue])
        tellVisitor(visitor, queue: queue, text, nick: name, as: .assigned, rules: rules)
    }
}
