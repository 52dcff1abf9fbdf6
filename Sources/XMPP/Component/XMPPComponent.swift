import CoreMetrics
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Reconnect
import ServiceLifecycle

/// The router's link to the XMPP server as an external component (XEP-0114): connects,
/// authenticates with the shared secret, delivers incoming stanzas to the handler given to
/// `run`, and reconnects with backoff whenever the link drops or goes silent. Stanzas sent
/// while it is down, or caught by a link dying under them, wait in a bounded queue and go
/// out once it is back.
public final class XMPPComponent: Sendable {
    public let configuration: ComponentConfiguration
    private let group: any EventLoopGroup
    private let logger: Logger
    private let state: NIOLockedValueBox<LinkState>
    private let metrics = ComponentMetrics()

    private struct LinkState {
        var channel: (any Channel)?
        var queued: [XMLElement] = []
        var shuttingDown = false
        var pings = 0
        /// Links with a flush scheduled on their event loop (a link dropped meanwhile keeps its own).
        var flushScheduled: Set<ObjectIdentifier> = []
        let limit: Int
    }

    /// Our own pings carry this id prefix; they come back to us and are not passed on.
    static let pingPrefix = "sb-link-check-"

    public init(
        configuration: ComponentConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.configuration = configuration
        self.state = NIOLockedValueBox(LinkState(limit: configuration.outboundQueueLimit))
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
        metrics.sent.count(element.name)
        let channel: (any Channel)? = state.withLockedValue { state in
            if state.channel == nil { Self.enqueue(element, in: &state, logger: logger) }
            return state.channel
        }
        guard let channel else { return }
        // On the channel's loop, so that the flush below follows every write of this tick.
        channel.eventLoop.execute { [self] in
            // A link dying under the write keeps the stanza for the next one.
            channel.write(XMLStreamOutput.element(element)).whenFailure { [self] _ in
                state.withLockedValue { Self.enqueue(element, in: &$0, logger: logger) }
            }
            scheduleFlush(channel)
        }
    }

    /// One flush for every stanza written in this tick of the channel's event loop: stanzas of
    /// tasks running side by side leave in one write system call, not one each. On the loop only.
    private func scheduleFlush(_ channel: any Channel) {
        let link = ObjectIdentifier(channel)
        guard state.withLockedValue({ $0.flushScheduled.insert(link).inserted }) else { return }
        channel.eventLoop.execute { [state] in
            state.withLockedValue { _ = $0.flushScheduled.remove(link) }
            channel.flush()
        }
    }

    private static func enqueue(_ element: XMLElement, in state: inout LinkState, logger: Logger) {
        state.queued.append(element)
        guard state.queued.count > state.limit else { return }
        state.queued.removeFirst()
        logger.warning("outbound queue full while the link is down: dropped the oldest stanza")
    }

