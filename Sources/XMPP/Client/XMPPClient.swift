import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TLS

/// A logged-in XMPP client session (c2s): STARTTLS, SASL SCRAM-SHA-1 or PLAIN, resource
/// binding, then stanzas both ways. Used by the agent console, the tests and the load
/// generator. It does not reconnect by itself: its owner decides what a lost session means.
public final class XMPPClient: Sendable {
    /// The full address the server bound.
    public let jid: JID
    /// The SASL mechanism that logged in (`SCRAM-SHA-1`, `PLAIN`).
    public let mechanism: String
    /// Whether the stream runs over TLS.
    public let isEncrypted: Bool
    /// Incoming stanzas, except the IQ responses `request` waits for. Ends when the session
    /// ends, with an error if it ended abnormally. One consumer.
    public let stanzas: AsyncThrowingStream<Stanza, any Error>

    private let channel: any Channel
    private let logger: Logger
    private let requests = NIOLockedValueBox(PendingRequests())
    private let reader: NIOLockedValueBox<Task<Void, Never>?> = NIOLockedValueBox(nil)

    private struct PendingRequests {
        /// Each request waits for a response from the entity it was sent to.
        var waiting: [String: (continuation: CheckedContinuation<IQ, any Error>, responder: JID?)] = [:]
        var counter = 0
        var ended: (any Error)?
    }

    /// Ids are unguessable, so another entity cannot answer a request in the server's name.
    private let idPrefix = "sb" + String(UInt64.random(in: 0...UInt64.max), radix: 36) + "-"


    /// Connects, negotiates the stream and binds a resource.
    public static func connect(
        _ configuration: ClientConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) async throws(ClientError) -> XMPPClient {
        let link: XMLStreamChannel
        do {
            link = try await XMLStreamChannel.connect(
                host: configuration.connectHost, port: configuration.port, timeout: configuration.connectTimeout,
                limits: configuration.limits, group: eventLoopGroup)
        } catch {
            throw .connectFailed("\(configuration.connectHost):\(configuration.port): \(error)")
        }
        // Writes go straight to the channel (from any task); the async writer is not used.
        link.outbound.finish()
        var logger = logger
        logger[metadataKey: "jid"] = "\(configuration.jid.bare)"
        var negotiation = ClientNegotiation(configuration: configuration, link: link, logger: logger)
        do {
            let outcome = try await negotiation.run()
            return XMPPClient(outcome, link: link, events: negotiation.events, logger: logger)
        } catch {
            try? await link.channel.close()
            throw error
        }
    }

    private init(
        _ outcome: ClientNegotiation.Outcome, link: XMLStreamChannel,
        events: NIOAsyncChannelInboundStream<XMLStreamEvent>.AsyncIterator, logger: Logger
    ) {
        self.jid = outcome.jid
        self.mechanism = outcome.mechanism
        self.isEncrypted = outcome.isEncrypted
        self.channel = link.channel
        self.logger = logger
        let (stanzas, continuation) = AsyncThrowingStream<Stanza, any Error>.makeStream()
        self.stanzas = stanzas
        nonisolated(unsafe) var events = events
        let task = Task { [self] in
            do {
                while let event = try await events.next() {
                    switch event {
                    case .element(let element):
                        if let stanza = Stanza(element) {
                            if case .iq(let iq) = stanza, resume(iq) { continue }
                            continuation.yield(stanza)
                        } else if let error = StreamError(element) {
                            throw ClientError.streamError(error)
                        }
                    case .streamClosed:
                        channel.close(promise: nil)
                    case .streamOpened:
                        throw ClientError.protocolViolation("a second stream header")
                    }
                }
                end(ClientError.closed)
                continuation.finish()
            } catch {
                end(error)
                continuation.finish(throwing: error)
            }
        }
        reader.withLockedValue { $0 = task }
    }

    /// Sends a stanza.
    public func send(_ stanza: some StanzaElement) async throws {
        try await channel.writeAndFlush(XMLStreamOutput.element(stanza.element))
    }

    /// Sends an IQ request and waits for its `result`; an `error` response is thrown as `StanzaError`.
    public func request(_ iq: IQ, timeout: Duration = .seconds(10)) async throws -> IQ {
        var iq = iq
        if iq.id == nil { iq.id = nextID() }
        let id = iq.id!
        let response = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<IQ, any Error>) in
            let ended: (any Error)? = requests.withLockedValue { requests in
                if let ended = requests.ended { return ended }
                requests.waiting[id] = (continuation, iq.to)
                return nil
            }
            if let ended { return continuation.resume(throwing: ended) }
            channel.writeAndFlush(XMLStreamOutput.element(iq.element)).whenFailure { error in
                self.requests.withLockedValue { $0.waiting.removeValue(forKey: id) }?.continuation.resume(throwing: error)
            }
            channel.eventLoop.scheduleTask(in: .init(timeout)) {
                self.requests.withLockedValue { $0.waiting.removeValue(forKey: id) }?.continuation
                    .resume(throwing: ClientError.timeout)
            }
        }
        if let error = response.error { throw error }
        return response
    }

    /// A fresh stanza id for this session.
    public func nextID() -> String {
        requests.withLockedValue { requests in
            requests.counter += 1
            return idPrefix + String(requests.counter)
        }
    }

    /// Ends the session: closes the stream and the connection.
    public func close() async {
        guard channel.isActive else { return }
        try? await channel.writeAndFlush(XMLStreamOutput.close)
        try? await channel.close()
        await reader.withLockedValue { $0 }?.value
    }

    /// Hands an IQ response to the request waiting for it; false if none waits. RFC 6120
    /// §8.1.2.1: a response counts only from the entity asked (for a request to our own
    /// account or server, from nobody, the account, or the server).
    private func resume(_ iq: IQ) -> Bool {
        guard iq.type == .result || iq.type == .error, let id = iq.id else { return false }
        let own: Set<JID?> = [nil, jid.bare, try? JID(domain: jid.domain)]
        let waiting = requests.withLockedValue { requests -> CheckedContinuation<IQ, any Error>? in
            guard let pending = requests.waiting[id] else { return nil }
            let fromAsked = pending.responder.map { iq.from == $0 || ($0 == jid.bare && iq.from == nil) } ?? own.contains(iq.from)
            guard fromAsked else { return nil }
            return requests.waiting.removeValue(forKey: id)?.continuation
        }
        guard let waiting else { return false }
        waiting.resume(returning: iq)
        return true
    }

    private func end(_ error: any Error) {
        let waiting = requests.withLockedValue { requests in
            requests.ended = error
            defer { requests.waiting = [:] }
            return requests.waiting.values.map(\.continuation)
        }
        for continuation in waiting { continuation.resume(throwing: error) }
        logger.debug("session ended", metadata: ["reason": "\(error)"])
    }
}
