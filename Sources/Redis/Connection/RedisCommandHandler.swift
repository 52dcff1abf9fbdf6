import Logging
import NIOCore

/// A command on its way to Redis with the promise of its reply.
struct RedisRequest: Sendable {
    var command: RedisCommand
    var promise: EventLoopPromise<RESPValue>
}

/// Matches replies to commands in the order the commands were written: Redis answers each
/// connection strictly in order, so a FIFO of promises is all the bookkeeping pipelining needs.
final class RedisCommandHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = RESPValue
    typealias OutboundIn = RedisRequest
    typealias OutboundOut = ByteBuffer

    private var waiting = CircularBuffer<EventLoopPromise<RESPValue>>(initialCapacity: 16)
    // Set once the connection is unusable; later writes fail at once instead of waiting forever.
    private var failure: RedisError?
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if let failure {
            request.promise.fail(failure)
            promise?.fail(failure)
            return
        }
        waiting.append(request.promise)
        context.write(wrapOutboundOut(request.command.encoded), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let promise = waiting.popFirst() else {
            // RESP2 without pub/sub never speaks unasked; a stray reply means replies and commands no longer line up.
            fail(context: context, with: .protocolError("a reply arrived with no command waiting for it"))
            return
        }
        promise.succeed(unwrapInboundIn(data))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? RedisError {
            fail(context: context, with: error)
        } else {
            logger.debug("Redis connection error", metadata: ["error": "\(error)"])
            fail(context: context, with: .connectionLost)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if failure == nil { failure = .connectionLost }
        failWaiting(.connectionLost)
        context.fireChannelInactive()
    }

    private func fail(context: ChannelHandlerContext, with error: RedisError) {
        if failure == nil {
            failure = error
            if error != .connectionLost {
                logger.warning("closing Redis connection", metadata: ["error": "\(error)"])
            }
        }
        // The reply being parsed belongs to the oldest command; the ones behind it were cut off.
        waiting.popFirst()?.fail(error)
        failWaiting(.connectionLost)
        context.close(promise: nil)
    }

    private func failWaiting(_ error: RedisError) {
        while let promise = waiting.popFirst() {
            promise.fail(error)
        }
    }
}
