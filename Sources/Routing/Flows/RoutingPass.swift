import AgentProtocol
import Foundation
import Logging
import Redis
import Workflow
import XMPP

/// A routing pass and what follows from it: agents told of the chats offered or given to them
/// (with the history), visitors told who answers and, further back, their new place in line.
struct RoutingPass: Sendable {
    let store: RoutingStore
    let rules: RulesInForce
    let outbox: Outbox
    let alarm: TimerAlarm
    /// One position update per chat per interval.
    let positionUpdates: FloodLimiter
    /// Each queue's wait figures, read at most once a second.
    let waitFigures = RecentWaitFigures()
    let logger: Logger

    /// Runs a routing pass, tells everyone what it decided, and returns it (empty if it failed).
    /// `beforeAnnouncing` sees the decision first (empty if the pass failed): a new chat's welcome
    /// goes out before "You are now chatting with", and without a place in line if it was taken.
    @discardableResult
    func run(beforeAnnouncing: ([Assignment]) async -> Void = { _ in }) async -> [Assignment] {
        let routed: RoutingStore.Routed
        do {
            // The script takes the right to announce each chat it gives, saving a round trip each.
            routed = try await store.route(rules.current.plan, announcing: Self.announcementHold)
        } catch RedisError.connectionLost {
            lostReply()
            return []
        } catch {
            logger.error("routing pass failed: \(error)")
            await beforeAnnouncing([])
            return []
        }
        return await announce(routed, beforeAnnouncing: beforeAnnouncing)
    }

    /// The pass a chat opened in the line calls for, to run in its enqueue step (`RoutingStore.enqueue`).
    func onOpening(_ rules: RoutingRules) -> RoutingStore.PassOnOpening {
        RoutingStore.PassOnOpening(plan: rules.plan, announcing: Self.announcementHold)
    }

