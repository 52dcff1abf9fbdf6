import Reconnect
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The router's link to the XMPP server as an external component (XEP-0114): connects,
/// authenticates with the shared secret, delivers incoming stanzas to the handler given to
/// `run`, and reconnects with backoff whenever the link drops. Stanzas sent while it is down
/// wait in a bounded queue and go out once it is back.
public final class XMPPComponent: Sendable {
    public let configuration: ComponentConfiguration
    private let group: any EventLoopGroup
    private let logger: Logger
    private let state = NIOLockedValueBox(LinkState())

    private struct LinkState {
        var channel: (any Channel)?
        var queued: [XMLElement] = []
        var shuttingDown = false
    }

    public init(
        configuration: ComponentConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.configuration = configuration
        self.group = eventLoopGroup
        var logger = logger
        logger[metadataKey: "domain"] = "\(configuration.domain)"
        self.logger = logger
    }

    /// Sends a stanza, or queues it until the link is up.
    public func send(_ stanza: some StanzaElement) {
        send(stanza.element)
    }

    /// Sends a top-level element, or queues it until the link is up.
    public func send(_ element: XMLElement) {
        let dropped: Bool = state.withLockedValue { state in
            if let channel = state.channel {
                channel.writeAndFlush(XMLStreamOutput.element(element), promise: nil)
                return false
            }
            state.queued.append(element)
            guard state.queued.count > configuration.outboundQueueLimit else { return false }
            state.queued.removeFirst()
            return true
        }
        if dropped {
            logger.warning("outbound queue full while the link is down: dropped the oldest stanza")
        }
    }

    /// Keeps the link up, handing every event to `handler` in order, until the service group
    /// shuts down gracefully (the stream is closed politely) or the task is cancelled.
    /// The next stanza is read only when `handler` returns: a slow handler slows the link.
    public func run(_ handler: @Sendable (ComponentEvent) async -> Void) async {
        await withGracefulShutdownHandler {
            var failures = 0
            while !Task.isCancelled && !state.withLockedValue({ $0.shuttingDown }) {
                let error: ComponentError
                do {
                    try await connectAndServe(handler) { failures = 0 }
                    error = .closed
                } catch let failure as ComponentError {
                    error = failure
                } catch let failure {
                    // Errors of the channel itself: reset, EOF mid-stanza, a stream error from our decoder.
                    error = (failure as? StreamError).map(ComponentError.streamError) ?? .linkFailed("\(failure)")
                }
                state.withLockedValue { $0.channel = nil }
                if Task.isCancelled || state.withLockedValue({ $0.shuttingDown }) { break }
                failures += 1
                let delay = configuration.backoff.delay(afterFailures: failures)
                logger.error("component link down: \(error); retrying in \(delay.formatted)")
                await handler(.disconnected(error, retryIn: delay))
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
            }
            logger.info("component link closed")
        } onGracefulShutdown: {
            let channel = self.state.withLockedValue { state in
                state.shuttingDown = true
                return state.channel
            }
            // Close the stream politely: the server answers with its own </stream:stream>, which
            // ends the read loop and the connection. A server that does not answer is cut off.
            guard let channel else { return }
            channel.writeAndFlush(XMLStreamOutput.close, promise: nil)
            channel.eventLoop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
        }
    }

    private func connectAndServe(
        _ handler: @Sendable (ComponentEvent) async -> Void, onConnected: () -> Void
    ) async throws {
        let channel = try await ComponentHandshake.connect(configuration, group: group)
        try await channel.executeThenClose { inbound, outbound in
            var events = inbound.makeAsyncIterator()
            try await ComponentHandshake.authenticate(configuration, channel: channel.channel, events: &events, outbound: outbound)
            onConnected()
            let shuttingDown = state.withLockedValue { state in
                guard !state.shuttingDown else { return true }
                state.channel = channel.channel
                for element in state.queued { channel.channel.write(XMLStreamOutput.element(element), promise: nil) }
                channel.channel.flush()
                state.queued = []
                return false
            }
            if shuttingDown { return }
            logger.info("component link ready", metadata: ["server": "\(configuration.host):\(configuration.port)"])
            await handler(.connected)
            let keepalive = channel.channel.eventLoop.scheduleRepeatedTask(
                initialDelay: .init(configuration.keepaliveInterval), delay: .init(configuration.keepaliveInterval)
            ) { [channel = channel.channel] _ in
                channel.writeAndFlush(XMLStreamOutput.keepalive, promise: nil)
            }
            defer { keepalive.cancel() }
            while let event = try await events.next() {
                switch event {
                case .element(let element):
                    if let stanza = Stanza(element) {
                        await handler(.stanza(stanza))
                    } else if let error = StreamError(element) {
                        throw ComponentError.streamError(error)
                    } else {
                        logger.debug("ignored a non-stanza element", metadata: ["element": "\(element.name)"])
                    }
                case .streamClosed:
                    return
                case .streamOpened:
                    throw ComponentError.protocolViolation("a second stream header")
                }
            }
        }
    }
}

extension Duration {
    /// A short human form for logs: `250ms`, `1.5s`.
    var formatted: String {
        seconds < 1 ? "\(Int(seconds * 1000))ms" : "\((seconds * 10).rounded() / 10)s"
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        self = .nanoseconds(Int64(duration.seconds * 1e9))
    }
}
