import NIOCore
import NIOPosix

/// A TCP connection carrying an XML stream: `XMLStreamEvent`s in, `XMLStreamOutput` out.
typealias XMLStreamChannel = NIOAsyncChannel<XMLStreamEvent, XMLStreamOutput>

extension NIOAsyncChannel where Inbound == XMLStreamEvent, Outbound == XMLStreamOutput {
    /// Connects to `host:port` with the XML stream codec in the pipeline, and `tap` after it if given.
    /// `secure` may put TLS under the codec before any byte is written.
    static func connect(
        host: String, port: Int, timeout: Duration, limits: XMLStreamLimits, group: any EventLoopGroup,
        tap: (@Sendable () -> InboundTap)? = nil, secure: @escaping @Sendable (any Channel) throws -> Void = { _ in }
    ) async throws -> XMLStreamChannel {
        try await ClientBootstrap(group: group)
            .connectTimeout(.init(timeout))
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try secure(channel)
                    try channel.pipeline.syncOperations.addXMLStreamCodec(limits: limits)
                    if let tap { try channel.pipeline.syncOperations.addHandler(tap()) }
                    return try XMLStreamChannel(wrappingChannelSynchronously: channel)
                }
            }
    }
}

extension ChannelPipeline.SynchronousOperations {
    /// Adds the XML stream decoder and encoder.
    public func addXMLStreamCodec(limits: XMLStreamLimits) throws {
        try addHandler(ByteToMessageHandler(XMLStreamDecoder(limits: limits)))
        try addHandler(MessageToByteHandler(XMLStreamEncoder()))
    }
}
