import AgentProtocol
import Foundation
import Logging
import Redis
import ServiceLifecycle
import Synchronization
import XMPP

/// The router: turns stanzas from the XMPP server into routing operations on Redis and
/// tells visitors and agents what happened. It keeps no routing state of its own: a
/// restarted router, or another one on the same Redis, carries on where it left off.
public final class Router: Service, Sendable {
    let component: XMPPComponent
    let store: RoutingStore
    let logger: Logger
    private let currentRules: Mutex<RoutingRules>
    let flood: FloodLimiter
    /// One position update per chat per interval.
    let positionUpdates: FloodLimiter
    /// Notices for web visitors, published through Redis to the web service holding their socket.
    let visitorNotices = VisitorNoticePublisher()
    /// The timer loop's sleep, cut short when a timer may now be due sooner.
    let timerSleep = Mutex<(sleeper: Task<Void, Never>?, woken: Bool)>((nil, false))
    /// Stanzas handled side by side, in order per sender.
    let lanes = StanzaLanes(limit: 64)
    private let readiness = Mutex<(ready: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    public init(rules: RoutingRules, component: XMPPComponent, store: RoutingStore, logger: Logger) {
        self.currentRules = Mutex(rules)
        self.component = component
        self.store = store
        self.logger = logger
        self.flood = FloodLimiter(limit: rules.settings.floodLimit, window: rules.settings.floodWindow)
        self.positionUpdates = FloodLimiter(limit: 1, window: rules.settings.positionUpdateInterval)
    }

    /// The rules in force; `reload` swaps them (SIGHUP with a valid workflow).
    public var rules: RoutingRules { currentRules.withLock { $0 } }

    public func reload(_ rules: RoutingRules) {
        currentRules.withLock { $0 = rules }
        logger.info("workflow reloaded", metadata: ["queues": "\(rules.queues.count)", "agents": "\(rules.agents.count)"])
    }

    /// Returns once the router has joined the XMPP server for the first time.
    public func waitUntilReady() async {
        await withCheckedContinuation { continuation in
            let ready = readiness.withLock { readiness in
                if !readiness.ready { readiness.waiters.append(continuation) }
                return readiness.ready
            }
            if ready { continuation.resume() }
        }
    }

    public func run() async throws {
        // All routing state lives in Redis: join the XMPP server only once Redis answers.
        guard await waitForRedis() else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.component.run { await self.handle($0) } }
            group.addTask { await self.runTimers() }
            group.addTask { await self.visitorNotices.run(store: self.store, logger: self.logger) }
            group.addTask { await self.serveRelayedVisitors() }
            await group.next()
            group.cancelAll()
        }
    }

    /// Tells agents about chats a router gave them but died before announcing.
    private func announceLeftovers() async {
        do {
            let rules = self.rules
            for assignment in try await store.unannounced() { try await announce(assignment, rules: rules) }
        } catch {
            logger.error("cannot announce chats left unannounced: \(error)")
        }
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

    func handle(_ event: ComponentEvent) async {
        switch event {
        case .connected:
            await announceLeftovers()
            logger.info("router ready", metadata: ["domain": "\(rules.domain)"])
            let waiters = readiness.withLock { readiness in
                readiness.ready = true
                defer { readiness.waiters = [] }
                return readiness.waiters
            }
            for waiter in waiters { waiter.resume() }
            await routeWaitingChats()
        case .stanza(let stanza):
            // One lane per sender: its stanzas in order, other senders' alongside.
            await lanes.submit(stanza.element[attribute: "from"] ?? "") { await self.handle(stanza) }
        case .disconnected:
            break
        }
    }

    private func handle(_ stanza: Stanza) async {
        do {
            try await dispatch(stanza)
        } catch {
            // Redis unavailable or a script failed: the sender learns it, the state is unchanged.
            logger.error("could not handle a stanza: \(error)", metadata: ["from": "\(stanza.element[attribute: "from"] ?? "")"])
            reply(to: stanza, StanzaError(.internalServerError, text: "Routing is unavailable; please try again."))
        }
    }

    private func dispatch(_ stanza: Stanza) async throws {
        let rules = self.rules
        switch stanza {
        case .message(let message):
            guard message.type != .error, let to = message.to, let address = ChatAddress(to, domain: rules.domain) else { return }
            switch address {
            case .chat(let chat):
                try await agentMessage(message, chat: chat, rules: rules)
            case .queue(let name):
                guard let queue = rules.queue(name) else {
                    reply(to: stanza, StanzaError(.itemNotFound, text: "There is no queue called \(name)."))
                    return
                }
                try await visitorMessage(message, queue: queue, rules: rules)
            case .service:
                if let from = message.from, rules.agents[from.bare.description] != nil {
                    try await serviceCommand(message, rules: rules)
                } else if let queue = rules.queue(rules.defaultQueue) {
                    try await visitorMessage(message, queue: queue, rules: rules)
                }
            }
        case .presence(let presence):
            try await presenceChanged(presence, rules: rules)
        case .iq(let iq):
            try await answer(iq, rules: rules)
        }
    }

    /// Sends an error reply to a stanza that asked for something (never to an error).
    func reply(to stanza: Stanza, _ error: StanzaError) {
        switch stanza {
        case .message(let message) where message.type != .error: component.send(message.errorReply(error))
        case .presence(let presence) where presence.type != .error: component.send(presence.errorReply(error))
        case .iq(let iq) where iq.type == .get || iq.type == .set: component.send(iq.errorReply(error))
        default: break
        }
    }

    // MARK: - Addresses and messages

    func queueAddress(_ queue: String, rules: RoutingRules) -> JID? {
        try? JID(local: queue, domain: rules.domain)
    }

    func chatAddress(_ chat: String, rules: RoutingRules) -> JID? {
        ChatAddress.chat(chat).jid(domain: rules.domain)
    }

    /// A message to a visitor, from the queue's address, signed with a display name (XEP-0172);
    /// a web visitor gets it as a notice of `kind` (a message without text is a chat state).
    func tellVisitor(_ visitor: String, queue: String, _ text: String?, nick: String? = nil, state: ChatState? = nil,
                     as kind: VisitorNotice.Kind = .notice, position: Int? = nil, rules: RoutingRules) {
        if WebVisitor.isWebVisitor(visitor) {
            visitorNotices.publish(VisitorNotice(
                visitor: visitor, kind: text == nil ? .typing : kind, text: text, agent: nick, position: position,
                state: state?.rawValue))
            return
        }
        guard let to = try? JID(visitor) else { return }
        var message = Message(to: to, from: queueAddress(queue, rules: rules), body: text)
        message.chatState = state
        if let nick { message.element.append(Self.nick(nick)) }
        component.send(message)
    }

    /// A message to an agent, from the chat's own address; `detail` is machine-readable
    /// context for consoles (an offer's summary, the visitor's nick), `event` what a notice means.
    func tellAgent(_ agent: String, chat: String, _ text: String?, state: ChatState? = nil, detail: XMLElement? = nil,
                   event: AgentEvent.Kind? = nil, rules: RoutingRules) {
        guard let to = try? JID(agent) else { return }
        var message = Message(to: to, from: chatAddress(chat, rules: rules), body: text)
        message.chatState = state
        if let detail { message.element.append(detail) }
        if let event { message.element.append(AgentEvent(event, chat: chat).element) }
        component.send(message)
    }

    /// A display name (XEP-0172): on what a visitor wrote, so a console tells it from the router's notices.
    static func nick(_ name: String) -> XMLElement {
        .text("nick", namespace: "http://jabber.org/protocol/nick", name)
    }

    /// Confirms a message is stored (XEP-0184) when its sender asked: a client that resends until
    /// confirmed, with the same id, loses nothing even when a router dies under it.
    func acknowledge(_ message: Message) {
        guard let id = message.id, message.element.child("request", namespace: Self.receipts) != nil,
            let sender = message.from
        else { return }
        var receipt = Message(to: sender, from: message.to, type: message.type)
        receipt.element.append(XMLElement("received", namespace: Self.receipts, attributes: [XMLAttribute("id", id)]))
        component.send(receipt)
    }

    static let receipts = "urn:xmpp:receipts"

    /// A message to someone from the service domain itself, with what it means to consoles, if anything.
    func tellFromService(_ to: JID, _ text: String, event: AgentEvent? = nil, rules: RoutingRules) {
        var message = Message(to: to, from: try? JID(domain: rules.domain), body: text)
        if let event { message.element.append(event.element) }
        component.send(message)
    }
}
