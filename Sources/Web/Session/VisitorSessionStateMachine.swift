/// One WebSocket's conversation as a value: frames in, decisions out. `VisitorConnection` feeds
/// it and carries out what it decides (Redis, the router); nothing here waits or does I/O, so
/// every rule of the protocol is checked by fast unit tests.
struct VisitorSessionStateMachine: Sendable {
    enum State: Sendable, Hashable {
        /// Nothing but `hello` is accepted yet.
        case greeting
        /// `hello` is being answered (the token looked up); frames wait for it.
        case greetingSent
        case open(token: String, session: WebSession)
    }

    /// What to do with a frame.
    enum Decision: Sendable, Hashable {
        /// Tell the widget; nothing changes.
        case refuse(ProtocolError)
        /// Look up or create the session, then call `greeted` (or `greetingFailed`).
        case greet(ClientMessage.Hello)
        case say(id: String, text: String, upload: String?, session: WebSession)
        case typing(ClientMessage.TypingState, session: WebSession)
        case end(id: String?, session: WebSession)
        case leaveMessage(name: String, email: String, text: String, session: WebSession)
        case rate(chat: String, score: Int, comment: String, session: WebSession)
        /// Typing beyond its rate: dropped without a word.
        case ignore
    }

    private(set) var state = State.greeting
    let limits: WebLimits
    /// Typing is throttled per connection; messages per session, across its connections, by the service.
    private var typingTimes: [ContinuousClock.Instant] = []
    private var ratingTimes: [ContinuousClock.Instant] = []

    init(limits: WebLimits) {
        self.limits = limits
    }

    /// A text frame arrived.
    mutating func received(_ text: String, now: ContinuousClock.Instant = .now) -> Decision {
        let message: ClientMessage
        do throws(ProtocolError) {
            message = try ClientMessage.decode(text, limits: limits)
        } catch {
            return .refuse(error)
        }
        switch (state, message) {
        case (.greeting, .hello(let hello)):
            state = .greetingSent
            return .greet(hello)
        case (.greeting, _), (.greetingSent, _):
            return .refuse(.helloFirst)
        case (.open, .hello):
            return .refuse(.alreadyGreeted)
        case (.open(_, let session), .message(let id, let text, let upload)):
            return .say(id: id, text: text, upload: upload, session: session)
        case (.open(_, let session), .typing(let typing)):
            guard Self.allow(&typingTimes, limit: limits.messagesPerSession, window: limits.window, now: now) else {
                return .ignore
            }
            return .typing(typing, session: session)
        case (.open(_, let session), .end(let id)):
            return .end(id: id, session: session)
        case (.open(_, let session), .offline(let name, let email, let text)):
            return .leaveMessage(name: name, email: email, text: text, session: session)
        case (.open(_, let session), .rating(let chat, let score, let comment)):
            guard Self.allow(&ratingTimes, limit: limits.messagesPerSession, window: limits.window, now: now) else {
                return .refuse(.rateLimited)
            }
            return .rate(chat: chat, score: score, comment: comment, session: session)
        }
    }

    /// A binary frame arrived: not part of the protocol.
    func receivedBinary() -> Decision { .refuse(.notBinary) }

    /// The hello was answered: the connection speaks for this session from now on.
    mutating func greeted(token: String, session: WebSession) {
        state = .open(token: token, session: session)
    }

    /// The hello was refused (bad token, unknown queue): the widget may say hello again.
    mutating func greetingFailed() {
        state = .greeting
    }

    /// The session's latest chat changed (the visitor wrote after a close).
    mutating func chatChanged(to chat: String) {
        guard case .open(let token, var session) = state else { return }
        session.chat = chat
        state = .open(token: token, session: session)
    }

    /// Sliding window: at most `limit` events in the last `window`.
    private static func allow(
        _ times: inout [ContinuousClock.Instant], limit: Int, window: Duration, now: ContinuousClock.Instant
    ) -> Bool {
        times.removeAll { now - $0 >= window }
        guard times.count < limit else { return false }
        times.append(now)
        return true
    }
}
