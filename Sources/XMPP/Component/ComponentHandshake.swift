import NIOConcurrencyHelpers
import NIOCore
import TLS

/// The connection and authentication steps of XEP-0114.
enum ComponentHandshake {
    /// Opens a TCP connection with the XML stream codec in its pipeline; with `configuration.tls`,
    /// TLS from the first byte (ejabberd's `tls: true`), and the server's certificate checked
    /// before the stream header, and so before the secret's digest, leaves.
    /// `tap` goes after the codec (`InboundTap`).
    static func connect(
        _ configuration: ComponentConfiguration, group: any EventLoopGroup, tap: (@Sendable () -> InboundTap)? = nil
    ) async throws(ComponentError) -> XMLStreamChannel {
        let serverName = configuration.tlsServerName ?? configuration.host
        let handshake: NIOLockedValueBox<EventLoopFuture<TLSHandshakeCompleted>?> = NIOLockedValueBox(nil)
        let link: XMLStreamChannel
        do {
            link = try await XMLStreamChannel.connect(
                host: configuration.host, port: configuration.port, timeout: configuration.connectTimeout,
                limits: configuration.limits, group: group, tap: tap
            ) { channel in
                guard let tls = configuration.tls else { return }
                let done = channel.eventLoop.makePromise(of: TLSHandshakeCompleted.self)
                try channel.pipeline.syncOperations.addHandler(
                    TLSHandler(client: tls, serverHostname: serverName, handshakePromise: done), position: .first)
                handshake.withLockedValue { $0 = done.futureResult }
            }
        } catch {
            throw .connectFailed("\(configuration.host):\(configuration.port): \(error)")
        }
        guard let secured = handshake.withLockedValue({ $0 }) else { return link }
        do {
            _ = try await secured.get()
            return link
        } catch {
            // Through the async channel, so its writer is finished before it goes.
            try? await link.executeThenClose { _, _ in }
            if case TLSError.handshakeFailed(_, let verification?) = error {
                throw .certificateRefused(server: serverName, verification: verification)
            }
            throw .tlsFailed("\(error)")
        }
    }

    /// Opens the stream and proves knowledge of the secret: `<handshake>` with the
    /// hex SHA-1 of the stream id followed by the secret.
    static func authenticate(
        _ configuration: ComponentConfiguration, channel: any Channel,
        events: inout NIOAsyncChannelInboundStream<XMLStreamEvent>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<XMLStreamOutput>
    ) async throws {
        // A server that never answers would hold the link forever: close it after the timeout.
        let expired = NIOLockedValueBox(false)
        let timeout = channel.eventLoop.scheduleTask(in: TimeAmount(configuration.handshakeTimeout)) {
            expired.withLockedValue { $0 = true }
            channel.close(promise: nil)
        }
        defer { timeout.cancel() }
        let ended = { () -> ComponentError in expired.withLockedValue { $0 } ? .handshakeTimeout : .closed }
        try await outbound.write(.open(StreamHeader(contentNamespace: Namespace.component, to: configuration.domain)))
        let header: StreamHeader
        switch try await events.next() {
        case .streamOpened(let opened)?: header = opened
        case .element(let element)?:
            throw StreamError(element).map(ComponentError.rejected) ?? .protocolViolation("<\(element.name)> before the stream header")
        case .streamClosed?: throw ComponentError.closed
        case nil: throw ended()
        }
        guard let id = header.id, !id.isEmpty else {
            throw ComponentError.protocolViolation("the stream header has no id")
        }
        try await outbound.write(.element(.text("handshake", namespace: Namespace.component, digest(streamID: id, secret: configuration.secret))))
        switch try await events.next() {
        case .element(let element)? where element.name == "handshake" && element.namespace == Namespace.component:
            return
        case .element(let element)?:
            throw StreamError(element).map(ComponentError.rejected) ?? .protocolViolation("<\(element.name)> instead of <handshake/>")
        case .streamClosed?: throw ComponentError.closed
        case .streamOpened?: throw ComponentError.protocolViolation("a second stream header")
        case nil: throw ended()
        }
    }

    /// The lowercase hex SHA-1 of `streamID + secret`.
    static func digest(streamID: String, secret: String) -> String {
        Digest.sha1Hex(streamID + secret)
    }
}
