import NIOCore

/// A connection in subscribe mode: Redis speaks unasked (`message`, `subscribe` confirmations),
/// so replies are not matched to commands but handed on as they come, and the stream ends when
/// the connection does.
final class RedisPushHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = RESPValue

    private let pushes: AsyncStream<RESPValue>.Continuation

    init(pushes: AsyncStream<RESPValue>.Continuation) {
        self.pushes = pushes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        pushes.yield(unwrapInboundIn(data))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        pushes.finish()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        pushes.finish()
    }
}
