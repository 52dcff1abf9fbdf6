import Routing

/// A web visitor's input relayed through Redis, for a web service that runs beside the routers
/// (`switchboard web`) instead of inside one: published on `WebKeys.requests`, answered
/// on `WebKeys.replies` by the one router that claims it (`WebKeys.requestClaim`, set only if
/// absent): every router receives every request, and one answering it twice would relay typing
/// twice or answer a second `end` with "You have no open chat here".
public struct VisitorRequest: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, Hashable {
        case say, typing, end
    }

    public var id: String
    public var kind: Kind
    public var visitor: String
    public var queue: String
    public var text: String?
    public var messageID: String?
    public var name: String?
    public var greeting: String?
    /// For `typing`: `composing` or `paused`.
    public var state: String?
    /// For `say`: a file the visitor sent with the text (`POST /upload`).
    public var attachment: Attachment?

    public init(
        id: String, kind: Kind, visitor: String, queue: String, text: String? = nil, messageID: String? = nil,
        name: String? = nil, greeting: String? = nil, state: String? = nil, attachment: Attachment? = nil
    ) {
        self.attachment = attachment
        self.id = id
        self.kind = kind
        self.visitor = visitor
        self.queue = queue
        self.text = text
        self.messageID = messageID
        self.name = name
        self.greeting = greeting
        self.state = state
    }
}

/// A router's answer to a `VisitorRequest`: what became of a message, or why it failed.
public struct VisitorReply: Codable, Sendable, Hashable {
    public var id: String
    public var error: String?
    public var chat: String?
    public var created: Bool?
    public var position: Int?
    public var state: String?
    public var agent: String?
    public var messageStored: Bool?

    public init(id: String, error: String? = nil, enqueued: Enqueued? = nil) {
        self.id = id
        self.error = error
        self.chat = enqueued?.chat
        self.created = enqueued?.created
        self.position = enqueued?.position
        self.state = enqueued?.state.rawValue
        self.agent = enqueued?.agent
        self.messageStored = enqueued?.messageStored
    }

    /// The message's fate as the router saw it (supervisors watching are not relayed).
    public var enqueued: Enqueued? {
        guard let chat else { return nil }
        return Enqueued(
            chat: chat, created: created ?? false, position: position ?? 0,
            state: state.flatMap(ChatStatus.init(rawValue:)) ?? .queued, agent: agent ?? "", messageStored: messageStored ?? false)
    }
}
