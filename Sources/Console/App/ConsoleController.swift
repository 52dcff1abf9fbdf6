import AgentProtocol
import Foundation
import XMPP

/// The console's brain: holds the state, turns session events, keys and typed lines into
/// changes and router commands, and has the display show the result. An actor, so events
/// from the link, the keyboard and the clock are handled one at a time.
public actor ConsoleController {
    var state: ConsoleState
    let session: AgentSession
    let display: any ConsoleDisplay
    private let finish: @Sendable () -> Void
    /// The chat the visitor was last told we type in (XEP-0085 `composing`), and when the
    /// input line last changed: typing that stops for a while becomes `paused`.
    var typingIn: String?
    var lastEdit = Date()
    static let pauseAfter: TimeInterval = 5
    private var ticks = 0
    private var optionsLoaded = false
    /// A visitor's line the router sent again after a crash comes with the same id: shown once.
    private var recentLines = RecentLines()

    public init(session: AgentSession, display: any ConsoleDisplay, finish: @escaping @Sendable () -> Void) {
        self.session = session
        self.display = display
        self.finish = finish
        state = ConsoleState(account: session.configuration.jid.bare.description)
    }

    var domain: String { session.service.domain }

    func address(_ chat: String) -> JID? { ChatAddress.chat(chat).jid(domain: domain) }

    /// Draws the state; the visitor of the chat now on screen hears that their latest line was
    /// seen (XEP-0333), once per line, when their client asked.
    func redraw() {
        display.render(state, now: Date())
        guard state.link == .online, let (chat, id) = state.takeUnseen(), let to = address(chat) else { return }
        var mark = Message(to: to)
        mark.chatMarker = ChatMarker(.displayed, id: id)
        let session = self.session
        Task { try? await session.send(mark) }
    }

    /// Says something about a chat (or generally), on screen and in plain mode.
    func tell(_ text: String, chat: String?) {
        state.notice(text, in: chat, at: Date())
        display.announce("notice\(chat.map { " chat=\($0)" } ?? ""): \(Sanitizer.lines(text).joined(separator: " ⏎ "))")
    }

    // MARK: - Events

    public func sessionEvent(_ event: SessionEvent) {
        switch event {
        case .connecting:
            state.link = .connecting
            display.announce("link: connecting")
        case .online(let isSupervisor):
            state.link = .online
            state.isSupervisor = isSupervisor
            optionsLoaded = false
            display.announce("link: online as \(state.account)\(isSupervisor ? " (supervisor)" : "") \(state.availability.rawValue)")
            poll()
        case .offline(let reason, let retry):
            state.link = .offline(reason: Sanitizer.clean(reason), retry: retry)
            display.announce("link: offline (\(Sanitizer.clean(reason))), \(retry == nil ? "not retrying" : "retrying")")
        case .stanza(let stanza):
            guard recentLines.isNew(stanza.element[attribute: "id"]), let event = RouterEvent(stanza, domain: domain) else { break }
            let (line, bell) = state.apply(event, at: Date())
            if !line.isEmpty { display.announce(line) }
            if bell { display.bell() }
            if case .offer = event { loadOptions() }
        }
        redraw()
    }

    /// Once a second: countdowns and waits move; every few seconds the queue summary is asked.
    public func tick() {
        ticks += 1
        if let chat = typingIn, Date().timeIntervalSince(lastEdit) > Self.pauseAfter {
            chatState(.paused, in: chat)
            typingIn = nil
        }
        if ticks % 5 == 0, state.link == .online { poll() }
        redraw()
    }

    /// Asks the router for the queue summary, own status, and (supervisors) the agent table.
    func poll() {
        let session = self.session, service = session.service, isSupervisor = state.isSupervisor
        Task {
            if let answer = try? await session.execute("queues", at: service) { self.update { $0.readQueues(answer.text) } }
            if let status = try? await session.execute("status", at: service).status { await self.status(status) }
            if isSupervisor, let answer = try? await session.execute("agents", at: service) {
                self.update { $0.readAgents(answer.text) }
            }
        }
    }

    /// The router's idea of the agent's presence wins (it sets agents who miss offers away);
    /// one that lost it altogether (it rejoined the server after the console did) is told again.
    func status(_ status: AgentStatus) async {
        let presence: String? = state.readStatus(status)
        if presence == "offline", state.link == .online {
            let session = self.session, availability = state.availability
            Task { try? await session.setAvailability(availability) }
        } else if let presence, let value = AgentAvailability(routerPresence: presence), value != state.availability {
            state.availability = value
            display.announce("presence: \(value.rawValue) (set by the router)")
        }
        redraw()
    }

    /// Learns the canned replies and transfer targets (from the forms of those commands) once per login.
    func loadOptions() {
        guard !optionsLoaded, let chat = state.chats.last?.id, let address = address(chat) else { return }
        optionsLoaded = true
        let session = self.session
        Task {
            let canned = (try? await session.options("canned", at: address, field: "key")) ?? []
            let targets = (try? await session.options("transfer", at: address, field: "target")) ?? []
            self.update { state in
                state.canned = canned.map { ($0.value, $0.label) }
                state.transferTargets = targets.map(\.value)
            }
        }
    }

    func update(_ change: (inout ConsoleState) -> Void) {
        change(&state)
        redraw()
    }

    /// A line typed in plain mode.
    public func line(_ text: String) {
        run(AgentAction(text))
        redraw()
    }

    func quit() { finish() }
}
