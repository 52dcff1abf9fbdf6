import RoutingSchema
import Workflow

/// What the webhooks service reads of the router's Redis layout, all in this one place, named by
/// the routing schema (`RoutingKeys`, `RoutingEvent`).
enum RoutingStream {
    /// The routing event stream of a deployment.
    static func events(prefix: String) -> String { RoutingKeys(prefix: prefix).events }

    /// A chat's transcript: a list of JSON lines `{t, kind, from, text}`, `t` in ms since 1970.
    static func transcript(prefix: String, chat: String) -> String { RoutingKeys(prefix: prefix).transcript(chat) }

    /// Fields every event has; the rest are the event's own (`visitor`, `by`, `to_queue`...).
    static let typeField = "type", chatField = "chat", timeField = "ts"

    /// The index of the event's transcript line, for routers that write it; without it the line is
    /// found by its time (see `TranscriptText`).
    static let lineField = "line"

    /// The webhook event a routing event is delivered as, if any. A manual accept (`accepted`)
    /// assigns the chat as an automatic one (`assigned`) does; offers, declines, presence and the
    /// like are not delivered.
    static func webhookEvent(type: String) -> WebhookEvent? {
        switch RoutingEvent(rawValue: type) {
        case .queued: return .chatQueued
        case .assigned, .accepted: return .chatAssigned
        case .transferred: return .chatTransferred
        case .closed: return .chatClosed
        case .visitorMessage: return .messageVisitor
        case .agentMessage: return .messageAgent
        case .rated: return .chatRated
        default: return nil
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
