import NIOCore
import NIOPosix
import XMPP
import TLS

/// A loopback server built on the server-role `TLSHandler` that sends every byte back. With
/// `startTLS`, it first waits for "STARTTLS\n" in plaintext and answers "PROCEED\n", then adds TLS
/// to the live pipeline, as an XMPP server does.
struct TLSEchoServer {
    let channel: any Channel

    var port: Int { channel.localAddress?.port ?? 0 }

    static func start(context: TLSContext, startTLS: Bool = false) async throws -> TLSEchoServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    let pipeline = child.pipeline.syncOperations
                    if startTLS {
                        try pipeline.addHandlers(StartTLSResponder(tlsContext: context), EchoHandler())
                    } else {
                        try pipeline.addHandlers(TLSHandler(server: context), EchoHandler())
                    }
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return TLSEchoServer(channel: channel)
    }

    func stop() async throws {
        try await channel.close()
    }
}

/// Sends back whatever it reads.
private final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// The server side of STARTTLS: plaintext until "STARTTLS\n", then "PROCEED\n", TLS at the front, and out of the way.
private final class StartTLSResponder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let tlsContext: TLSContext
    private var received = ""

    init(tlsContext: TLSContext) {
        self.tlsContext = tlsContext
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += String(buffer: unwrapInboundIn(data))
        guard received.hasSuffix("STARTTLS\n") else { return }
        // The answer must leave in plaintext, before TLS joins the pipeline.
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "PROCEED\n")), promise: nil)
        do {
            try context.pipeline.syncOperations.addHandler(TLSHandler(server: tlsContext), position: .first)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        } catch {
            context.fireErrorCaught(error)
            context.close(promise: nil)
        }
    }
}
