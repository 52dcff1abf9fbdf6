import Foundation

/// A line of waiting chats with its own address (`NAME@DOMAIN`), required skills and rules.
public struct Queue: Sendable, Hashable {
    /// Lowercase letters, digits, `-` and `_`: also the local part of the queue's address.
    public var name: String
    /// The name visitors read (`{queue}` in messages); the queue's name unless given.
    public var title: String
    /// Chats written to the service domain itself go to the default queue.
    public var isDefault: Bool
    /// Skills an agent must all have to serve this queue, as written.
    public var skills: [String]
    /// When an agent could serve several queues, the one with the higher priority goes first.
    public var priority: Int
    public var strategy: RoutingStrategy
    public var accept: AcceptMode
    /// The time within which chats should be answered; stats report the share that were.
    public var sla: Duration
    /// Steps in order of `after`; a `moveTo` step can only be the last.
    public var overflow: [OverflowStep]
    public var messages: QueueMessages
    public var whenNoAgents: UnservedChatPolicy
    /// Business hours; nil means always open.
    public var hours: BusinessHours?
    /// What happens to chats outside `hours`.
    public var whenClosed: UnservedChatPolicy
    /// What the web widget asks a visitor before the chat (`web_form: [name, email]`); none by default.
    public var webForm: [VisitorDetail] = []
    /// Whether a visitor is asked to rate a closed chat 1–5 (`messages.csat`).
    public var csat = false
    /// How long after the close a rating is taken (`csat_window`).
    public var csatWindow: Duration = defaultCSATWindow
    /// A chat waiting longer ends, and the visitor is offered to leave a message; nil: no limit.
    public var maxWait: Duration?
    /// An agent who accepted a chat but has not written to the visitor within it loses the chat
    /// to another agent; nil: no limit.
    public var replyTimeout: Duration?

    /// A bot answers the visitor first; nil: the chat joins the queue at once.
    public var bot: QueueBot?
    /// The picture clients show for the queue's address (`avatar:`); nil: none.
    public var avatar: QueueAvatar?

    public static let defaultCSATWindow: Duration = .seconds(600)
    /// Bounds of the values read from a workflow: a window or timer outside them is a typo.
    public static let csatWindowRange: ClosedRange<Duration> = .seconds(10) ... .seconds(86_400)
    public static let maxWaitRange: ClosedRange<Duration> = .seconds(1) ... .seconds(86_400)
    public static let replyTimeoutRange: ClosedRange<Duration> = .seconds(2) ... .seconds(3600)

    public static let defaultSLA: Duration = .seconds(60)

    public init(
        name: String,
        title: String? = nil,
        isDefault: Bool = false,
        skills: [String] = [],
        priority: Int = 0,
        strategy: RoutingStrategy = .longestIdle,
        accept: AcceptMode = .auto,
        sla: Duration = defaultSLA,
        overflow: [OverflowStep] = [],
        messages: QueueMessages = QueueMessages(),
        whenNoAgents: UnservedChatPolicy = .queue,
        hours: BusinessHours? = nil,
        whenClosed: UnservedChatPolicy = .close
    ) {
        self.name = name
        self.title = title ?? name
        self.isDefault = isDefault
        self.skills = skills
        self.priority = priority
        self.strategy = strategy
        self.accept = accept
        self.sla = sla
        self.overflow = overflow
        self.messages = messages
        self.whenNoAgents = whenNoAgents
        self.hours = hours
        self.whenClosed = whenClosed
    }

    /// Whether the queue takes chats at `date` (always, without business hours).
    public func isOpen(at date: Date) -> Bool {
        hours?.isOpen(at: date) ?? true
    }

    /// How many overflow steps are due for a chat that has waited `waited` in this queue.
    public func overflowStepsDue(afterWaiting waited: Duration) -> Int {
        overflow.prefix { $0.after <= waited }.count
    }

    /// The skills still required once the first `steps` overflow steps have applied.
    public func requiredSkills(afterOverflowSteps steps: Int) -> [String] {
        let dropped = Set(overflow.prefix(max(0, steps)).compactMap { step -> String? in
            if case .dropSkill(let skill) = step.action { skill } else { nil }
        })
        return skills.filter { !dropped.contains($0) }
    }

    /// The queue a chat moves to once the first `steps` overflow steps have applied, if any.
    public func moveTarget(afterOverflowSteps steps: Int) -> String? {
        overflow.prefix(max(0, steps)).lazy.compactMap { step -> String? in
            if case .moveTo(let queue) = step.action { queue } else { nil }
        }.first
    }
}
