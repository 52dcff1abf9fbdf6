import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1

/// Keeps a page whose `Origin` is not allowed from upgrading to a WebSocket. Hummingbird answers
/// every refused upgrade with 400, so this sits between the HTTP decoder and the upgrade handler
/// and takes the upgrade out of such a request: it reaches the router as a plain `GET /ws`,
/// which answers `403 Forbidden`.
final class OriginGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    private let allowed: @Sendable (String?) -> Bool

    init(allowed: @escaping @Sendable (String?) -> Bool) {
        self.allowed = allowed
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data), head.headers.contains(name: "upgrade") else {
            context.fireChannelRead(data)
            return
        }
        if allowed(head.headers.first(name: "origin")) {
            // From here on the connection is the upgrade's (or closed by it): step aside.
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        } else {
            head.headers.remove(name: "upgrade")
            head.headers.remove(name: "connection")
            head.headers.add(name: "connection", value: "close")
            context.fireChannelRead(wrapInboundOut(.head(head)))
        }
    }
}

/// Hummingbird's HTTP/1 channel with WebSocket upgrade, with `OriginGuard` in front of the upgrade.
struct OriginCheckedUpgradeChannel: ServerChildChannel {
    let inner: HTTP1WebSocketUpgradeChannel
    let allowed: @Sendable (String?) -> Bool

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1WebSocketUpgradeChannel.Value> {
        inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try pipeline.addHandler(OriginGuard(allowed: allowed), position: .after(decoder))
            return value
        }
    }

    func handle(value: HTTP1WebSocketUpgradeChannel.Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}
