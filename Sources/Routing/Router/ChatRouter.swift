import Foundation
import Logging
import Redis
import ServiceLifecycle
import Synchronization
import XMPP

/// The router: turns stanzas from the XMPP server into routing operations on Redis and
/// tells visitors and agents what happened. It keeps no routing state of its own: a
/// restarted router, or another one on the same Redis, carries on where it left off.
///
/// It only runs things and hands stanzas on: the `Dispatcher` picks a flow by address
/// (`VisitorFlow`, `AgentFlow`, `SupervisorFlow`, `PresenceFlow`, `CommandServer`), the
/// `TimerLoop` fires due timers, and every word leaves through the `Outbox`.
public final class ChatRouter: Service, Sendable {
    let component: XMPPComponent
    let store: RoutingStore
    let logger: Logger
    private let rulesInForce: RulesInForce
    let dispatcher: Dispatcher
    private let pass: RoutingPass
    private let timers: TimerLoop
    /// Stanzas handled side by side, in order per sender.
    private let lanes = StanzaLanes(limit: 64)
    private let readiness = Mutex<Readiness>(Readiness())
    /// The presence resync of the latest join (probes, then the window); a new join starts it again.
    private let resync = Mutex<Task<Void, Never>?>(nil)
    /// Set on graceful shutdown: stanzas read from then on are refused, those in hand finished.
    private let draining = Mutex(false)
    /// Answers to other routers' pings read on this link, and ours read on theirs (ejabberd).
    private let answers: LinkAnswerRelay
    /// What the XMPP server sent back after it counted as taken, owed again.
    private let lateBounces: LateBounces

    /// `channels` carry the visitors that are not on XMPP (the web widget's).
    public init(
        rules: RoutingRules, component: XMPPComponent, store: RoutingStore, logger: Logger, channels: [any VisitorChannel] = []
    ) {
        let rulesInForce = RulesInForce(rules)
        let alarm = TimerAlarm()
        let outbox = Outbox(component: component, channels: channels)
        let pass = RoutingPass(
            store: store, rules: rulesInForce, outbox: outbox, alarm: alarm,
            positionUpdates: FloodLimiter(limit: 1, window: rules.settings.positionUpdateInterval), logger: logger)
        let visitors = VisitorFlow(
            store: store, outbox: outbox, pass: pass, alarm: alarm,
            flood: FloodLimiter(limit: rules.settings.floodLimit, window: rules.settings.floodWindow), logger: logger)
        let supervisor = SupervisorFlow(store: store, outbox: outbox)
        let agents = AgentFlow(store: store, outbox: outbox, pass: pass, supervisor: supervisor)
        self.component = component
        self.store = store
        self.answers = LinkAnswerRelay(component: component, store: store, logger: logger)
        self.lateBounces = LateBounces(component: component, store: store, logger: logger)
        store.keepClosedChats(for: rules.settings.retention)
        store.keepAuditLog(for: rules.settings.auditRetention)
        self.logger = logger
        self.rulesInForce = rulesInForce
        self.pass = pass
        self.dispatcher = Dispatcher(
            outbox: outbox, visitors: visitors, agents: agents, supervisor: supervisor,
            presence: PresenceFlow(store: store, outbox: outbox, pass: pass, alarm: alarm, logger: logger),
            commands: CommandServer(store: store, outbox: outbox, agents: agents, supervisor: supervisor))
        self.timers = TimerLoop(store: store, alarm: alarm, logger: logger) { timer in
            try await Self.fire(timer, rules: rulesInForce.current, store: store, visitors: visitors, agents: agents, logger: logger)
            await pass.run()
        }
    }

    /// The rules in force; `reload` swaps them (SIGHUP with a valid workflow).
    public var rules: RoutingRules { rulesInForce.current }

