import NIOCore

/// Looks at each incoming element on the event loop, before the stream's reader: `take` returns
/// true for an element it consumed. What must not wait behind a slow reader goes here (the
/// component's acknowledgement pings, whose answers a busy router waits for).
final class InboundTap: ChannelInboundHandler, Sendable {
    typealias InboundIn = XMLStreamEvent
    typealias InboundOut = XMLStreamEvent

    private let take: @Sendable (XMLElement) -> Bool

    init(_ take: @escaping @Sendable (XMLElement) -> Bool) {
        self.take = take
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .element(let element) = unwrapInboundIn(data), take(element) { return }
        context.fireChannelRead(data)
    }
}
