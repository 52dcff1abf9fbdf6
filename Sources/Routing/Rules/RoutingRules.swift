import Foundation

/// What the router needs to know of a workflow, precomputed: queues with their routing
/// plans, agents, texts and limits. Built from a `Workflow`, or directly in tests.
public struct RoutingRules: Sendable {
    /// One queue's behaviour.
    public struct Queue: Sendable {
        /// An overflow step: after `delay` in the queue, drop a skill (`moveTo` nil) or move.
        public struct Overflow: Sendable {
            public var delay: Duration
            public var moveTo: String?

            public init(delay: Duration, moveTo: String? = nil) {
                self.delay = delay
                self.moveTo = moveTo
            }
        }

        public var name: String
        /// The name visitors see (`{queue}` in texts).
        public var title: String
        public var plan: QueuePlan
        public var overflow: [Overflow]
        /// Texts for the visitor, with `{position}`, `{eta}`, `{queue}`, `{agent}` filled in.
        public var messages: Messages
        /// Whether a chat opened out of hours closes (instead of waiting).
        public var closeOutOfHours: Bool
        /// Whether a chat closes (instead of waiting) when no agent who could serve it is available.
        public var closeWithoutAgents: Bool
        /// Whether the queue is open now; nil means always.
        public var isOpen: (@Sendable (Date) -> Bool)?
        /// How long a visitor may wait for an answer (agents' consoles highlight chats past it).
        public var sla: Duration

        public init(
            name: String, title: String? = nil, plan: QueuePlan, overflow: [Overflow] = [], messages: Messages = Messages(),
            closeOutOfHours: Bool = false, closeWithoutAgents: Bool = false, isOpen: (@Sendable (Date) -> Bool)? = nil,
            sla: Duration = .seconds(60)
        ) {
            self.name = name
            self.title = title ?? name
            self.plan = plan
            self.overflow = overflow
            self.messages = messages
            self.closeOutOfHours = closeOutOfHours
            self.closeWithoutAgents = closeWithoutAgents
            self.isOpen = isOpen
            self.sla = sla
        }
    }

    /// Visitor-facing texts of a queue, with `{position}`, `{eta}`, `{queue}`, `{visitor}` and
    /// `{agent}` placeholders.
    public struct Messages: Sendable {
        public var welcome = "Welcome! An agent will be with you shortly."
        public var position = "You are number {position} in line (about {eta})."
        public var assigned = "You are now chatting with {agent}."
        public var noAgents = "No agent is available right now; please stay, we will answer as soon as we can."
        public var closed = "This chat has ended. Thank you!"
        public var outOfHours = "We are closed right now."

        public init() {}
    }

    /// An agent as the workflow lists them.
    public struct Agent: Sendable {
        public var jid: String
        public var name: String
        public var capacity: Int
        public var isSupervisor: Bool

        public init(jid: String, name: String, capacity: Int, isSupervisor: Bool = false) {
            self.jid = jid
            self.name = name
            self.capacity = capacity
            self.isSupervisor = isSupervisor
        }
    }

    /// Limits and timings.
    public struct Settings: Sendable {
        public var bodyLimit = 4096
        /// Visitor messages allowed per `floodWindow`; more are refused, not queued.
        public var floodLimit = 10
        public var floodWindow: Duration = .seconds(10)
        /// How long an offline agent keeps their chats.
        public var gracePeriod: Duration = .seconds(60)
        /// How long a chat stays open after the visitor's client says `gone`.
        public var goneTimeout: Duration = .seconds(120)
        /// Offers missed in a row before an agent is set away.
        public var missedOffersLimit = 3
        /// A waiting visitor hears of their place in line at most this often.
        public var positionUpdateInterval: Duration = .seconds(15)
        /// How long a closed chat's record and transcript are kept (zero: removed at close).
        public var retention: Duration = .seconds(30 * 86_400)

        public init() {}
    }

    /// The service domain (`support.localhost`).
    public var domain: String
    /// Queues in priority order: the order routing passes serve them in.
    public var queues: [Queue]
    public var defaultQueue: String
    public var agents: [String: Agent]
    public var canned: [String: String]
    public var settings: Settings

    public init(
        domain: String, queues: [Queue], defaultQueue: String? = nil, agents: [Agent], canned: [String: String] = [:],
        settings: Settings = Settings()
    ) {
        self.domain = domain
        self.queues = queues
        self.defaultQueue = defaultQueue ?? queues.first?.name ?? ""
        self.agents = Dictionary(agents.map { ($0.jid, $0) }, uniquingKeysWith: { first, _ in first })
        self.canned = canned
        self.settings = settings
    }

    public func queue(_ name: String) -> Queue? {
        queues.first { $0.name == name }
    }

    /// The routing plan of every queue, in priority order.
    public var plan: [QueuePlan] { queues.map(\.plan) }
}

extension String {
    /// Fills `{name}` placeholders as `MessageTemplate` renders them: `{{` and `}}` are literal
    /// braces, a placeholder without a value renders as nothing. One pass, so a value that looks
    /// like a placeholder (a visitor called `{queue}`) is left as it is.
    public func filling(_ values: [String: String]) -> String {
        var text = ""
        var rest = Substring(self)
        while let character = rest.first {
            rest = rest.dropFirst()
            if character == "{" || character == "}", rest.first == character {
                text.append(character)
                rest = rest.dropFirst()
            } else if character == "{", let close = rest.firstIndex(of: "}") {
                text += values[String(rest[..<close])] ?? ""
                rest = rest[rest.index(after: close)...]
            } else {
                text.append(character)
            }
        }
        return text
    }
}
