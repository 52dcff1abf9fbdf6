/// What a queue tells its visitors, as templates.
public struct QueueMessages: Sendable, Hashable {
    /// One of the messages, with the placeholders that have a value when it is sent.
    public enum Kind: String, Sendable, CaseIterable {
        case welcome, position
        case noAgents = "no_agents"
        case closed
        case outOfHours = "out_of_hours"
        case csat
        case maxWait = "max_wait"

        /// `{agent}` only exists once an agent took the chat, so only `closed` may name one.
        public var placeholders: Set<MessageTemplate.Placeholder> {
            switch self {
            case .welcome, .position, .noAgents: [.position, .eta, .queue, .visitor]
            case .closed, .csat: [.queue, .agent, .visitor]
            case .maxWait: [.queue, .visitor]
            case .outOfHours: [.queue, .visitor]
            }
        }

        /// The text used when the workflow gives none.
        public var defaultText: String {
            switch self {
            case .welcome: "Welcome to {queue}! An agent will be with you shortly."
            case .position: "You are number {position} in line. Estimated wait: {eta}."
            // The chat stays in line (`when_no_agents: queue`): say so, the visitor may be answered later.
            case .noAgents: "No agent is available right now. You keep your place in line, and an agent will answer here as soon as one is free."
            case .closed: "This chat has ended. Thank you for contacting us!"
            case .outOfHours: "We are closed right now. Please come back during our opening hours."
            case .csat: "How would you rate this chat, from 1 (poor) to 5 (excellent)? A comment after the number is welcome too."
            case .maxWait: "Sorry, no agent could take your chat in time. Leave us a message and we will get back to you."
            }
        }
    }

    /// Sent when a chat is queued.
    public var welcome: MessageTemplate
    /// Sent as the visitor moves up the line.
    public var position: MessageTemplate
    /// Sent when no agent who could serve the queue is online.
    public var noAgents: MessageTemplate
    /// Sent when the chat ends.
    public var closed: MessageTemplate
    /// Sent outside the queue's business hours.
    public var outOfHours: MessageTemplate
    /// Sent after the closing text when the queue asks for ratings (`csat: true`).
    public var csat: MessageTemplate
    /// Sent when a chat waited past the queue's `max_wait`.
    public var maxWait: MessageTemplate

    /// `no_agents` when the workflow gives none and the queue closes such chats (`when_no_agents: close`).
    public static let noAgentsClosingText = "Sorry, no agent is available right now, so this chat is closed. Please try again later."

    /// Sent when an agent takes the chat; not configurable, so every queue says it alike.
    public static let assigned = MessageTemplate(builtIn: "You are now chatting with {agent}.")

    /// The defaults of every message.
    public init() {
        welcome = MessageTemplate(builtIn: Kind.welcome.defaultText)
        position = MessageTemplate(builtIn: Kind.position.defaultText)
        noAgents = MessageTemplate(builtIn: Kind.noAgents.defaultText)
        closed = MessageTemplate(builtIn: Kind.closed.defaultText)
        outOfHours = MessageTemplate(builtIn: Kind.outOfHours.defaultText)
        csat = MessageTemplate(builtIn: Kind.csat.defaultText)
        maxWait = MessageTemplate(builtIn: Kind.maxWait.defaultText)
    }

    /// The message of one kind.
    public subscript(kind: Kind) -> MessageTemplate {
        get {
            switch kind {
            case .welcome: welcome
            case .position: position
            case .noAgents: noAgents
            case .closed: closed
            case .outOfHours: outOfHours
            case .csat: csat
            case .maxWait: maxWait
            }
        }
        set {
            switch kind {
            case .welcome: welcome = newValue
            case .position: position = newValue
            case .noAgents: noAgents = newValue
            case .closed: closed = newValue
            case .outOfHours: outOfHours = newValue
            case .csat: csat = newValue
            case .maxWait: maxWait = newValue
            }
        }
    }
}
