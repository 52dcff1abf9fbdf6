import Foundation

/// One line of a chat as the console shows it.
public struct TranscriptLine: Sendable, Equatable {
    /// Who said it, which decides how it is drawn.
    public enum Kind: Sendable, Equatable {
        case visitor, agent, note, whisper, notice, history
    }

    public var time: Date
    public var kind: Kind
    public var who: String
    /// Clean text (see `Sanitizer`): one line, possibly long.
    public var text: String
    /// The id of the message the line came in or went out with, which corrections and read marks name.
    public var id: String?
    /// What the message said before the visitor corrected it (XEP-0308): shown beside the new
    /// text, so the agent sees what changed (the router's transcript keeps both too).
    public var original: String?
    /// The visitor's client showed this line of the agent's (XEP-0333 `displayed`).
    public var seen = false

    public init(time: Date, kind: Kind, who: String, text: String, id: String? = nil) {
        self.time = time
        self.kind = kind
        self.who = Sanitizer.clean(who)
        self.text = Sanitizer.clean(text)
        self.id = id
    }
}

/// A chat the agent has, was offered or watches.
public struct ChatView: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// Offered with manual accept; the offer runs out at `deadline` if the router said when.
        case offered(deadline: Date?)
        case active
        /// A supervisor's read-only copy.
        case monitoring
        case closed(String)
    }

    public let id: String
    /// Its number in the chat list (`M-1`…`M-9`), kept while it is listed.
    public let number: Int
    public var visitor: String
    public var queue: String
    public var state: State
    /// Seconds the visitor may wait for an answer (the queue's SLA), when known.
    public var sla: Int?
    public var lines: [TranscriptLine] = []
    public var unread = 0
    /// Since when the visitor waits for a reply (their oldest unanswered message).
    public var waitingSince: Date?
    public var visitorTyping = false
    /// Rows scrolled up from the bottom of the transcript.
    public var scroll = 0
    /// The visitor's latest line whose client asked for read marks (XEP-0333), and the last one
    /// the console told it the agent saw: they differ while the chat's newest words are unseen.
    public var markable: String?
    public var markedSeen: String?

    public init(id: String, number: Int = 1, visitor: String, queue: String, state: State, sla: Int? = nil) {
        self.id = id
        self.number = number
        self.visitor = Sanitizer.clean(visitor)
        self.queue = Sanitizer.clean(queue)
        self.state = state
        self.sla = sla
    }

    public var isOpen: Bool {
        if case .closed = state { false } else { true }
    }

    public var isOffer: Bool {
        if case .offered = state { true } else { false }
    }

    /// Seconds the visitor has waited for a reply at `now`.
    public func waited(at now: Date) -> Int? {
        waitingSince.map { max(Int(now.timeIntervalSince($0)), 0) }
    }

    /// Whether the wait for a reply is past the queue's SLA.
    public func isOverdue(at now: Date) -> Bool {
        guard let sla, let waited = waited(at: now) else { return false }
        return waited > sla
    }

    /// Adds lines of a message, one transcript line per line of text, each with the message's `id`.
    public mutating func add(_ kind: TranscriptLine.Kind, who: String, text: String, at time: Date, id: String? = nil) {
        for line in Sanitizer.lines(text) { lines.append(TranscriptLine(time: time, kind: kind, who: who, text: line, id: id)) }
        if lines.count > Self.lineLimit { lines.removeFirst(lines.count - Self.lineLimit) }
    }

    /// The visitor corrected message `id`: its lines give way to the new text, in the same place,
    /// keeping the first wording as `original` (a second correction names the same id). A
    /// correction of a line no longer kept (or never shown) is added as a new line, marked edited.
    public mutating func correct(_ id: String, who: String, text: String, at time: Date) {
        let old = lines.indices.filter { lines[$0].kind == .visitor && lines[$0].id == id }
        let original = old.isEmpty ? "" : (lines[old[0]].original ?? old.map { lines[$0].text }.joined(separator: " ⏎ "))
        var new = Sanitizer.lines(text).map { TranscriptLine(time: time, kind: .visitor, who: who, text: $0, id: id) }
        guard !new.isEmpty else { return }
        new[new.count - 1].original = original
        guard let first = old.first else {
            lines.append(contentsOf: new)
            if lines.count > Self.lineLimit { lines.removeFirst(lines.count - Self.lineLimit) }
            return
        }
        for index in old.reversed() { lines.remove(at: index) }
        lines.insert(contentsOf: new, at: first)
    }

    /// The visitor's client showed the agent's message `id`, and so every agent line before it
    /// (XEP-0333); returns whether the console knew that message.
    @discardableResult
    public mutating func markSeen(_ id: String) -> Bool {
        guard let last = lines.lastIndex(where: { $0.kind == .agent && $0.id == id }) else { return false }
        for index in lines.indices[...last] where lines[index].kind == .agent { lines[index].seen = true }
        return true
    }

    /// Scrollback kept per chat.
    public static let lineLimit = 5000
}