    /// Agents the new rules leave out are offline at once and their chats go back to their queues.
    /// `actor` names who asked, in the audit log (a signal carries no name: `router` by default).
    public func reload(_ rules: RoutingRules, by actor: String = "router") async {
        let removed = Set(rulesInForce.current.agents.keys).subtracting(rules.agents.keys)
        rulesInForce.replace(with: rules)
        store.keepClosedChats(for: rules.settings.retention)
        store.keepAuditLog(for: rules.settings.auditRetention)
        // Audited before the log line: whoever waits for the line finds the entry.
        do {
            try await store.audit(actor: actor, .reload, fields: [
                ("queues", "\(rules.queues.count)"), ("agents", "\(rules.agents.count)"), ("removed", "\(removed.count)"),
            ])
        } catch {
            logger.error("could not audit the reload: \(error)")
        }
        logger.info("workflow reloaded", metadata: ["queues": "\(rules.queues.count)", "agents": "\(rules.agents.count)"])
        guard !removed.isEmpty else { return }
        for agent in removed.sorted() {
            do {
                let chats = try await store.removeAgent(agent)
                logger.info("agent removed from the workflow", metadata: ["agent": "\(agent)", "requeued": "\(chats)"])
            } catch {
                logger.error("could not requeue a removed agent's chats: \(error)", metadata: ["agent": "\(agent)"])
            }
        }
        await pass.run()
    }

