import Logging
import NIOCore

/// Encrypts a channel with TLS through OpenSSL; can join a live pipeline at `.first` for XMPP STARTTLS.
///
/// The handshake starts as soon as the handler is in an active channel (when added, or on
/// `channelActive`). Writes issued before it completes wait here, in order, up to a byte limit,
/// and go out encrypted after it. Completion is told twice: a `TLSHandshakeCompleted` user inbound
/// event and the optional handshake promise. Any OpenSSL failure is fired as a `TLSError` and
/// closes the channel. Closing sends close_notify; half-closure is not supported.
public final class TLSHandler: ChannelDuplexHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    /// The default limit on bytes written before the handshake completes.
    public static let defaultMaximumBufferedBytes = 1 << 20

    private enum State {
        case idle
        case handshaking
        case active
        case closed
    }

    private let connection: TLSConnection
    private var state = State.idle
    private var handshakePromise: EventLoopPromise<TLSHandshakeCompleted>?
    private var bufferedWrites = CircularBuffer<(data: ByteBuffer, promise: EventLoopPromise<Void>?)>()
    private var bufferedBytes = 0
    private let maximumBufferedBytes: Int
    /// A flush arrived while writes were buffered: honour it once they go out.
    private var flushRequested = false
    private var logger: Logger

    /// A client handler for a connection to `serverHostname`: sent as SNI and, unless the context
    /// is insecure, the name the server's certificate must carry.
    public convenience init(
        client context: TLSContext,
        serverHostname: String,
        handshakePromise: EventLoopPromise<TLSHandshakeCompleted>? = nil,
        maximumBufferedBytes: Int = defaultMaximumBufferedBytes,
        logger: Logger = Logger(label: "switchboard.tls")
    ) throws(TLSError) {
        var logger = logger
        logger[metadataKey: "tls.server"] = "\(serverHostname)"
        try self.init(
            connection: TLSConnection(context: context, serverHostname: serverHostname),
            handshakePromise: handshakePromise, maximumBufferedBytes: maximumBufferedBytes, logger: logger
        )
    }

    /// A server handler presenting the context's certificate.
    public convenience init(
        server context: TLSContext,
        handshakePromise: EventLoopPromise<TLSHandshakeCompleted>? = nil,
        maximumBufferedBytes: Int = defaultMaximumBufferedBytes,
        logger: Logger = Logger(label: "switchboard.tls")
    ) throws(TLSError) {
        try self.init(
            connection: TLSConnection(context: context, serverHostname: nil),
            handshakePromise: handshakePromise, maximumBufferedBytes: maximumBufferedBytes, logger: logger
        )
    }

    private init(
        connection: TLSConnection,
        handshakePromise: EventLoopPromise<TLSHandshakeCompleted>?,
        maximumBufferedBytes: Int,
        logger: Logger
    ) {
        self.connection = connection
        self.handshakePromise = handshakePromise
        self.maximumBufferedBytes = maximumBufferedBytes
        self.logger = logger
    }

    // MARK: Lifecycle

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { startHandshake(context: context) }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        // The pipeline is torn down: nothing buffered can be sent any more.
        state = .closed
        failPending(with: .closed)
    }

    public func channelActive(context: ChannelHandlerContext) {
        startHandshake(context: context)
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        let wasHandshaking = state == .idle || state == .handshaking
        state = .closed
        failPending(with: wasHandshaking ? .closedDuringHandshake : .closed)
        if wasHandshaking { context.fireErrorCaught(TLSError.closedDuringHandshake) }
        context.fireChannelInactive()
    }

    // MARK: Inbound

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard state != .closed else { return }  // after a failure or close, ciphertext means nothing
        do throws(TLSError) {
            try connection.receive(unwrapInboundIn(data))
        } catch {
            fail(with: error, context: context)
            return
        }
        switch state {
        case .idle: startHandshake(context: context)
        case .handshaking: continueHandshake(context: context)
        case .active: deliverPlaintext(context: context)
        case .closed: break
        }
    }

    // MARK: Outbound

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let plaintext = unwrapOutboundIn(data)
        switch state {
        case .idle, .handshaking:
            guard bufferedBytes + plaintext.readableBytes <= maximumBufferedBytes else {
                promise?.fail(TLSError.writeBufferFull(limit: maximumBufferedBytes))
                fail(with: .writeBufferFull(limit: maximumBufferedBytes), context: context)
                return
            }
            bufferedBytes += plaintext.readableBytes
            bufferedWrites.append((plaintext, promise))
        case .active:
            encryptAndWrite(plaintext, promise: promise, context: context)
        case .closed:
            promise?.fail(TLSError.closed)
        }
    }

    public func flush(context: ChannelHandlerContext) {
        switch state {
        case .idle, .handshaking: flushRequested = true
        case .active, .closed: context.flush()
        }
    }

    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        switch mode {
        case .input:
            context.close(mode: mode, promise: promise)
        case .output:
            promise?.fail(ChannelError.operationUnsupported)
        case .all:
            if state == .active {
                connection.shutdown()
                writeCiphertext(context: context)
            }
            state = .closed
            failPending(with: .closed)
            context.close(mode: mode, promise: promise)
        }
    }

    // MARK: Handshake

    private func startHandshake(context: ChannelHandlerContext) {
        guard state == .idle else { return }
        state = .handshaking
        continueHandshake(context: context)
    }

    private func continueHandshake(context: ChannelHandlerContext) {
        let complete: Bool
        do throws(TLSError) {
            complete = try connection.handshake()
        } catch {
            fail(with: error, context: context)
            return
        }
        // The peer waits for these handshake records whatever the application flushed.
        writeCiphertext(context: context)
        guard complete else {
            // With auto-read off nobody else would ask for the peer's reply; with it on, this is harmless.
            context.read()
            return
        }

        state = .active
        let negotiated = connection.negotiated
        logger.debug("TLS handshake completed", metadata: [
            "tls.protocol": "\(negotiated.protocolVersion)", "tls.cipher": "\(negotiated.cipherSuite)",
        ])
        // Buffered writes go first, so that anything written in reaction to the event follows them.
        sendBufferedWrites(context: context)
        guard state == .active else { return }
        context.fireUserInboundEventTriggered(negotiated)
        handshakePromise.take()?.succeed(negotiated)
        // Application data may have come in the same read as the handshake's last records.
        if state == .active { deliverPlaintext(context: context) }
    }

    private func sendBufferedWrites(context: ChannelHandlerContext) {
        while state == .active, let (data, promise) = bufferedWrites.popFirst() {
            bufferedBytes -= data.readableBytes
            encryptAndWrite(data, promise: promise, context: context)
        }
        if flushRequested, state == .active {
            flushRequested = false
            context.flush()
        }
    }

    // MARK: Data

    /// Decrypts everything received so far and passes it on. Bounded: every plaintext read
    /// consumes received ciphertext, and the loop stops when OpenSSL needs more.
    private func deliverPlaintext(context: ChannelHandlerContext) {
        while state == .active {
            let result: TLSConnection.ReadResult
            do throws(TLSError) {
                result = try connection.read(allocator: context.channel.allocator)
            } catch {
                fail(with: error, context: context)
                return
            }
            switch result {
            case .plaintext(let buffer):
                context.fireChannelRead(wrapInboundOut(buffer))
            case .needsMoreData:
                // Reading can produce records to send (TLS 1.3 key update responses).
                writeCiphertext(context: context)
                return
            case .closedByPeer:
                logger.debug("TLS peer sent close_notify")
                close(context: context, mode: .all, promise: nil)
                return
            }
        }
    }

    private func encryptAndWrite(
        _ plaintext: ByteBuffer, promise: EventLoopPromise<Void>?, context: ChannelHandlerContext
    ) {
        do throws(TLSError) {
            try connection.write(plaintext)
        } catch {
            promise?.fail(error)
            fail(with: error, context: context)
            return
        }
        if let ciphertext = connection.pendingCiphertext(allocator: context.channel.allocator) {
            context.write(wrapOutboundOut(ciphertext), promise: promise)
        } else {
            promise?.succeed()
        }
    }

    /// Writes and flushes whatever OpenSSL produced for the network.
    private func writeCiphertext(context: ChannelHandlerContext) {
        guard let ciphertext = connection.pendingCiphertext(allocator: context.channel.allocator) else { return }
        context.writeAndFlush(wrapOutboundOut(ciphertext), promise: nil)
    }

    // MARK: Failure

    /// Sends any alert OpenSSL queued, fails what waits, fires the error and closes the channel.
    private func fail(with error: TLSError, context: ChannelHandlerContext) {
        guard state != .closed else { return }
        state = .closed
        logger.debug("TLS failed", metadata: ["error": "\(error)"])
        writeCiphertext(context: context)
        failPending(with: error)
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }

    private func failPending(with error: TLSError) {
        handshakePromise.take()?.fail(error)
        while let (_, promise) = bufferedWrites.popFirst() {
            promise?.fail(error)
        }
        bufferedBytes = 0
    }
}

@available(*, unavailable)
extension TLSHandler: Sendable {}
