import Foundation
import HummingbirdWebSocket
import Logging
import Routing
import XMPP

/// Serves one visitor's WebSocket: reads frames through the session state machine, carries out
/// its decisions with the router and Redis, and hands everything to send to the outbox.
struct VisitorConnection: Sendable {
    let service: WebServiceContext
    /// The peer's address, for the per-address limits.
    let address: String

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        var machine = VisitorSessionStateMachine(limits: service.limits)
        let (events, outbox) = AsyncStream.makeStream(of: Outgoing.self)
        var listening: (visitor: String, id: Int)?
        var writer: Task<Void, Never>?
        defer {
            if let listening { service.hub.stop(visitor: listening.visitor, id: listening.id) }
            outbox.finish()
        }
        let write: @Sendable (String) async throws -> Void = { try await outbound.write(.text($0)) }
        // Until hello is answered, replies go straight out (there is no session yet for an outbox).
        var iterator = inbound.messages(maxSize: service.limits.frameBytes + 1).makeAsyncIterator()
        while let frame = try await iterator.next() {
            let decision: VisitorSessionStateMachine.Decision
            if !service.framesPerAddress.allow(address) {
                decision = .refuse(.rateLimited)
            } else if case .text(let text) = frame {
                decision = machine.received(text)
            } else {
                decision = machine.receivedBinary()
            }
            func send(_ message: ServerMessage) async throws {
                if writer == nil { try await write(message.json) } else { outbox.yield(.send(message)) }
            }
            switch decision {
            case .say(_, _, _, let session), .leaveMessage(_, _, _, let session):
                guard service.messagesPerSession.allow(session.visitor) else {
                    try await send(.error(.rateLimited))
                    continue
                }
            default:
                break
            }
            switch decision {
            case .refuse(let error):
                try await send(.error(error))
            case .ignore:
                break
            case .greet(let hello):
                do {
                    let (token, session) = try await greet(hello)
                    let greeting = try await sessionMessage(token: token, session: session)
                    machine.greeted(token: token, session: session)
                    // Listening before the replay is read: a notice published meanwhile is not lost.
                    listening = (session.visitor, service.hub.listen(visitor: session.visitor, outbox))
                    let outboxTask = VisitorOutbox(
                        store: service.store, desk: service.desk, visitor: session.visitor, queue: session.queue,
                        logger: service.logger)
                    writer = Task {
                        await outboxTask.run(events, write: write) {
                            try? await outbound.close(.unexpectedServerError, reason: "please reconnect")
                        }
                    }
                    outbox.yield(.send(greeting))
                    if session.chat.isEmpty {
                        outbox.yield(.resync)  // an open chat the session did not get to remember, if any
                    } else {
                        outbox.yield(.follow(chat: session.chat, after: hello.chat == session.chat ? hello.after ?? -1 : -1))
                    }
                } catch {
                    machine.greetingFailed()
                    try await send(.error(error as? ProtocolError ?? .unavailable))
                }
            case .say(let id, var text, let upload, let session):
                do {
                    // A file goes as a line naming it and its address, after the visitor's words if any.
                    var file: Upload?
                    if let upload {
                        guard let found = try await service.uploads?.find(upload, of: session.visitor) else {
                            outbox.yield(.send(.error(.badRequest("no such upload of this session"))))
                            continue
                        }
                        file = found
                        text = text.isEmpty ? found.line : text + "\n" + found.line
                    }
                    let chat = try await service.desk.visitorSays(
                        text, messageID: id, visitor: session.visitor, name: session.displayName, greeting: session.name,
                        queue: session.queue, attachment: file?.attachment)
                    if let file { try await service.uploads?.attach(file, to: chat.chat) }
                    outbox.yield(.send(.received(id: id)))
                    try await follow(chat, session: session, machine: &machine, outbox: outbox)
                } catch {
                    service.logger.error("a web visitor's message could not be kept: \(error)")
                    outbox.yield(.send(.error(.unavailable)))
                }
            case .typing(let state, let session):
                do {
                    try await service.desk.visitorTyping(
                        state == .composing ? .composing : .paused, visitor: session.visitor, queue: session.queue)
                } catch {
                    service.logger.warning("a web visitor's typing could not be passed on: \(error)")
                }
            case .end(let id, let session):
                do {
                    try await service.desk.visitorEnds(visitor: session.visitor, queue: session.queue, endID: id)
                } catch {
                    outbox.yield(.send(.error(.unavailable)))
                }
            case .rate(let chat, let score, let comment, let session):
                do {
                    // The comment is kept in the chat and the event stream: redacted like any line.
                    let outcome = try await service.store.rate(
                        queue: session.queue, visitor: session.visitor, chat: chat, score: score,
                        comment: service.desk.rules.redactor.redact(comment).text)
                    outbox.yield(.send(outcome.succeeded ? .rated(chat: chat, score: score) : .error(.notRatable)))
                } catch {
                    service.logger.error("a web visitor's rating could not be kept: \(error)")
                    outbox.yield(.send(.error(.unavailable)))
                }
            case .leaveMessage(let name, let email, let text, let session):
                do {
                    let chat = try await service.leaveMessage(name: name, email: email, text: text, session: session)
                    outbox.yield(.send(.notice("Thank you, your message is kept; we will answer as soon as we can.")))
                    try await follow(chat, session: session, machine: &machine, outbox: outbox)
                } catch {
                    service.logger.error("an offline message could not be kept: \(error)")
                    outbox.yield(.send(.error(.unavailable)))
                }
            }
        }
        outbox.finish()
        await writer?.value
    }

    /// Finds the session of the hello's token, or makes one.
    private func greet(_ hello: ClientMessage.Hello) async throws(ProtocolError) -> (String, WebSession) {
        do {
            if let token = hello.token {
                guard var session = try await service.sessions.find(token) else { throw ProtocolError.invalidToken }
                let name = hello.name ?? session.name, email = hello.email ?? session.email
                if name != session.name || email != session.email {
                    try await service.sessions.update(name: name, email: email, token: token)
                    session.name = name
                    session.email = email
                }
                return (token, session)
            }
            guard service.desk.rules.queue(hello.queue) != nil else { throw ProtocolError.unknownQueue(hello.queue) }
            return try await service.sessions.create(queue: hello.queue, name: hello.name ?? "", email: hello.email ?? "")
        } catch let error as ProtocolError {
            throw error
        } catch {
            service.logger.error("cannot look up a web session: \(error)")
            throw .unavailable
        }
    }

    private func sessionMessage(token: String, session: WebSession) async throws -> ServerMessage {
        let rules = service.desk.rules
        let queue = rules.queue(session.queue)
        return .session(
            token: token, queue: session.queue, title: queue?.title ?? session.queue, form: service.form(session.queue),
            online: try await service.canServe(session.queue),
            uploads: service.uploads.map { .init(maxBytes: $0.settings.maxBytes, types: $0.settings.types) })
    }

    /// After a message is kept: a new chat (the first, or one after a close) is remembered and
    /// shown from its start; otherwise the outbox sends the new lines.
    private func follow(
        _ chat: Enqueued, session: WebSession, machine: inout VisitorSessionStateMachine, outbox: AsyncStream<Outgoing>.Continuation
    ) async throws {
        guard chat.chat != session.chat, case .open(let token, _) = machine.state else {
            outbox.yield(.catchUp)
            return
        }
        try await service.sessions.remember(chat: chat.chat, token: token)
        machine.chatChanged(to: chat.chat)
        outbox.yield(.follow(chat: chat.chat, after: -1))
    }
}