    /// Tells everyone what a pass decided (`run`'s, or one run in the enqueue step of the chat
    /// `opened`, whose history that step took: its agent is told from it), and returns it.
    func announce(
        _ routed: RoutingStore.Routed, opened: (chat: String, history: RoutingStore.ChatHistory)? = nil,
        beforeAnnouncing: ([Assignment]) async -> Void = { _ in }
    ) async -> [Assignment] {
        let rules = self.rules.current
        let assignments = routed.assignments
        do {
            await beforeAnnouncing(assignments)
            if assignments.contains(where: { $0.state == .offered }) { alarm.wake() }
            // Each chat's agent is told in a task of its own: one offer's round trips (its history,
            // the server's answer, the mark) do not wait for the others'. A pass that gave 1,000
            // chats told them one after another, and new chats waited seconds behind it.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (assignment, claimed) in zip(assignments, routed.claimed) {
                    group.addTask { [self] in
                        if claimed, let opened, opened.chat == assignment.chat {
                            try await tell(assignment, taken: (opened.history.fields, opened.history.transcript), rules: rules, releasing: true)
                        } else if claimed {
                            try await takeHistoryAndTell(assignment, rules: rules, releasing: true)
                        } else {
                            try await announce(assignment, rules: rules)
                        }
                    }
                }
                try await group.waitForAll()
            }
            // A line that moved on and is now empty has nobody to tell their new place.
            for queue in routed.stillWaiting { try await updatePositions(queue, rules: rules) }
        } catch RedisError.connectionLost {
            lostReply()
        } catch {
            logger.error("routing pass failed: \(error)")
        }
        return assignments
    }

    /// A reply lost with the connection (a Redis restart, a Sentinel failover): the pass may have
    /// assigned chats nobody was told of. Not run again blindly: what Redis holds is read once it
    /// answers, and every chat left unannounced is announced.
    func lostReply() {
        logger.warning("a routing pass lost its Redis reply; catching up from Redis when it answers")
        catchUp()
    }

    /// Once Redis answers again (within about a minute), announces what is unannounced and
    /// passes on the lines agents are owed, as a router does when it joins.
    private func catchUp() {
        Task { [self] in
            for _ in 1...120 {
                if (try? await store.ping()) != nil { break }
                try? await Task.sleep(for: .milliseconds(500))
            }
            await announceLeftovers()
            await forwardOwed()
        }
    }

    /// Tells agents about chats a router gave them but died before announcing: on joining, and
    /// every `sweepInterval` (with several routers one may die while the others stay joined).
    /// On joining they are told at once (a router that died held their announcing right, which
    /// lapses only later); the sweep takes the right first, as the router announcing may be alive.
    func announceLeftovers(sweep: Bool = false) async {
        do {
            await announce(leftovers: try await store.unannounced(agents: rules.current.agents.keys), sweep: sweep)
        } catch {
            logger.error("cannot announce chats left unannounced: \(error)")
        }
    }

    /// A running router's sweep (every `sweepInterval`): from one read of the open chats, the
    /// chats left unannounced are announced, then the lines owed to agents passed on.
    func sweepLeftovers() async {
        do {
            let (unannounced, owed) = try await store.leftovers(agents: rules.current.agents.keys)
            await announce(leftovers: unannounced, sweep: true)
            await forward(owed: owed)
            await forward(owedClosed: try await store.owedClosedChats())
        } catch {
            logger.error("cannot sweep for work left undone: \(error)")
        }
    }

    private func announce(leftovers: [Assignment], sweep: Bool) async {
        do {
            let rules = self.rules.current
            for assignment in leftovers {
                if sweep {
                    try await announce(assignment, rules: rules, leftover: true)
                } else {
                    try await takeHistoryAndTell(assignment, rules: rules, releasing: false)
                }
            }
        } catch {
            logger.error("cannot announce chats left unannounced: \(error)")
        }
    }

    /// The line moved: visitors still waiting hear their new place (each at most once per interval).
    private func updatePositions(_ name: String, rules: RoutingRules) async throws {
        guard let queue = rules.queue(name) else { return }
        // Only the chats due an update have their visitor read: in a long line nearly all were
        // told recently, and reading all fifty on every routing pass slowed an overloaded router.
        let due = try await store.waitingChats(name).enumerated().filter { positionUpdates.allow($0.element) }
        guard !due.isEmpty else { return }
        let positions = Dictionary(uniqueKeysWithValues: due.map { ($0.element, $0.offset + 1) })
        let figures = await estimate(queue)
        for waiting in try await store.visitors(of: due.map(\.element)) {
            let position = positions[waiting.chat] ?? 0
            let eta = figures?.eta(position: position)
            let values = TemplateValues(position: position, eta: eta, etaText: eta == nil ? Self.noEstimate : nil, queue: queue.title)
            outbox.tellVisitor(waiting.visitor, from: waiting.address ?? name, queue.messages.position.render(values), as: .queued,
                               position: position, eta: eta, rules: rules)
        }
    }

    /// Starts reading the queue's figures if those kept are old, without waiting: a chat the next
    /// step may open and route at once then has them for its welcome (ahead of its offer) sooner.
    func refreshEstimate(_ queue: RoutingRules.Queue) {
        waitFigures.refreshIfStale(queue.name, load: readFigures(queue))
    }

    /// A read of the queue's figures from Redis, for `waitFigures` to run when its kept ones are old.
    private func readFigures(_ queue: RoutingRules.Queue) -> @Sendable () async throws -> WaitEstimate {
        { [store] in try await store.waitEstimate(queue: queue.name, candidates: queue.plan.candidates.map(\.jid)) }
    }

    /// `{eta}` when the queue has no recent history to estimate from.
    static let noEstimate = "a few minutes"

    /// The queue's recent figures for wait estimates; nil (and logged) when Redis cannot say.
    func estimate(_ queue: RoutingRules.Queue) async -> WaitEstimate? {
        do {
            return try await waitFigures.figures(of: queue.name, load: readFigures(queue))
        } catch {
            logger.warning("cannot read the queue's recent figures: \(error)", metadata: ["queue": "\(queue.name)"])
            return nil
        }
    }

    /// Tells the agent about a chat given or offered to them, with its history; the visitor
    /// learns who answers once the chat is active.
    func announce(_ assignment: Assignment, rules: RoutingRules, leftover: Bool = false) async throws {
        // One router tells: this one, or a sweep's if this one dies first (the hold then lapses).
        guard try await store.claimAnnouncement(assignment.chat, hold: Self.announcementHold) else { return }
        // A leftover seen before its router announced it and gave the right back.
        if leftover, try await store.isAnnounced(assignment.chat) {
            try await store.releaseAnnouncement(assignment.chat)
            return
        }
        try await takeHistoryAndTell(assignment, rules: rules, releasing: true)
    }

    /// Reads the chat's history and tells the agent from it, in this task: from then on the
    /// chat's later lines go to the agent directly, and must not overtake the offer. `releasing`:
    /// this router holds the right to announce, given back with the mark (or at once if the
    /// chat has no history to tell, being no longer given).
    private func takeHistoryAndTell(_ assignment: Assignment, rules: RoutingRules, releasing: Bool) async throws {
        guard let history = try await store.takeHistory(assignment.chat) else {
            if releasing { try await store.releaseAnnouncement(assignment.chat) }
            return
        }
        try await tell(assignment, taken: history, rules: rules, releasing: releasing)
    }

    /// How often each router looks for chats left unannounced.
    static let sweepInterval: Duration = .seconds(5)

    /// How long the router announcing a chat holds the right to (a sweep takes it after).
    static let announcementHold: Duration = .seconds(10)

    /// Tells the agent, from the chat's history as just taken (`takeHistory`); marks the chat
    /// announced, `releasing` the right to announce it in the same round trip.
    private func tell(
        _ assignment: Assignment, taken: (fields: [String: String], transcript: [TranscriptLine]), rules: RoutingRules,
        releasing: Bool
    ) async throws {
        let (fields, whole) = taken
        let transcript = Self.untold(whole, fields: fields)
        let chat = ChatRecord(id: assignment.chat, fields: fields)
        let name = chat.name ?? "a visitor"
        let waited = (Int64(Date().timeIntervalSince1970 * 1000) - (chat.queuedAt ?? 0)) / 1000
        var summary = "New chat \(assignment.chat) in \(assignment.queue) from \(name), waiting \(max(waited, 0)) s."
        if let handover = Self.handover(chat, transcript: transcript, to: assignment.agent, rules: rules) { summary += " " + handover }
        if assignment.state == .offered {
            let timeout = rules.queue(assignment.queue)?.plan.offerTimeout.map { " within \(Int($0.components.seconds)) s" } ?? ""
            // `!`, which every client passes on: Gajim refuses `/accept` as its own command.
            summary += " Reply !accept or !decline\(timeout) (/accept and /decline work too)."
        }
        // A correction in the history quotes the line it corrects, which is in the history too.
        let texts = Dictionary(transcript.compactMap { line in line.id.map { ($0, line.text) } }, uniquingKeysWith: { first, _ in first })
        let history = transcript.map { line in
            var shown = line
            if line.kind == .visitor, let original = line.replaces.flatMap({ texts[$0] }) ?? line.quote {
                shown = TranscriptLine(t: line.t, kind: line.kind, from: line.from, text: Outbox.correctionLine(line.text, of: original))
            }
            return Self.historyLine(shown, visitor: name)
        }
        var offer = Self.offerSummary(assignment, name: name, waited: max(waited, 0), rules: rules)
        let nowMilliseconds = Int64(Date().timeIntervalSince1970 * 1000)
        offer.historyAges = transcript.map { Int(max(nowMilliseconds - $0.t, 0) / 1000) }
        // The chat's address online, named for the visitor, while the chat is this agent's.
        if let agent = try? JID(assignment.agent) { outbox.present(.chat(assignment.chat), to: agent, nick: name, rules: rules) }
        // The visitor hears who answers as the offer leaves, not after the server's answer to it:
        // an agent quick to reply would otherwise be heard first. (An offer told again after an
        // unconfirmed one tells the visitor again too.)
        if assignment.state == .active { tellAssigned(chat, agent: assignment.agent, rules: rules) }
        // Written in this task, right after its history was read, so the chat's later lines
        // cannot overtake it; told again (a sweep, a join) under the same id, which a client that
        // keeps ids shows once.
        let handling = await outbox.tellAgentAcknowledged(
            assignment.agent, chat: assignment.chat, ([summary] + history).joined(separator: "\n"), detail: offer.element, asNotice: false,
            id: fields["offered_at"].map { RelayedLineID.history(chat: assignment.chat, given: $0) }, rules: rules)
        // Not known to be taken (the link dropped or the server did not answer), or sent back (the
        // agent had no session: an XMPP server just restarted, the agent not back yet): left
        // unannounced, so a sweep (or this router's next join) tells it again, the lines relayed
        // since left out, until the agent is there or the grace period moves the chat on.
        guard handling == .routed else {
            let why = handling == .bounced ? "the agent had no session to take the offer" : "the XMPP server did not confirm the offer"
            logger.warning("\(why); it is told again", metadata: ["chat": "\(assignment.chat)", "agent": "\(assignment.agent)"])
            if releasing { try await store.releaseAnnouncement(assignment.chat) }
            return
        }
        if releasing { try await store.markAnnouncedAndRelease(assignment.chat) } else { try await store.markAnnounced(assignment.chat) }
        logger.info("chat \(assignment.state == .offered ? "offered" : "assigned")",
                    metadata: ["chat": "\(assignment.chat)", "agent": "\(assignment.agent)", "queue": "\(assignment.queue)"])
    }

    /// A chat handed on by another agent says so, by whom, with that agent's last note: the
    /// note they left for whoever takes it (`!transfer Bob NOTE`, or an earlier `!note`).
    static func handover(_ chat: ChatRecord, transcript: [TranscriptLine], to agent: String, rules: RoutingRules) -> String? {
        guard let from = chat.transferredBy, from != agent else { return nil }
        let name = rules.agents[from]?.name ?? from
        var text = "Transferred by \(oneLine(name)) (\(from))."
        if let note = transcript.last(where: { $0.kind == .note && $0.from == from }) {
            text += " \(oneLine(name))'s note: \(oneLine(note.text))"
        }
        return text
    }

    /// The lines a history tells. A chat whose history was taken before (`told`, `forwarded` as
    /// they were) by a router that died before marking it announced: that history is told again,
    /// but the visitor's lines relayed since (numbered up to `forwarded`) are not repeated.
    static func untold(_ transcript: [TranscriptLine], fields: [String: String]) -> [TranscriptLine] {
        guard let told = fields["told"].flatMap(Int.init), let forwarded = fields["forwarded"].flatMap(Int.init) else { return transcript }
        var visitorLines = 0
        return transcript.enumerated().compactMap { index, line in
            if line.kind == .visitor { visitorLines += 1 }
            return index >= told && line.kind == .visitor && visitorLines <= forwarded ? nil : line
        }
    }

    /// One line of the offer's body per transcript line, so a visitor's own line breaks cannot
    /// make a line that reads as a note, an agent's line or the summary: breaks show as ⏎.
    static func historyLine(_ line: TranscriptLine, visitor name: String) -> String {
        let text = oneLine(line.text)
        return line.kind == .visitor ? "\(oneLine(name)): \(text)" : "[\(line.kind.rawValue)] \(oneLine(line.from)): \(text)"
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ⏎ ")
    }

    /// Tells agents the visitor's lines they are owed: stored by a router that died before
    /// passing them on (and not resent), or claimed by one that died before confirming them
    /// (once the claim's lease has run out).
    func forwardOwed() async {
        do {
            await forward(owed: try await store.owedChats(agents: rules.current.agents.keys))
        } catch {
            logger.error("cannot pass on visitor lines left unsent: \(error)")
        }
    }

    private func forward(owed: [String]) async {
        do {
            let rules = self.rules.current
            for chat in owed {
                guard let record = try await store.chatRecord(chat), let agent = record.activeAgent else { continue }
                _ = try await lines.pass(try await store.claimUnsent(chat), chat: chat, agent: agent, nick: record.name ?? "visitor", rules: rules)
            }
        } catch {
            logger.error("cannot pass on visitor lines left unsent: \(error)")
        }
    }

    /// Lines an agent was owed when the visitor ended the chat (kept while the agent's link was
    /// down): passed on, then the closing notice again, which likely went while links were down
    /// too. Only the router that takes the mark tells it, and only after passing lines itself.
    private func forward(owedClosed: [String]) async {
        let rules = self.rules.current
        for chat in owedClosed {
            do {
                guard let record = try await store.chatRecord(chat), record.state == .closed, let agent = record.agent, !agent.isEmpty
                else {
                    _ = try await store.settleOwedClosed(chat)
                    continue
                }
                let claimed = try await store.claimUnsent(chat)
                if claimed.upTo == 0 {
                    // Passed on meanwhile by the router that held them (its claim confirmed), or still held.
                    if !claimed.heldElsewhere { _ = try await store.settleOwedClosed(chat) }
                    continue
                }
                guard try await lines.pass(claimed, chat: chat, agent: agent, nick: record.name ?? "visitor", rules: rules),
                    try await store.settleOwedClosed(chat)
                else { continue }
                logger.info("passed on lines owed to the agent of a closed chat", metadata: ["chat": "\(chat)", "agent": "\(agent)"])
                outbox.tellAgent(agent, chat: chat, Self.closedNotice(by: record.closedBy), state: .gone, event: .closed, rules: rules)
            } catch {
                logger.error("cannot pass on lines owed to the agent of a closed chat: \(error)", metadata: ["chat": "\(chat)"])
            }
        }
    }

    /// What the agent is told when the visitor's side closes the chat, by whom it closed
    /// (`close-10.lua`'s `closed_by`): at the close, and again after lines owed then.
    static func closedNotice(by closer: String?) -> String {
        closer == "timeout" ? "The visitor left; the chat is closed." : "The visitor ended the chat."
    }

    /// Visitors' lines to agents, sent and confirmed.
    var lines: VisitorLines { VisitorLines(store: store, outbox: outbox, logger: logger) }

    /// The offer's summary for consoles, times in seconds.
    static func offerSummary(_ assignment: Assignment, name: String, waited: Int64, rules: RoutingRules) -> OfferSummary {
        let queue = rules.queue(assignment.queue)
        let timeout = assignment.state == .offered ? queue?.plan.offerTimeout.map { Int($0.components.seconds) } : nil
        return OfferSummary(
            chat: assignment.chat, queue: assignment.queue, name: name, isOffered: assignment.state == .offered,
            waited: Int(waited), timeout: timeout, sla: Int(queue?.sla.components.seconds ?? 60))
    }

    /// The visitor learns who answers.
    func tellAssigned(_ chat: ChatRecord, agent: String, rules: RoutingRules) {
        guard let visitor = chat.visitor, let queue = chat.queue else { return }
        let name = rules.agents[agent]?.name ?? "an agent"
        let text = QueueMessages.assigned.render(TemplateValues(queue: rules.queue(queue)?.title ?? queue, agent: name))
        outbox.tellVisitor(visitor, from: chat.address, text, nick: name, as: .assigned, rules: rules)
    }
}
