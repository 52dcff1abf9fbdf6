/// The traffic of one bench run: who takes part, how fast chats arrive, what each chat says.
///
/// Every chat is a ping-pong: the visitor's first message opens it (and is what the agent is
/// offered), the agent answers each visitor message after `replyDelay`, the visitor sends the
/// next on receiving the answer, and after `messagesPerChat` answers the visitor ends the chat
/// and is free to open another one.
public struct Scenario: Sendable, Codable, Equatable {
    /// Visitor accounts; one open chat each at a time.
    public var visitors: Int
    /// Agent accounts.
    public var agents: Int
    /// Chats an agent holds at once (`max_chats`).
    public var capacity: Int
    /// Queues, each needing a skill; every agent has the skills of two of them.
    public var queues: Int
    /// New chats per second, spread evenly.
    public var arrivalRate: Double
    /// Visitor messages per chat, each answered by the agent.
    public var messagesPerChat: Int
    /// How long an agent takes to answer, in milliseconds.
    public var replyDelayMilliseconds: Int
    /// How long new chats arrive, in seconds; chats still open then are finished (drained).
    public var durationSeconds: Double
    /// How long to wait for chats still open after the arrivals stop before counting what is missing as lost.
    public var drainSeconds: Double
    /// Chats opened before the router starts, in a queue no agent serves, that stay open the
    /// whole run: the router's memory and speed with many open chats.
    public var openChats: Int
    /// How the visitors come: XMPP, the web widget's WebSocket, or both.
    public var visitorChannel: VisitorChannel
    /// The router's workflow `retention` (`1m`, `0`), as written there; nil leaves the default.
    public var retention: String?
    /// Open loop: arrivals must never wait for a free visitor. The visitor pool is sized for it
    /// (`openLoopVisitors`), and an arrival that still finds every visitor busy counts as an error
    /// instead of being skipped quietly.
    public var openLoop: Bool

    public init(
        visitors: Int = 200, agents: Int = 20, capacity: Int = 10, queues: Int = 2, arrivalRate: Double = 50,
        messagesPerChat: Int = 5, replyDelayMilliseconds: Int = 0, durationSeconds: Double = 15, drainSeconds: Double = 20,
        openChats: Int = 0, visitorChannel: VisitorChannel = .xmpp, retention: String? = nil, openLoop: Bool = false
    ) {
        self.visitors = visitors
        self.agents = agents
        self.capacity = capacity
        self.queues = queues
        self.arrivalRate = arrivalRate
        self.messagesPerChat = messagesPerChat
        self.replyDelayMilliseconds = replyDelayMilliseconds
        self.durationSeconds = durationSeconds
        self.drainSeconds = drainSeconds
        self.openChats = openChats
        self.visitorChannel = visitorChannel
        self.retention = retention
        self.openLoop = openLoop
    }

    /// The scale scenario: 500 agents, 2,000 new chats/s of one message (answered) and a close,
    /// open loop. A visitor is free again once its chat closed, so the pool covers every chat that
    /// can be open at once: `rate × openLoopChatSeconds`.
    public static let scale = Scenario(
        visitors: openLoopVisitors(rate: 2000, duration: 10), agents: 500, capacity: 10, queues: 2, arrivalRate: 2000,
        messagesPerChat: 1, durationSeconds: 10, drainSeconds: 30, openLoop: true)

    /// The memory scenario: 100,000 chats open in Redis before the router starts (a backlog no
    /// agent serves), then the default traffic, whose chats stay closed in Redis (retention).
    public static let memory = Scenario(durationSeconds: 10, openChats: 100_000)

    /// How long a visitor's chat may take, open to close, before the open-loop pool runs dry: a
    /// one-message chat takes milliseconds when the router keeps up; 2 s leaves room for queueing.
    public static let openLoopChatSeconds = 2.0

    /// Visitors enough that no arrival at `rate` finds them all in chats, while no chat lasts more
    /// than `chatSeconds` (never more than the arrivals of the whole run).
    public static func openLoopVisitors(rate: Double, duration: Double, chatSeconds: Double = openLoopChatSeconds) -> Int {
        guard rate > 0, duration > 0, chatSeconds > 0 else { return 1 }
        let arrivals = (rate * duration).rounded(.up)
        return Int(min(arrivals, (rate * chatSeconds).rounded(.up)) + 1)
    }

    /// The largest numbers a scenario takes: each visitor and agent is a signed-in session of the
    /// load generator's, each open chat a few kilobytes of Redis.
    public static let limits = (
        visitors: 100_000, agents: 10_000, capacity: 1_000, queues: 1_000, rate: 100_000.0, messages: 10_000,
        replyDelayMilliseconds: 60_000, durationSeconds: 86_400.0, drainSeconds: 3_600.0, openChats: 1_000_000
    )

    /// What makes no sense to run, in words; nil when the scenario is runnable.
    public var problem: String? {
        if visitors < 1 || agents < 1 || capacity < 1 || queues < 1 { return "visitors, agents, capacity and queues must be at least 1" }
        let limits = Self.limits
        if visitors > limits.visitors || agents > limits.agents || capacity > limits.capacity || queues > limits.queues {
            return "at most \(limits.visitors) visitors, \(limits.agents) agents, \(limits.capacity) chats per agent and \(limits.queues) queues"
        }
        if arrivalRate > limits.rate { return "at most \(Int(limits.rate)) new chats/s" }
        if messagesPerChat > limits.messages { return "at most \(limits.messages) messages per chat" }
        if replyDelayMilliseconds > limits.replyDelayMilliseconds { return "the reply delay is at most \(limits.replyDelayMilliseconds) ms" }
        if openChats > limits.openChats { return "at most \(limits.openChats) open chats" }
        if durationSeconds > limits.durationSeconds || drainSeconds > limits.drainSeconds {
            return "the duration is at most \(Int(limits.durationSeconds)) s and the drain time \(Int(limits.drainSeconds)) s"
        }
        if queues > agents { return "every queue needs an agent: at most \(agents) queues for \(agents) agents" }
        if !(arrivalRate > 0) { return "the arrival rate must be positive" }
        if messagesPerChat < 1 { return "a chat has at least one message" }
        if replyDelayMilliseconds < 0 { return "the reply delay cannot be negative" }
        if openChats < 0 { return "the open chats cannot be negative" }
        if let retention, retention.isEmpty || !retention.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == ".") }) {
            return "the retention is a duration such as 1m, 0 or 30d"
        }
        if !(durationSeconds > 0) || !(drainSeconds >= 0) { return "the duration must be positive and the drain time not negative" }
        if visitorChannel.hasWebVisitors, messagesPerChat > WebVisitorLink.messagesPerSession {
            return "the web service takes at most \(WebVisitorLink.messagesPerSession) messages per visitor session in 10 s: "
                + "at most \(WebVisitorLink.messagesPerSession) messages per chat with web visitors"
        }
        return nil
    }

    /// The queue a chat goes to, by its number.
    func queue(ofChat number: Int) -> Int { number % queues }

    /// The queues agent `index` has skills for.
    func skills(ofAgent index: Int) -> [Int] {
        queues == 1 ? [0] : [index % queues, (index + 1) % queues]
    }
}
