import NIOCore

/// Looks at each incoming element on the event loop, before the stream's reader: `take` returns
/// true for an element it consumed. What must not wait behind a slow reader goes here (the
/// component's acknowledgement pings, whose answers a busy router waits for). While `keepReading`
/// says so, it reads on even when the reader applies back-pressure: a reader that waits for an
/// answer only this link can bring must not stop the link (what arrives meanwhile is buffered
/// for it; the answers come within milliseconds).
final class InboundTap: ChannelInboundHandler {
    typealias InboundIn = XMLStreamEvent
    typealias InboundOut = XMLStreamEvent

    private let take: @Sendable (XMLElement) -> Bool
    private let keepReading: @Sendable () -> Bool
    private var context: ChannelHandlerContext?

    init(take: @escaping @Sendable (XMLElement) -> Bool, keepReading: @escaping @Sendable () -> Bool) {
        self.take = take
        self.keepReading = keepReading
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .element(let element) = unwrapInboundIn(data), take(element) { return }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.fireChannelReadComplete()
        if keepReading() { context.read() }
    }

    /// Asks for a read from here, past the reader's back-pressure. On the event loop only.
    func readNow() {
        context?.read()
    }
}
