import XMPP

/// What an address of the service domain names: a queue (`sales@support.example`), one chat on
/// the agents' side (`chat-42@support.example`), or the service itself (`support.example`).
/// The one place that knows the `chat-` spelling: the router dispatches on it, consoles and
/// the floor component read it, and workflows may not name a queue like it.
public enum ChatAddress: Sendable, Hashable {
    case queue(String)
    case chat(String)
    case service

    /// The local part that starts every chat's address.
    public static let chatPrefix = "chat-"

    /// What a local part names (nil: the service domain itself).
    public init(local: String?) {
        guard let local else {
            self = .service
            return
        }
        if local.hasPrefix(Self.chatPrefix) {
            self = .chat(String(local.dropFirst(Self.chatPrefix.count)))
        } else {
            self = .queue(local)
        }
    }

    /// What `jid` names, or nil when it is not an address of `domain`.
    public init?(_ jid: JID, domain: String) {
        guard jid.domain == domain else { return nil }
        self.init(local: jid.local)
    }

    /// The local part (nil for the service).
    public var local: String? {
        switch self {
        case .queue(let name): name
        case .chat(let id): Self.chatPrefix + id
        case .service: nil
        }
    }

    /// The address in `domain`, or nil when the name cannot be a JID's local part.
    public func jid(domain: String) -> JID? {
        try? JID(local: local, domain: domain)
    }

    /// How people see a chat named in text: `chat-42`.
    public static func name(ofChat id: String) -> String { chatPrefix + id }

    /// Whether a name would be read as a chat's address (so no queue may have it).
    public static func isChatName(_ name: String) -> Bool { name.hasPrefix(chatPrefix) }

    /// The chat a person names when they type one: `42`, `chat-42` and `chat-42@support.example`
    /// all name chat 42.
    public static func chatID(typed text: String) -> String {
        let local = text.split(separator: "@").first.map(String.init) ?? text
        if case .chat(let id) = ChatAddress(local: local) { return id }
        return local
    }
}
