import Foundation
import LocalServices
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// A WebSocket client for the web widget's protocol (`/ws`): sends any text (valid or not) and
/// keeps the JSON frames received in its inbox. Used by the web service's tests and by the bench's
/// web visitors.
public final class WebSocketClient: Sendable {
    public let inbox: FrameInbox
    private let outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>
    private let channel: any Channel
    private let session: Task<Void, Never>

    private init(inbox: FrameInbox, outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>, channel: any Channel, session: Task<Void, Never>) {
        self.inbox = inbox
        self.outbound = outbound
        self.channel = channel
        self.session = session
    }

    /// Why no WebSocket was opened.
    public enum Failure: Error, CustomStringConvertible {
        /// The server answered the upgrade request with something else (403 for a foreign origin).
        case notUpgraded
        /// The connection ended before the socket was ready.
        case closed

        public var description: String {
            switch self {
            case .notUpgraded: "the server did not switch to WebSocket"
            case .closed: "the connection closed before the WebSocket was ready"
            }
        }
    }

    private enum Upgrade: Sendable {
        case websocket(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>)
        case refused
    }

    /// Opens `path` on `host:port` with `origin`; `localAddress`: the address to connect from
    /// (any of 127.0.0.0/8 on loopback), the system's choice when nil; `headers`: more request
    /// headers (`X-Forwarded-For`, as a proxy would add). Close it with `close()`.
    public static func connect(
        host: String = "127.0.0.1", port: Int, path: String = "/ws", origin: String, localAddress: String? = nil,
        headers extra: [(String, String)] = []
    ) async throws -> WebSocketClient {
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        if let localAddress { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: localAddress, port: 0)) }
        let upgrade = try await bootstrap.connect(host: host, port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                let upgrader = NIOTypedWebSocketClientUpgrader<Upgrade>(maxFrameSize: 1 << 20) { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        Upgrade.websocket(try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(wrappingChannelSynchronously: channel))
                    }
                }
                var headers = HTTPHeaders()
                headers.add(name: "Host", value: "\(host):\(port)")
                headers.add(name: "Origin", value: origin)
                headers.add(name: "Content-Length", value: "0")
                for (name, value) in extra { headers.add(name: name, value: value) }
                let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
                return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
                    configuration: .init(upgradeConfiguration: .init(
                        upgradeRequestHead: head, upgraders: [upgrader],
                        notUpgradingCompletionHandler: { $0.eventLoop.makeSucceededFuture(Upgrade.refused) })))
            }
        }
        guard case .websocket(let channel) = try await upgrade.get() else { throw Failure.notUpgraded }
        let inbox = FrameInbox()
        let (writers, writer) = AsyncStream.makeStream(of: NIOAsyncChannelOutboundWriter<WebSocketFrame>.self)
        // The channel's streams live in executeThenClose's scope: a task keeps the scope open until
        // the socket closes (by either side), reading frames into the inbox meanwhile.
        let session = Task {
            try? await channel.executeThenClose { inbound, outbound in
                writer.yield(outbound)
                writer.finish()
                do {
                    for try await frame in inbound where frame.opcode == .text {
                        if let received = JSONFrame(String(buffer: frame.unmaskedData)) { inbox.add(received) }
                    }
                } catch {}
            }
            writer.finish()
            inbox.end()
        }
        for await outbound in writers {
            return WebSocketClient(inbox: inbox, outbound: outbound, channel: channel.channel, session: session)
        }
        throw Failure.closed
    }

    /// Opens `/ws` on 127.0.0.1 with `origin`, runs `body`, closes.
    public static func with<T: Sendable>(port: Int, origin: String, _ body: (WebSocketClient) async throws -> T) async throws -> T {
        let socket = try await connect(port: port, origin: origin)
        return try await withCleanup { try await body(socket) } cleanup: { await socket.close() }
    }

    /// Closes the connection and waits until its frames are all read.
    public func close() async {
        try? await channel.close()
        await session.value
    }

    public func send(_ text: String) async throws {
        try await outbound.write(WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(string: text)))
    }

    public func sendBinary(_ bytes: [UInt8]) async throws {
        try await outbound.write(WebSocketFrame(fin: true, opcode: .binary, maskKey: .random(), data: ByteBuffer(bytes: bytes)))
    }

    /// Sends a JSON object.
    public func send(_ object: [String: any Sendable]) async throws {
        try await send(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
    }

    /// The first frame not taken yet that `matching` accepts, waiting for it (20 s at most) if need be.
    @discardableResult
    public func next(_ what: String, _ matching: @escaping @Sendable (JSONFrame) -> Bool = { _ in true }) async throws -> JSONFrame {
        let inbox = self.inbox
        return try await within(.seconds(20), what) {
            guard let frame = await inbox.take(matching) else { throw TimedOut(what: "\(what) (the socket closed)") }
            return frame
        }
    }

    /// The next frame of `type`.
    @discardableResult
    public func next(_ type: String) async throws -> JSONFrame {
        try await next("a \(type) frame") { $0.type == type }
    }

    /// Returns once the server has closed the socket (frames still unread stay in the inbox).
    public func closedByServer() async throws {
        let inbox = self.inbox
        try await within(.seconds(20), "the server to close the socket") { _ = await inbox.take { _ in false } }
    }
}
