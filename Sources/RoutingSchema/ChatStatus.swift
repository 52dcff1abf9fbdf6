/// Where a chat is in its life: queued → offered → active → closed.
public enum ChatStatus: String, Sendable, Hashable {
    case queued, offered, active, closed
}