    /// Keeps the link up, handing every event to `handler` in order, until the service group
    /// shuts down gracefully (the stream is closed politely) or the task is cancelled.
    /// The next stanza is read only when `handler` returns: a slow handler slows the link.
    /// On graceful shutdown, `beforeClosing` runs before the stream is closed (stanzas still
    /// reach `handler` meanwhile, and what it sends still goes out).
    public func run(
        beforeClosing: @escaping @Sendable () async -> Void = {}, _ handler: @Sendable (ComponentEvent) async -> Void
    ) async {
        await withGracefulShutdownHandler {
            var failures = 0
            var standingBy = false
            while !Task.isCancelled && !state.withLockedValue({ $0.shuttingDown }) {
                let error: ComponentError
                do {
                    try await connectAndServe(handler) {
                        failures = 0
                        if standingBy { logger.notice("took over the service domain from the router that held it") }
                        standingBy = false
                    }
                    error = .closed
                } catch let failure as ComponentError {
                    error = failure
                } catch let failure {
                    // Errors of the channel itself: reset, EOF mid-stanza, a stream error from our decoder.
                    error = (failure as? StreamError).map(ComponentError.streamError) ?? .linkFailed("\(failure)")
                }
                metrics.up.record(0)
                if Task.isCancelled || state.withLockedValue({ $0.shuttingDown }) { break }
                let delay: Duration
                if let interval = configuration.standbyInterval, error.isConflict {
                    // Another router holds the domain: the normal state of a standby, so said
                    // once, not at every attempt; the short fixed interval is what makes the
                    // takeover quick, the growing backoff would make it slow.
                    delay = interval
                    if !standingBy { logger.notice("standing by: another router holds the service domain; trying every \(interval.formatted)") }
                    standingBy = true
                } else {
                    metrics.failures.increment()
                    failures += 1
                    let backoff = error.isRefusedConfiguration ? configuration.refusedBackoff : configuration.backoff
                    delay = backoff.delay(afterFailures: failures)
                    logger.error("component link down: \(error); retrying in \(delay.formatted)")
                }
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
            Task {
                await beforeClosing()
                channel.writeAndFlush(XMLStreamOutput.close, promise: nil)
                channel.eventLoop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
            }
        }
    }

    private func connectAndServe(
        _ handler: @Sendable (ComponentEvent) async -> Void, onConnected: () -> Void
    ) async throws {
        let link = try await ComponentHandshake.connect(configuration, group: group)
        try await link.executeThenClose { inbound, outbound in
            var events = inbound.makeAsyncIterator()
            try await ComponentHandshake.authenticate(configuration, channel: link.channel, events: &events, outbound: outbound)
            onConnected()
            guard attach(link.channel) else { return }
            logger.info("component link ready", metadata: ["server": "\(configuration.host):\(configuration.port)"])
            metrics.joins.increment()
            metrics.up.record(1)
            await handler(.connected)
            let lastRead = NIOLockedValueBox(NIODeadline.now())
            let check = watch(link.channel, lastRead: lastRead)
            defer { check.cancel() }
            while let event = try await events.next() {
                lastRead.withLockedValue { $0 = .now() }
                switch event {
                case .element(let element):
                    metrics.received.count(element.name)
                    if let stanza = Stanza(element) {
                        if case .iq(let iq) = stanza, iq.id?.hasPrefix(Self.pingPrefix) == true { continue }
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

    /// Makes `channel` the live link and sends what waited; false if shutting down. The link is
    /// dropped from the state the moment it closes, so later stanzas queue instead of failing.
    private func attach(_ channel: any Channel) -> Bool {
        let attached = state.withLockedValue { state in
            guard !state.shuttingDown else { return false }
            state.channel = channel
            for element in state.queued { channel.write(XMLStreamOutput.element(element), promise: nil) }
            channel.flush()
            state.queued = []
            return true
        }
        channel.closeFuture.whenComplete { [state] _ in
            state.withLockedValue { state in
                if state.channel === channel { state.channel = nil }
            }
        }
        return attached
    }

    /// Checks the link every keepalive interval. When nothing was read for half an interval it
    /// pings the server (any answer will do, even an error), so an idle link is pinged at every
    /// check; when nothing was read for two intervals, the link is dead without TCP noticing,
    /// and it is closed to reconnect.
    private func watch(_ channel: any Channel, lastRead: NIOLockedValueBox<NIODeadline>) -> RepeatedTask {
        let interval = TimeAmount(configuration.keepaliveInterval)
        let (domain, target) = (configuration.domain, configuration.pingTarget)
        return channel.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [state, logger] _ in
            let silence = NIODeadline.now() - lastRead.withLockedValue { $0 }
            if silence >= interval * 2 {
                logger.warning("component link silent for \(silence.nanoseconds / 1_000_000) ms: reconnecting")
                channel.close(promise: nil)
            } else if silence.nanoseconds * 2 >= interval.nanoseconds {
                let number = state.withLockedValue { state in
                    state.pings += 1
                    return state.pings
                }
                let ping = IQ(type: .get, id: "\(Self.pingPrefix)\(number)", to: try? JID(target), from: try? JID(domain),
                              payload: XMLElement("ping", namespace: Namespace.ping), namespace: Namespace.component)
                channel.writeAndFlush(XMLStreamOutput.element(ping.element), promise: nil)
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
