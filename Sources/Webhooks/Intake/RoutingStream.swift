import Workflow

/// What the webhooks service reads of the router's Redis layout, written as today's router writes
/// it (`Prelude.emit`, `RoutingKeys`), all in this one place so it can come from the routing
/// schema's own names once there is a shared module for them.
enum RoutingStream {
    /// The routing event stream of a deployment.
    static func events(prefix: String) -> String { "{\(prefix)}:events" }

    /// A chat's transcript: a list of JSON lines `{t, kind, from, text}`, `t` in ms since 1970.
    static func transcript(prefix: String, chat: String) -> String { "{\(prefix)}:chat:\(chat):transcript" }

    /// Fields every event has; the rest are the event's own (`visitor`, `by`, `to_queue`...).
    static let typeField = "type", chatField = "chat", timeField = "ts"

    /// The index of the event's transcript line, for routers that write it; without it the line is
    /// found by its time (see `TranscriptText`).
    static let lineField = "line"

    /// The webhook event a routing event is delivered as, if any. A manual accept (`accepted`)
    /// assigns the chat as an automatic one (`assigned`) does; offers, declines, presence and the
    /// like are not delivered.
    static func webhookEvent(type: String) -> WebhookEvent? {
        switch type {
        case "queued": .chatQueued
        case "assigned", "accepted": .chatAssigned
        case "transferred": .chatTransferred
        case "closed": .chatClosed
        case "visitor_message": .messageVisitor
        case "agent_message": .messageAgent
        // No router writes ratings yet; this is the name the stats and webhooks expect when one does.
        case "rated": .chatRated
        default: nil
        }
    }

    /// The transcript `kind` of a message event's line.
    static func transcriptKind(of event: WebhookEvent) -> String? {
        switch event {
        case .messageVisitor: "visitor"
        case .messageAgent: "agent"
        default: nil
        }
    }
}
