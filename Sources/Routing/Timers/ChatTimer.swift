/// A timer the routing state keeps in Redis, as the timers sorted set spells its members
/// (`offer|42`, `grace|alice@localhost`, `gone|42`, `overflow|42|2`, `reply|42`, `maxwait|42`,
/// `bot|42`, `hold|42`).
public enum ChatTimer: Sendable, Hashable {
    /// An offer of the chat stands no longer.
    case offer(chat: String)
    /// An offline agent's chats go back to their queues.
    case grace(agent: String)
    /// The visitor's client said `gone` and they did not come back.
    case gone(chat: String)
    /// A waiting chat reaches overflow step `step` (1-based).
    case overflow(chat: String, step: Int)
    /// The agent given the chat has not written to the visitor within the queue's `reply_timeout`.
    case reply(chat: String)
    /// The chat has waited the queue's `max_wait`.
    case maxWait(chat: String)
    /// A call to the queue's bot had no answer recorded in time (its router died): hand the chat over.
    case bot(chat: String)
    /// A visitor's line held for the one before it (`Lua/includes/visitorOrder.lua`) waited long enough.
    case hold(chat: String)

    /// The timer a member names, or nil for one this router does not know.
    public init?(member: String) {
        let parts = member.split(separator: "|").map(String.init)
        switch (parts.first, parts.count) {
        case ("offer", 2): self = .offer(chat: parts[1])
        case ("grace", 2): self = .grace(agent: parts[1])
        case ("gone", 2): self = .gone(chat: parts[1])
        case ("reply", 2): self = .reply(chat: parts[1])
        case ("maxwait", 2): self = .maxWait(chat: parts[1])
        case ("bot", 2): self = .bot(chat: parts[1])
        case ("hold", 2): self = .hold(chat: parts[1])
        case ("overflow", 3):
            guard let step = Int(parts[2]) else { return nil }
            self = .overflow(chat: parts[1], step: step)
        default: return nil
        }
    }

    /// The member in the timers set.
    public var member: String {
        switch self {
        case .offer(let chat): "offer|\(chat)"
        case .grace(let agent): "grace|\(agent)"
        case .gone(let chat): "gone|\(chat)"
        case .overflow(let chat, let step): "overflow|\(chat)|\(step)"
        case .reply(let chat): "reply|\(chat)"
        case .maxWait(let chat): "maxwait|\(chat)"
        case .bot(let chat): "bot|\(chat)"
        case .hold(let chat): "hold|\(chat)"
        }
    }

    /// The kind a chat's timer is set by (`RoutingStore.setTimer`).
    public static let goneKind = "gone"
}
