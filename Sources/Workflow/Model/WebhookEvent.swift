/// The events a webhook may subscribe to, by the names receivers see in the payload's `event`.
public enum WebhookEvent: String, Sendable, Hashable, CaseIterable {
    case chatQueued = "chat.queued"
    case chatAssigned = "chat.assigned"
    case chatTransferred = "chat.transferred"
    case chatClosed = "chat.closed"
    case messageVisitor = "message.visitor"
    case messageAgent = "message.agent"
    case chatRated = "chat.rated"
}
