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
        var acks: ServerAcknowledgements
        /// When the live link last brought anything (or another link an answer to its ping).
        var lastHeard = NIODeadline.now()
        /// Where answers and bounces that belong to another component of the domain go.
        var answersForOthers: (@Sendable (LinkAnswer) -> Void)?
        /// Where bounces that came after their stanza counted as routed go.
        var lateBounces: (@Sendable (LateBounce) -> Void)?
        let limit: Int
    }

    /// Every component's link checks carry this id prefix; their answers are not passed on.
    static let pingPrefix = "sb-link-check-"
    /// How long `sendAcknowledged` waits for the server's answer to its ping by default.
    public static let ackTimeout: Duration = .seconds(10)
    /// This component's own link checks: `sb-link-check-INSTANCE-`.
    private let ownPings: String
    /// This component's own acknowledgement pings: `sb-ack-INSTANCE-`.
    private let ownAcks: String

    public init(
        configuration: ComponentConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.configuration = configuration
        let acks = ServerAcknowledgements(instance: configuration.instance)
        self.state = NIOLockedValueBox(LinkState(acks: acks, limit: configuration.outboundQueueLimit))
        self.ownAcks = acks.own
        self.ownPings = "\(Self.pingPrefix)\(configuration.instance)-"
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

    /// Sends stanzas (in order, each with an `id`) and waits until the server has handled them:
    /// XEP-0114 acknowledges nothing, so a ping follows them on the link, and the server's
    /// answer says it routed each (or sent it back as an error first). Unlike `send`, nothing
    /// waits for the next link: while the link is down, or if it drops under them, they are
    /// `.unknown` and the caller decides whether to send them again.
    public func sendAcknowledged(_ stanzas: [XMLElement], timeout: Duration = ackTimeout) async -> [ServerHandling] {
        // A server that stopped answering leaves at most `waiterLimit` sends waiting; the rest are not sent.
        guard let channel = state.withLockedValue({ $0.acks.isFull ? nil : $0.channel }), !stanzas.isEmpty else {
            return stanzas.map { _ in .unknown }
        }
        let sent = stanzas.map { stanza in
            guard let id = stanza[attribute: "id"] else { preconditionFailure("an acknowledged stanza needs an id") }
            return LateBounce(id: id, from: stanza[attribute: "from"], to: stanza[attribute: "to"])
        }
        let ids = sent.map(\.id)
        return await withCheckedContinuation { (continuation: ServerAcknowledgements.Waiter) in
            // One task on the link's loop: the stanzas leave together, followed by one ping.
            channel.eventLoop.execute { [self] in
                let link = ObjectIdentifier(channel)
                for stanza in stanzas {
                    metrics.sent.count(stanza.name)
                    channel.write(XMLStreamOutput.element(stanza), promise: nil)
                }
                let (ping, isNew) = state.withLockedValue { state in
                    var next = (ping: "", isNew: false)
                    for stanza in sent {
                        let followed = state.acks.follow(stanza, on: link, timeout: timeout)
                        next = (followed.ping, next.isNew || followed.isNew)
                    }
                    state.acks.wait(for: next.ping, stanzas: ids, continuation)
                    return next
                }
                if isNew { writePing(ping, after: link, on: channel, timeout: timeout) }
                scheduleFlush(channel)
            }
        }
    }

    /// The ping after this tick's acknowledged stanzas, queued behind them on the event loop.
    private func writePing(_ id: String, after link: ObjectIdentifier, on channel: any Channel, timeout: Duration) {
        channel.eventLoop.execute { [self] in
            state.withLockedValue { $0.acks.pingWritten(id, on: link) }
            let ping = IQ(type: .get, id: id, to: try? JID(configuration.pingTarget), from: try? JID(configuration.domain),
                          payload: XMLElement("ping", namespace: Namespace.ping), namespace: Namespace.component)
            metrics.sent.count("iq")
            channel.write(XMLStreamOutput.element(ping.element)).whenFailure { [self] _ in settle(id, answered: false) }
            // A flush scheduled before this task (by a plain send in the same tick) has gone by:
            // without one of its own the ping would wait for the next stanza to leave.
            scheduleFlush(channel)
            // Its answer must be read even while the reader holds back (see InboundTap).
            try? channel.pipeline.syncOperations.handler(type: InboundTap.self).readNow()
            channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) { [self] in settle(id, answered: false) }
        }
    }

    /// On the event loop, before the reader: the answer to one of our acknowledgement pings
    /// settles it, to one of our link checks shows the link alive (both go no further); an error
    /// for a stanza waited for marks it bounced (and goes on). Answers to another component's
    /// pings, and bounces of another's acknowledged lines (ids `sb-…`), are handed on to it; a
    /// bounce of one of ours already counted as routed goes to the late bounces' handler.
    private func acknowledgement(_ element: XMLElement) -> Bool {
        let (others, late) = state.withLockedValue { state in
            state.lastHeard = .now()
            return (state.answersForOthers, state.lateBounces)
        }
        guard let id = element[attribute: "id"] else { return false }
        let type = element[attribute: "type"]
        if element.name == "iq", type == "result" || type == "error",
           id.hasPrefix(ServerAcknowledgements.prefix) || id.hasPrefix(Self.pingPrefix) {
            // Taken here, it never reaches the reader that counts the rest.
            metrics.received.count("iq")
            if id.hasPrefix(ownAcks) {
                settle(id, answered: true)
            } else if !id.hasPrefix(ownPings), id.utf8.count <= LinkAnswer.maxIDLength {
                others?(.answered(id))
            }
            return true
        }
        if element.name == "message", type == "error", id.hasPrefix("sb-"), id.utf8.count <= LinkAnswer.maxIDLength {
            switch state.withLockedValue({ $0.acks.error(for: id) }) {
            case .waited: break
            case .late(let bounce): hand(bounce, to: late)
            case .unknown: others?(.bounced(id))
            }
        }
        return false
    }

    /// Answers and bounces read on this component's link that belong to another component of
    /// the domain go to `relay` (which carries them to the others' `takeRelayedAnswer`). Without
    /// one they are dropped: fine with one link per domain (Prosody), where none arrive.
    public func handOtherAnswers(to relay: @escaping @Sendable (LinkAnswer) -> Void) {
        state.withLockedValue { $0.answersForOthers = relay }
    }

    /// Bounces of stanzas this component had already counted as routed go to `handler`: with
    /// several links to the domain the error can reach another link, and be handed over only
    /// after the answer to the ping behind the stanza was read here. Without one they are
    /// logged and dropped.
    public func handLateBounces(to handler: @escaping @Sendable (LateBounce) -> Void) {
        state.withLockedValue { $0.lateBounces = handler }
    }

    private func hand(_ bounce: LateBounce, to handler: (@Sendable (LateBounce) -> Void)?) {
        guard let handler else {
            logger.warning("a stanza counted as routed was sent back late; nothing takes it", metadata: ["id": "\(bounce.id)"])
            return
        }
        handler(bounce)
    }

    /// An answer or bounce another component of the domain read on its link: if it is ours, it
    /// counts as if read here (an answer to our link check proves the server took our ping), or,
    /// for a stanza that counted as routed already, goes to the late bounces' handler. Anyone
    /// else's is ignored.
    public func takeRelayedAnswer(_ answer: LinkAnswer) {
        switch answer {
        case .answered(let id) where id.hasPrefix(ownPings):
            state.withLockedValue { $0.lastHeard = .now() }
        case .answered(let id) where id.hasPrefix(ownAcks):
            settle(id, answered: true)
        case .bounced(let id):
            let (match, late) = state.withLockedValue { ($0.acks.error(for: id), $0.lateBounces) }
            if case .late(let bounce) = match { hand(bounce, to: late) }
        case .answered:
            break
        }
    }

    /// Resumes those waiting for `ping`, outside the lock, and writes the ping due behind it on
    /// its link (stanzas written while it was in flight wait for that one).
    private func settle(_ ping: String, answered: Bool) {
        let (settled, next) = state.withLockedValue { state in
            let settled = state.acks.settle(ping, answered: answered)
            guard let next = settled.next else { return (settled.resume, nil as (String, Duration, any Channel)?) }
            // The link has gone: its close settles everything due on it.
            guard let channel = state.channel, ObjectIdentifier(channel) == next.link else { return (settled.resume, nil) }
            return (settled.resume, (next.ping, next.timeout, channel))
        }
        for (waiter, handled) in settled { waiter.resume(returning: handled) }
        if let (ping, timeout, channel) = next { writePing(ping, after: ObjectIdentifier(channel), on: channel, timeout: timeout) }
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
        // Acknowledgements are settled as they arrive, not behind the handler: a router whose
        // stanzas wait for them would otherwise stop the reading that brings them.
        let link = try await ComponentHandshake.connect(configuration, group: group) { [self] in
            InboundTap(take: { [self] in acknowledgement($0) }, keepReading: { [state] in state.withLockedValue { $0.acks.isWaiting } })
        }
        try await link.executeThenClose { inbound, outbound in
            var events = inbound.makeAsyncIterator()
            try await ComponentHandshake.authenticate(configuration, channel: link.channel, events: &events, outbound: outbound)
            onConnected()
            guard attach(link.channel) else { return }
            logger.info("component link ready", metadata: ["server": "\(configuration.host):\(configuration.port)"])
            metrics.joins.increment()
            metrics.up.record(1)
            await handler(.connected)
            let check = watch(link.channel)
            defer { check.cancel() }
            while let event = try await events.next() {
                // Also here: the tap reads nothing while the reader holds back, yet the link lives.
                state.withLockedValue { $0.lastHeard = .now() }
                switch event {
                case .element(let element):
                    metrics.received.count(element.name)
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

    /// Makes `channel` the live link and sends what waited; false if shutting down. The link is
    /// dropped from the state the moment it closes, so later stanzas queue instead of failing.
    private func attach(_ channel: any Channel) -> Bool {
        let attached = state.withLockedValue { state in
            guard !state.shuttingDown else { return false }
            state.channel = channel
            state.lastHeard = .now()
            for element in state.queued { channel.write(XMLStreamOutput.element(element), promise: nil) }
            channel.flush()
            state.queued = []
            return true
        }
        channel.closeFuture.whenComplete { [self] _ in
            let unanswered = state.withLockedValue { state in
                if state.channel === channel { state.channel = nil }
                return state.acks.dropped(ObjectIdentifier(channel))
            }
            // Pings on a dead link are never answered (a new link is made only after this one closed).
            for (waiter, handled) in unanswered { waiter.resume(returning: handled) }
        }
        return attached
    }

    /// Checks the link every keepalive interval. When nothing was read for half an interval it
    /// pings the server (any answer will do, even an error), so an idle link is pinged at every
    /// check; when nothing was heard for two intervals (read, or our ping's answer handed over
    /// from another link of the domain), the link is dead without TCP noticing, and it is
    /// closed to reconnect.
    private func watch(_ channel: any Channel) -> RepeatedTask {
        let interval = TimeAmount(configuration.keepaliveInterval)
        let (domain, target, ownPings) = (configuration.domain, configuration.pingTarget, ownPings)
        return channel.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [state, logger] _ in
            let silence = NIODeadline.now() - state.withLockedValue { $0.lastHeard }
            if silence >= interval * 2 {
                logger.warning("component link silent for \(silence.nanoseconds / 1_000_000) ms: reconnecting")
                channel.close(promise: nil)
            } else if silence.nanoseconds * 2 >= interval.nanoseconds {
                let number = state.withLockedValue { state in
                    state.pings += 1
                    return state.pings
                }
                let ping = IQ(type: .get, id: "\(ownPings)\(number)", to: try? JID(target), from: try? JID(domain),
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
