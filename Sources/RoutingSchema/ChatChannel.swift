/// How a visitor reached Switchboard.
public enum ChatChannel: String, Sendable, Hashable {
    case xmpp, web
}
