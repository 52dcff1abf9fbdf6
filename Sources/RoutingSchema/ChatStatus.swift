/// Where a chat is in its life: queued → offered → active → closed.
public enum ChatStatus: String, Sendable, Hashable {
    case queued, offered, active, closed
    /// With the queue's bot, out of the line until it hands the chat over.
    case bot
}
