import Foundation
import Logging
import Redis
import Routing
import Workflow

/// What every connection of the web service shares: the router, Redis, limits and the hub.
struct WebServiceContext: Sendable {
    let desk: any VisitorDesk
    let forms: WebForms
    let store: RoutingStore
    let sessions: WebSessions
    let hub: VisitorHub
    let limits: WebLimits
    let connectionsPerAddress: FloodLimiter
    let framesPerAddress: FloodLimiter
    /// Messages per session, whatever connection they come on (a reconnect does not reset it).
    let messagesPerSession: FloodLimiter
    /// Files visitors send, if the workflow allows them (`http.uploads`).
    let uploads: UploadStore?
    let logger: Logger

    init(
        desk: any VisitorDesk, forms: WebForms, store: RoutingStore, redis: RedisClient, limits: WebLimits, uploads: UploadSettings?,
        logger: Logger
    ) {
        self.desk = desk
        self.forms = forms
        self.store = store
        self.sessions = WebSessions(redis: redis, keys: WebKeys(store.keys))
        self.hub = VisitorHub()
        self.limits = limits
        self.connectionsPerAddress = FloodLimiter(limit: limits.connectionsPerAddress, window: limits.window)
        self.framesPerAddress = FloodLimiter(limit: limits.framesPerAddress, window: limits.window)
        self.messagesPerSession = FloodLimiter(limit: limits.messagesPerSession, window: limits.window)
        self.uploads = uploads.map { UploadStore(settings: $0, redis: redis, keys: WebKeys(store.keys), routing: store.keys) }
        self.logger = logger
    }

    /// The details a queue's widget asks for before the chat (the workflow's `web_form`).
    func form(_ queue: String) -> ServerMessage.Form {
        forms.form(queue)
    }

    /// Whether a chat in `queue` opened now would be served: false when it would be closed at once
    /// (out of hours, or nobody available, where the queue closes such chats). The widget then
    /// offers the offline form instead of the chat.
    func canServe(_ queue: String) async throws -> Bool {
        guard let queue = desk.rules.queue(queue) else { return false }
        if !queue.isOpen(at: Date()) { return !queue.closeOutOfHours }
        guard queue.closeWithoutAgents else { return true }
        return try await !store.available(queue.plan.candidates.map(\.jid)).isEmpty
    }

    /// The offline form: the message opens a chat like any other (so it is routed, counted and
    /// kept), with the e-mail address in the name agents see, to answer later.
    func leaveMessage(name: String, email: String, text: String, session: WebSession) async throws -> Enqueued {
        var session = session
        session.name = name
        session.email = email
        let id = "offline-" + UUID().uuidString
        // A message left waits for an answer with no max wait: it was left because nobody could answer.
        try await store.offerToLeaveMessage(queue: session.queue, visitor: session.visitor, within: .seconds(60))
        return try await desk.visitorSays(
            text, messageID: id, visitor: session.visitor, name: session.displayName, greeting: name, queue: session.queue,
            attachment: nil)
    }
}
