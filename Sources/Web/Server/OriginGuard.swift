import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1

/// Answers `403 Forbidden` to a WebSocket upgrade from a page whose `Origin` is not allowed.
/// Hummingbird answers every refused upgrade with 400, so this sits between the HTTP decoder and
/// the upgrade handler and stops such a request before the upgrade is even considered.
final class OriginGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let allowed: @Sendable (String?) -> Bool
    private var refusing = false

    init(allowed: @escaping @Sendable (String?) -> Bool) {
        self.allowed = allowed
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let head) where head.headers[canonicalForm: "upgrade"].contains { $0.lowercased() == "websocket" }:
            if allowed(head.headers.first(name: "origin")) {
                // From here on the connection is the upgrade's (or closed by it): step aside.
                context.fireChannelRead(data)
                context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            } else {
                refusing = true
                refuse(context: context)
            }
        case .head:
            refusing = false
            context.fireChannelRead(data)
        case .body, .end:
            if !refusing { context.fireChannelRead(data) }
        }
    }

    private func refuse(context: ChannelHandlerContext) {
        let body = ByteBuffer(string: "This origin may not open the chat.\n")
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .forbidden, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
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
