import NIOCore
import SwitchboardTesting
import XMPP
import TLS

/// What reached the end of a pipeline under test.
enum ChannelEvent: Sendable {
    case data(ByteBuffer)
    case handshake(TLSHandshakeCompleted)
    case error(any Error)
    case inactive
}

/// The last handler of a pipeline under test: passes everything it sees to `ChannelEvents`.
final class ChannelEventRecorder: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    private let continuation: AsyncStream<ChannelEvent>.Continuation

    /// A recorder for a pipeline, and the events it records, for the test to await.
    static func make() -> (ChannelEventRecorder, ChannelEvents) {
        let (stream, continuation) = AsyncStream.makeStream(of: ChannelEvent.self)
        return (ChannelEventRecorder(continuation: continuation), ChannelEvents(iterator: stream.makeAsyncIterator()))
    }

    private init(continuation: AsyncStream<ChannelEvent>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(.data(unwrapInboundIn(data)))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let handshake = event as? TLSHandshakeCompleted { continuation.yield(.handshake(handshake)) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        continuation.yield(.error(error))
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.yield(.inactive)
        continuation.finish()
    }
}

/// The events one `ChannelEventRecorder` saw, in order, awaited by a test.
struct ChannelEvents {
    fileprivate var iterator: AsyncStream<ChannelEvent>.AsyncIterator
    /// Data received beyond what the last `read(count:)` asked for.
    private var surplus: [UInt8] = []

    fileprivate init(iterator: AsyncStream<ChannelEvent>.AsyncIterator) {
        self.iterator = iterator
    }

    /// The next `count` bytes of data; throws the channel's error, or if it closes first.
    mutating func read(count: Int) async throws -> [UInt8] {
        var bytes = surplus
        bytes.reserveCapacity(count)
        while bytes.count < count {
            switch await iterator.next() {
            case .data(let buffer): bytes += buffer.readableBytesView
            case .handshake: continue
            case .error(let error): throw error
            case .inactive, nil: throw LocalServicesError.missing("the channel closed after \(bytes.count) of \(count) bytes")
            }
        }
        surplus = Array(bytes[count...])
        return Array(bytes.prefix(count))
    }

    /// The next text of `count` UTF-8 bytes.
    mutating func readText(count: Int) async throws -> String {
        String(decoding: try await read(count: count), as: UTF8.self)
    }

    /// The handshake event; throws the channel's error, or if it closes first.
    mutating func handshake() async throws -> TLSHandshakeCompleted {
        while let event = await iterator.next() {
            switch event {
            case .handshake(let handshake): return handshake
            case .data: continue
            case .error(let error): throw error
            case .inactive: break
            }
        }
        throw LocalServicesError.missing("the channel closed before the TLS handshake completed")
    }

    /// The first error fired down the pipeline, or nil if the channel closed without one.
    mutating func firstError() async -> (any Error)? {
        while let event = await iterator.next() {
            if case .error(let error) = event { return error }
        }
        return nil
    }

    /// Returns once the channel is inactive.
    mutating func closed() async {
        while let event = await iterator.next() {
            if case .inactive = event { return }
        }
    }
}
