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

    public init(time: Date, kind: Kind, who: String, text: String) {
        self.time = time
        self.kind = kind
        self.who = Sanitizer.clean(who)
        self.text = Sanitizer.clean(text)
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

    /// Adds lines of a message, one transcript line per line of text.
    public mutating func add(_ kind: TranscriptLine.Kind, who: String, text: String, at time: Date) {
        for line in Sanitizer.lines(text) { lines.append(TranscriptLine(time: time, kind: kind, who: who, text: line)) }
        if lines.count > Self.lineLimit { lines.removeFirst(lines.count - Self.lineLimit) }
    }

    /// Scrollback kept per chat.
    public static let lineLimit = 5000
}