    /// Returns once the router has joined the XMPP server for the first time, or when the task
    /// is cancelled (a standby may wait for ever).
    public func waitUntilReady() async {
        let id = readiness.withLock { $0.nextWaiter() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now = readiness.withLock { readiness in
                    if readiness.ready || Task.isCancelled { return true }
                    readiness.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            readiness.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Joins the XMPP server and serves it, with the timer loop and the visitor channels beside,
    /// until the service group shuts down or the task is cancelled.
    public func run() async throws {
        // All routing state lives in Redis: join the XMPP server only once Redis answers.
        guard await waitForRedis() else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // Timers tell visitors and agents what happened: a router that has not joined
                // the XMPP server (a standby while another router holds the domain) leaves them
                // to the one that has, rather than queue its words for a link it may never get.
                await self.waitUntilReady()
                guard !Task.isCancelled else { return }
                await self.timers.run()
            }
            group.addTask { await EventStreamTrimmer(store: self.store, logger: self.logger).run() }
            group.addTask { await self.answers.run() }
            group.addTask { await self.lateBounces.run() }
            group.addTask {
                // Chats a router gave and died before telling, or stored and died before routing,
                // and lines it claimed for an agent and died before sending (another router stays
                // joined, so no join announces, routes or passes them on). One read of the open
                // chats' marks, pipelined, finds both kinds of leftover.
                await self.waitUntilReady()
                while !Task.isCancelled {
                    try? await Task.sleep(for: RoutingPass.sweepInterval)
                    guard !Task.isCancelled else { return }
                    await self.pass.run()
                    await self.pass.sweepLeftovers()
                }
            }
            for channel in dispatcher.outbox.channels { group.addTask { await channel.run() } }
            // On SIGTERM: stop taking stanzas, finish those in the lanes (their replies queued on
            // the link), and only then close the stream; Redis is closed after `run` returns.
            await component.run(beforeClosing: { await self.drain() }) { await self.handle($0) }
            resync.withLock { $0?.cancel() }
            await lanes.idle()
            group.cancelAll()
        }
    }

    private func drain() async {
        draining.withLock { $0 = true }
        await lanes.idle()
        logger.info("stanzas in hand finished; closing the stream")
    }

    private func waitForRedis() async -> Bool {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await self.store.ping() }
                return true
            } catch {
                logger.error("Redis does not answer: \(error); retrying")
            }
        }
        return false
    }

    private func handle(_ event: ComponentEvent) async {
        switch event {
        case .connected:
            await pass.announceLeftovers()
            logger.info("router ready", metadata: ["domain": "\(rules.domain)"])
            let waiters = readiness.withLock { readiness in
                readiness.ready = true
                defer { readiness.waiters = [:] }
                return readiness.waiters.values
            }
            for waiter in waiters { waiter.resume() }
            startResync()
            await pass.run()
        case .stanza(let stanza) where draining.withLock({ $0 }):
            // Not stored, so not confirmed: a client that resends gives it to the next router.
            dispatcher.outbox.reply(to: stanza, StanzaError(.serviceUnavailable, text: "The router is restarting; please send again."))
        case .stanza(let stanza):
            // One lane per sender: its stanzas in order, other senders' alongside.
            await lanes.submit(stanza.element[attribute: "from"] ?? "") { await self.handle(stanza) }
        case .disconnected:
            // Presence sent while no router listened is lost: the next join probes again.
            resync.withLock { $0?.cancel() }
        }
    }

    /// Presence in Redis may be stale after any time away from the XMPP server (an agent logged
    /// off or on meanwhile): probe every agent, then count those not heard from as offline.
    /// The same join passes on the visitor lines owed to agents (beside the reading: their
    /// sending waits for the server's answers), and once more when the claims of a router that
    /// died before confirming (found live at the join) have lapsed.
    private func startResync() {
        let presence = dispatcher.presence, rulesInForce = rulesInForce, logger = logger, pass = pass
        let task = Task {
            async let lapsedClaims: Void = {
                await pass.forwardOwed()
                guard (try? await Task.sleep(for: ClaimedLines.lease + .seconds(1))) != nil else { return }
                await pass.forwardOwed()
            }()
            do {
                let since = try await presence.probeAll(rules: rulesInForce.current)
                try await Task.sleep(for: rulesInForce.current.settings.presenceResync)
                try await presence.settle(since: since, rules: rulesInForce.current)
            } catch is CancellationError {
            } catch {
                logger.error("presence resync failed: \(error); the next join tries again")
            }
            await lapsedClaims
        }
        resync.withLock { previous in
            previous?.cancel()
            previous = task
        }
    }

    private func handle(_ stanza: Stanza) async {
        do {
            try await dispatcher.dispatch(stanza, rules: rules)
        } catch {
            // Redis unavailable or a script failed: the sender learns it, the state is unchanged.
            logger.error("could not handle a stanza: \(error)", metadata: ["from": "\(stanza.element[attribute: "from"] ?? "")"])
            dispatcher.outbox.reply(to: stanza, StanzaError(.internalServerError, text: "Routing is unavailable; please try again."))
        }
    }

    /// What a due timer does; the routing pass after it is the caller's.
    private static func fire(
        _ timer: ChatTimer, rules: RoutingRules, store: RoutingStore, visitors: VisitorFlow, agents: AgentFlow, logger: Logger
    ) async throws {
        switch timer {
        case .offer(let chat):
            try await agents.offerExpired(chat: chat, rules: rules)
        case .grace(let agent):
            let chats = try await store.expireGrace(agent: agent, claiming: timer)
            if !chats.isEmpty {
                logger.info("agent's chats requeued after the grace period", metadata: ["agent": "\(agent)", "chats": "\(chats)"])
            }
        case .gone(let chat):
            try await visitors.gone(chat: chat, rules: rules)
        case .overflow(let chat, let step):
            _ = try await store.overflowStepDue(chat: chat, step: step, rules: rules)
        case .reply(let chat):
            try await agents.replyTimedOut(chat: chat, rules: rules)
        case .maxWait(let chat):
            try await visitors.waitedOut(chat: chat, rules: rules)
        case .bot(let chat):
            try await visitors.botSilent(chat: chat, rules: rules)
        case .hold(let chat):
            try await visitors.holdLapsed(chat: chat, rules: rules)
        }
    }
}

/// Whether the router has joined the XMPP server yet, and who waits for it.
private struct Readiness {
    var ready = false
    var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var lastWaiter = 0

    mutating func nextWaiter() -> Int {
        lastWaiter += 1
        return lastWaiter
    }
}
