import NIOCore

/// Turns bytes from Redis into replies, parsed by hiredis's reader within `RedisReplyLimits`.
struct RedisReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = RESPValue

    private let reader: RedisReplyReader

    init(limits: RedisReplyLimits) {
        self.reader = RedisReplyReader(limits: limits)
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        try reader.feed(&buffer)
        // hiredis now holds every byte, and decode is only called again when new bytes arrive,
        // so all complete replies must be passed on here.
        while let reply = try reader.next() {
            context.fireChannelRead(wrapInboundOut(reply))
        }
        return .needMoreData
    }

    mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        // A reply cut off by EOF is dropped: the command handler fails its command as `connectionLost`.
        try decode(context: context, buffer: &buffer)
    }
}
