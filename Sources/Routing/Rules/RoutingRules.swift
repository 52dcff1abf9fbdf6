import Foundation
import Workflow

/// The workflow's `Queue` (the module and its main type share the name `Workflow`, so
/// `Workflow.Queue` cannot name it, and inside `RoutingRules` `Queue` is the routing queue).
public typealias WorkflowQueue = Queue

/// What the router needs to know of a workflow, precomputed: queues with their routing
/// plans, agents, texts and limits. Built from a `Workflow`, or directly in tests.
public struct RoutingRules: Sendable {
    /// One queue: as the workflow configures it, with its routing plan precomputed.
    public struct Queue: Sendable {
        /// Title, texts, business hours, overflow steps, policies and SLA, as the workflow says.
        public var configured: WorkflowQueue
        /// The agents who could serve the queue and how to choose among them.
        public var plan: QueuePlan

        public init(_ configured: WorkflowQueue, plan: QueuePlan) {
            self.configured = configured
            self.plan = plan
        }

        public var name: String { configured.name }
        /// The name visitors see (`{queue}` in texts).
        public var title: String { configured.title }
        public var overflow: [OverflowStep] { configured.overflow }
        /// Texts for the visitor.
        public var messages: QueueMessages { configured.messages }
        /// Whether a chat opened out of hours closes (instead of waiting).
        public var closeOutOfHours: Bool { configured.whenClosed == .close }
        /// Whether a chat closes (instead of waiting) when no agent who could serve it is available.
        public var closeWithoutAgents: Bool { configured.whenNoAgents == .close }
        /// How long a visitor may wait for an answer (agents' consoles highlight chats past it).
        public var sla: Duration { configured.sla }

        /// Whether the queue takes chats at `date` (always, without business hours).
        public func isOpen(at date: Date) -> Bool { configured.isOpen(at: date) }
        /// How long a chat may wait before it ends with an offer to leave a message; nil: no limit.
        public var maxWait: Duration? { configured.maxWait }
        /// How long after the close a rating counts; nil when the queue asks for none.
        public var csatWindow: Duration? { configured.csat ? configured.csatWindow : nil }
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
        /// How long after joining the XMPP server the router waits to hear from each agent it probed.
        public var presenceResync: Duration = .seconds(5)
        /// How long a chat stays open after the visitor's client says `gone`.
        public var goneTimeout: Duration = .seconds(120)
        /// Offers missed in a row before an agent is set away.
        public var missedOffersLimit = 3
        /// A waiting visitor hears of their place in line at most this often.
        public var positionUpdateInterval: Duration = .seconds(15)
        /// How long a visitor's line waits for the one their client numbered before it (`Lua/includes/visitorOrder.lua`).
        public var lineOrderHold: Duration = .milliseconds(250)
        /// How long a closed chat's record and transcript are kept (zero: removed at close).
        public var retention: Duration = .seconds(30 * 86_400)
        /// How long the audit log keeps agents' and supervisors' actions.
        public var auditRetention: Duration = .seconds(365 * 86_400)

        public init() {}
    }

    /// The service domain (`support.localhost`).
    public var domain: String
    /// Queues in priority order: the order routing passes serve them in.
    public var queues: [Queue] {
        didSet { plan = queues.map(\.plan) }
    }
    public var defaultQueue: String
    public var agents: [String: Agent]
    public var canned: [String: MessageTemplate]
    public var settings: Settings
    /// What is removed from visitors' and agents' lines before they are stored or passed on.
    public var redactor: Redactor = .none

    public init(
        domain: String, queues: [Queue], defaultQueue: String? = nil, agents: [Agent], canned: [String: MessageTemplate] = [:],
        settings: Settings = Settings()
    ) {
        self.domain = domain
        self.queues = queues
        plan = queues.map(\.plan)
        self.defaultQueue = defaultQueue ?? queues.first?.name ?? ""
        self.agents = Dictionary(agents.map { ($0.jid, $0) }, uniquingKeysWith: { first, _ in first })
        self.canned = canned
        self.settings = settings
    }

    public func queue(_ name: String) -> Queue? {
        queues.first { $0.name == name }
    }

    /// The routing plan of every queue, in priority order. Kept, not made on each use: every
    /// visitor line passes it to the enqueue step, and an array compared with itself is equal at once
    /// (`PlanEncoding` finds its SHA-1 without comparing hundreds of candidates).
    public private(set) var plan: [QueuePlan]

    /// The closing text of a chat in queue `name` (its default when the queue is gone from the
    /// rules): the one text both channels send, live and when a reconnecting widget asks.
    /// `agent` (a JID) only while an agent held the chat: `{agent}` is empty otherwise.
    public func goodbye(queue name: String?, visitor: String?, agent: String?) -> String {
        let queue = name.flatMap { self.queue($0) }
        return (queue?.messages ?? QueueMessages()).closed.render(TemplateValues(
            queue: queue?.title ?? name ?? "", agent: agent.flatMap { agents[$0]?.name } ?? "", visitor: visitor ?? ""))
    }
}
