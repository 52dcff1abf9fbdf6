import Foundation

/// Availability as the agent sets it (XMPP presence to the service domain).
public enum AgentAvailability: String, Sendable, CaseIterable {
    case available, away, dnd

    /// The console's name for a presence the router reports (`xa` counts as away); nil for `offline`.
    public init?(routerPresence: String) {
        switch routerPresence {
        case "available": self = .available
        case "away", "xa": self = .away
        case "dnd": self = .dnd
        default: return nil
        }
    }

    /// The next one, for the key that cycles through them.
    var next: AgentAvailability {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}

/// The link to the XMPP server as the header shows it.
public enum LinkStatus: Sendable, Equatable {
    case connecting
    case online
    /// Lost or refused; the next attempt is at `retry`, or never.
    case offline(reason: String, retry: Date?)
}

/// One queue in the header's summary.
public struct QueueSummary: Sendable, Equatable {
    public var name: String
    public var waiting: Int

    public init(name: String, waiting: Int) {
        self.name = Sanitizer.clean(name)
        self.waiting = waiting
    }
}

/// One agent in a supervisor's table.
public struct AgentRow: Sendable, Equatable {
    public var name: String
    public var jid: String
    public var presence: String
    public var chats: String

    public init(name: String, jid: String, presence: String, chats: String) {
        self.name = Sanitizer.clean(name)
        self.jid = Sanitizer.clean(jid)
        self.presence = Sanitizer.clean(presence)
        self.chats = Sanitizer.clean(chats)
    }
}

/// Everything the console shows: a value the session changes and the screen draws.
public struct ConsoleState: Sendable, Equatable {
    public var account: String
    public var availability: AgentAvailability = .available
    public var link: LinkStatus = .connecting
    public var queues: [QueueSummary] = []
    public var capacity: Int?
    public var isSupervisor = false
    public var agents: [AgentRow] = []
    /// The supervisor's queue and agent table instead of a chat.
    public var showsSupervision = false
    public var chats: [ChatView] = []
    /// The chat on screen.
    public var current: String?
    public var input = LineEditor()
    /// The last thing the console or the router said that belongs to no chat.
    public var status = ""
    /// What Tab could complete to, shown in the keys line until the next key.
    public var candidates: [String] = []
    /// The chat `M-c` asks to close: the next key `y` closes it, any other keeps it.
    public var closeAsked: String?
    /// Canned reply keys and their texts, and transfer targets, for completion.
    public var canned: [(key: String, text: String)] = []
    public var transferTargets: [String] = []

    public init(account: String) {
        self.account = Sanitizer.clean(account)
    }

    public static func == (lhs: ConsoleState, rhs: ConsoleState) -> Bool {
        lhs.account == rhs.account && lhs.availability == rhs.availability && lhs.link == rhs.link
            && lhs.queues == rhs.queues && lhs.capacity == rhs.capacity && lhs.chats == rhs.chats
            && lhs.current == rhs.current && lhs.input == rhs.input && lhs.status == rhs.status
            && lhs.agents == rhs.agents && lhs.showsSupervision == rhs.showsSupervision
            && lhs.candidates == rhs.candidates && lhs.closeAsked == rhs.closeAsked
    }

    /// Open chats the agent holds (not offers, not monitored).
    public var activeCount: Int { chats.filter { $0.state == .active }.count }

    public func index(of chat: String) -> Int? { chats.firstIndex { $0.id == chat } }

    /// The chat listed with `number` (the number beside it in the list).
    public func index(number: Int) -> Int? { chats.firstIndex { $0.number == number } }

    public var currentIndex: Int? { current.flatMap(index(of:)) }

    /// The offer the pop-up shows: the oldest standing one.
    public var pendingOffer: ChatView? { chats.first { $0.isOffer } }

    /// Changes a chat, if the console has it.
    public mutating func update(_ chat: String, _ change: (inout ChatView) -> Void) {
        guard let index = index(of: chat) else { return }
        change(&chats[index])
    }

    /// The chat if known, else a new one added (and shown when none is).
    public mutating func chat(_ id: String, visitor: String, queue: String, state: ChatView.State, sla: Int? = nil) {
        if let index = index(of: id) {
            chats[index].state = state
            if !visitor.isEmpty { chats[index].visitor = Sanitizer.clean(visitor) }
            if !queue.isEmpty { chats[index].queue = Sanitizer.clean(queue) }
            if let sla { chats[index].sla = sla }
        } else {
            // The lowest number no listed chat has: numbers stay put when closed chats drop out.
            let taken = Set(chats.map(\.number))
            let number = (1...).first { !taken.contains($0) }!
            let view = ChatView(id: id, number: number, visitor: visitor, queue: queue, state: state, sla: sla)
            chats.insert(view, at: chats.firstIndex { $0.number > number } ?? chats.endIndex)
        }
        // A new chat comes to the front when none is shown or the shown one is over.
        if current == nil || currentIndex.map({ !chats[$0].isOpen }) == true { select(id) }
    }

    /// Shows a chat and marks it read.
    public mutating func select(_ id: String) {
        guard let index = index(of: id) else { return }
        current = id
        showsSupervision = false
        chats[index].unread = 0
    }

    /// Shows the next (or previous) chat in the list.
    public mutating func cycle(by step: Int) {
        guard !chats.isEmpty else { return }
        let index = currentIndex ?? -1
        select(chats[((index + step) % chats.count + chats.count) % chats.count].id)
    }

    /// The chat on screen whose visitor waits to hear that the agent saw their latest line
    /// (XEP-0333 `displayed`), with that line's id; taken as told. Not for a supervisor's table,
    /// a monitored chat or an offer: only the agent holding the chat is shown its lines.
    public mutating func takeUnseen() -> (chat: String, id: String)? {
        guard !showsSupervision, let index = currentIndex, chats[index].state == .active,
            let id = chats[index].markable, chats[index].markedSeen != id
        else { return nil }
        chats[index].markedSeen = id
        return (chats[index].id, id)
    }

    /// Drops closed chats except the one on screen.
    public mutating func forgetClosed() {
        chats.removeAll { !$0.isOpen && $0.id != current }
    }
}
