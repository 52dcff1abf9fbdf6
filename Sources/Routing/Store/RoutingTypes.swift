/// What became of an enqueue request.
public struct Enqueued: Sendable, Hashable {
    public let chat: String
    /// False when the visitor already had an open chat in the queue.
    public let created: Bool
    /// 1 for the front of the queue; 0 when the chat no longer waits.
    public let position: Int
    public let state: ChatStatus
    /// The agent holding the chat, or empty.
    public let agent: String
    /// Whether the message given was stored now (false for none, or one seen before).
    public let messageStored: Bool
    /// Supervisors watching the chat (`/monitor`).
    public let monitors: [String]
    /// Opened as a message left (the visitor's last wait ended at `max_wait`, or the web form).
    public var leftMessage = false
    /// The visitor's lines (this one, and any the agent was owed) to pass to the agent now,
    /// claimed in Redis: no other router passes them on while the claim holds.
    public var unsent: ClaimedLines = .none
    /// Lines of the chat are held by another sender's claim: this message is kept, but no one
    /// can say yet that it reached the agent's link.
    public var awaitsAnotherSender = false
    /// The message was kept but is held until the visitor's line before it comes, for a short
    /// while at most (`Lua/includes/visitorOrder.lua`): the `hold|ID` timer places it then.
    public var lineHeld = false
}

/// Visitor lines claimed for the agent of an active chat (`includes/claimUnsent.lua`): send
/// them, then confirm them with `RoutingStore.confirmSent(chat:agent:upTo:)`.
public struct ClaimedLines: Sendable, Hashable {
    /// The lines as stored in the transcript (with their relay detail), oldest first.
    public var lines: [TranscriptLine]
    /// The chat's line count they end at, to confirm; 0 when none were claimed.
    public var upTo: Int
    /// Lines are owed that a live claim of another sender holds: until it confirms them, no
    /// one can say the chat's lines were all passed on.
    public var heldElsewhere: Bool

    public static let none = ClaimedLines(lines: [], upTo: 0, heldElsewhere: false)

    /// How long a claim holds before another sender may take it over: far beyond the
    /// milliseconds between claiming, writing and confirming, yet short enough that the lines of
    /// a router that died in between reach the agent within seconds (a resend or a sweep).
    public static let lease: Duration = .seconds(5)

    public init(lines: [TranscriptLine], upTo: Int, heldElsewhere: Bool) {
        self.lines = lines
        self.upTo = upTo
        self.heldElsewhere = heldElsewhere
    }
}

/// What became of a transcript line, and where the chat's visitor is.
public struct Recorded: Sendable, Hashable {
    /// Stored now; already stored (or the chat is closed); refused (not the holding agent).
    public enum Status: Sendable, Hashable { case stored, duplicate, notHolder }

    public let status: Status
    public let visitor: String
    public let queue: String
    public let channel: ChatChannel?
    /// The agent holding the chat, or empty.
    public let agent: String
    /// The address the visitor wrote to, which replies come from: a queue's local part, or
    /// empty for the service domain.
    public let address: String
    /// Supervisors watching the chat (`/monitor`).
    public let monitors: [String]
}

/// One queue's part of a routing pass: who may take its chats, and how to choose among them.
public struct QueuePlan: Sendable, Hashable, Encodable {
    /// An agent who has the queue's skills (some perhaps only after overflow drops).
    public struct Candidate: Sendable, Hashable, Encodable {
        public var jid: String
        public var capacity: Int
        /// Skill level for `skills-weighted`: higher is preferred.
        public var level: Int
        /// Overflow `drop_skill` steps a chat must have passed before this agent is eligible.
        public var dropsNeeded: Int

        public init(jid: String, capacity: Int, level: Int = 0, dropsNeeded: Int = 0) {
            self.jid = jid
            self.capacity = capacity
            self.level = level
            self.dropsNeeded = dropsNeeded
        }

        enum CodingKeys: String, CodingKey {
            case jid, capacity = "max", level, dropsNeeded = "needs"
        }
    }

    public var queue: String
    /// `longest-idle`, `least-busy`, `round-robin` or `skills-weighted`.
    public var strategy: String
    /// Manual accept: how long an offer stands. Nil: chats are given at once.
    public var offerTimeout: Duration?
    public var candidates: [Candidate]
    /// An agent given the chat must write to the visitor within this, or it goes to another; nil: no limit.
    public var replyTimeout: Duration?

    public init(
        queue: String, strategy: String, offerTimeout: Duration? = nil, candidates: [Candidate], replyTimeout: Duration? = nil
    ) {
        self.queue = queue
        self.strategy = strategy
        self.offerTimeout = offerTimeout
        self.candidates = candidates
        self.replyTimeout = replyTimeout
    }

    enum CodingKeys: String, CodingKey {
        case queue, strategy, offerTimeout = "offer_ms", candidates, replyTimeout = "reply_ms"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(queue, forKey: .queue)
        try container.encode(strategy, forKey: .strategy)
        try container.encode(offerTimeout.map(\.milliseconds) ?? 0, forKey: .offerTimeout)
        try container.encode(candidates, forKey: .candidates)
        try container.encode(replyTimeout.map(\.milliseconds) ?? 0, forKey: .replyTimeout)
    }
}

/// A chat given to an agent by a routing pass.
public struct Assignment: Sendable, Hashable {
    public let chat: String
    public let agent: String
    public let queue: String
    /// `.offered` (manual accept) or `.active`.
    public let state: ChatStatus
}

/// The answer of an operation that may be refused (the chat moved on, or is someone else's).
public enum Outcome: Sendable, Hashable {
    case done(String)
    case refused(String)

    public var succeeded: Bool { if case .done = self { true } else { false } }
}

/// Who ends a chat.
public enum Closer: String, Sendable, Hashable {
    case visitor, agent, timeout, system
}

/// Where an agent sends a chat.
public enum TransferTarget: Sendable, Hashable {
    case queue(String)
    case agent(jid: String, capacity: Int, offerTimeout: Duration?)
}

/// The kind of a transcript line.
public enum TranscriptKind: String, Sendable, Hashable, Codable {
    case visitor, agent, note, whisper, system
    /// A queue's bot answering the visitor before any agent.
    case bot
}

/// One line of a chat's transcript.
public struct TranscriptLine: Sendable, Hashable, Decodable {
    /// Milliseconds since 1970, Redis's clock.
    public let t: Int64
    public let kind: TranscriptKind
    public let from: String
    public let text: String
    /// The id the router relayed the line with (lines kept before ids were mapped have none).
    public var id: String? = nil
    /// The file the line points to.
    public var attachment: Attachment? = nil
    /// For a correction (XEP-0308): the relayed id of the line it replaces, which stays as it was.
    public var replaces: String? = nil
    /// Its sender asked for read marks (XEP-0333).
    public var markable: Bool? = nil
    /// For a correction of a line its agent got inside the offer's history (whose id their client
    /// never saw): that line's text, which the relayed correction quotes (`enqueue-6.lua`).
    public var quote: String? = nil
}

extension Duration {
    /// Whole milliseconds, as the scripts take them.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
