import NIOCore
import NIOPosix
import SwitchboardTesting
import Synchronization

/// A fake XMPP server on a loopback port for the component link's stream tests (the tier of
/// slixmpp's `test_stream_*`): the test plays the server's half of the conversation by hand,
/// reading what the component wrote as text and writing raw XML back, with no Prosody.
final class FakeXMPPServer: Sendable {
    let port: Int
    private let channel: any Channel
    private let connections: AsyncStream<FakeServerConnection>
    /// Every connection accepted, closed by `stop()`.
    private let accepted: AcceptedConnections

    private init(channel: any Channel, connections: AsyncStream<FakeServerConnection>, accepted: AcceptedConnections) {
        self.channel = channel
        self.connections = connections
        self.accepted = accepted
        port = channel.localAddress?.port ?? 0
    }

    /// Listens on a free loopback port (the kernel's choice) until `stop()`.
    static func start() async throws -> FakeXMPPServer {
        let (connections, newConnection) = AsyncStream.makeStream(of: FakeServerConnection.self)
        let accepted = AcceptedConnections()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    let connection = FakeServerConnection(channel: child)
                    try child.pipeline.syncOperations.addHandler(FakeConnectionHandler(connection: connection))
                    accepted.add(connection)
                    newConnection.yield(connection)
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return FakeXMPPServer(channel: channel, connections: connections, accepted: accepted)
    }

    /// Runs `body` with a fake server, stopped afterwards.
    static func with<T: Sendable>(_ body: (FakeXMPPServer) async throws -> T) async throws -> T {
        let server = try await start()
        return try await withCleanup { try await body(server) } cleanup: { await server.stop() }
    }

    /// The next connection a client made (waiting for it, 10 s at most).
    func nextConnection() async throws -> FakeServerConnection {
        let connections = self.connections
        return try await within(.seconds(60), "a connection to the fake server") {
            for await connection in connections { return connection }
            throw TimedOut(what: "a connection (the fake server stopped)")
        }
    }

    /// Stops listening and closes every connection it accepted.
    func stop() async {
        try? await channel.close()
        for connection in accepted.all { await connection.close() }
    }
}

private final class AcceptedConnections: Sendable {
    private let list = Mutex<[FakeServerConnection]>([])
    func add(_ connection: FakeServerConnection) { list.withLock { $0.append(connection) } }
    var all: [FakeServerConnection] { list.withLock { $0 } }
}

/// One connection to the fake server: what the client sent, read as text up to a marker, and
/// raw text written back.
final class FakeServerConnection: Sendable {
    private let channel: any Channel
    private let state = Mutex(State())

    private struct State {
        var text = ""
        var ended = false
        var waiter: (marker: String, continuation: CheckedContinuation<String?, Never>)?
    }

    init(channel: any Channel) {
        self.channel = channel
    }

    /// What the client sent since the last read, up to and including the first `marker` (waiting
    /// for it, 10 s at most).
    func read(until marker: String) async throws -> String {
        let text = try await within(.seconds(60), "'\(marker)' from the client") {
            await self.next(until: marker)
        }
        guard let text else {
            throw TimedOut(what: "'\(marker)' from the client (the connection closed; got \(self.state.withLock { $0.text }))")
        }
        return text
    }

    func write(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text))
    }

    /// Closes the TCP connection, as a server that went away would.
    func close() async {
        try? await channel.close()
    }

    /// Returns once the client has closed the connection.
    func closedByClient() async throws {
        let channel = self.channel
        try await within(.seconds(60), "the client to close the connection") { try? await channel.closeFuture.get() }
    }

    // Called on the channel's event loop.
    fileprivate func received(_ more: String) {
        let ready = state.withLock { state -> (CheckedContinuation<String?, Never>, String)? in
            state.text += more
            guard let waiter = state.waiter, let text = Self.take(through: waiter.marker, from: &state.text) else { return nil }
            state.waiter = nil
            return (waiter.continuation, text)
        }
        ready.map { $0.0.resume(returning: $0.1) }
    }

    fileprivate func ended() {
        let waiter = state.withLock { state in
            state.ended = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.continuation.resume(returning: nil)
    }

    private func next(until marker: String) async -> String? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready: String?? = state.withLock { state in
                    if let text = Self.take(through: marker, from: &state.text) { return .some(text) }
                    if state.ended || Task.isCancelled { return .some(nil) }
                    state.waiter = (marker, continuation)
                    return .none
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.continuation.resume(returning: nil)
        }
    }

    private static func take(through marker: String, from text: inout String) -> String? {
        guard let range = text.range(of: marker) else { return nil }
        defer { text.removeSubrange(..<range.upperBound) }
        return String(text[..<range.upperBound])
    }
}

/// Hands what a connection reads to its `FakeServerConnection`.
private final class FakeConnectionHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let connection: FakeServerConnection

    init(connection: FakeServerConnection) {
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connection.received(String(buffer: unwrapInboundIn(data)))
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection.ended()
        context.fireChannelInactive()
    }
}
