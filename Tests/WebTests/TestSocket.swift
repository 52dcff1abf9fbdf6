import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import SwitchboardTesting
import Synchronization

/// A frame from the web service, its JSON flattened to text values for easy matching.
struct Received: Sendable, CustomStringConvertible {
    let fields: [String: String]
    var type: String { fields["type"] ?? "" }
    subscript(_ key: String) -> String? { fields[key] }
    var description: String { fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }

    init?(_ text: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return nil }
        // Nested objects are flattened: {"form": {"name": true}} gives form.name = 1.
        var fields: [String: String] = [:]
        for (key, value) in object {
            if let nested = value as? [String: Any] {
                for (inner, value) in nested { fields["\(key).\(inner)"] = "\(value)" }
            } else {
                fields[key] = "\(value)"
            }
        }
        self.fields = fields
    }
}

/// Frames received and not yet taken: a test takes the first that matches, wherever it is, so
/// frames of other kinds arriving in between (in an order the protocol leaves open) are kept.
final class Inbox: Sendable {
    private struct Waiter {
        let id: Int
        let matching: @Sendable (Received) -> Bool
        let continuation: CheckedContinuation<Received?, Never>
    }

    private let state = Mutex<(frames: [Received], waiters: [Waiter], next: Int, ended: Bool)>(([], [], 0, false))

    func add(_ frame: Received) {
        let waiter: Waiter? = state.withLock { state in
            if let index = state.waiters.firstIndex(where: { $0.matching(frame) }) { return state.waiters.remove(at: index) }
            state.frames.append(frame)
            return nil
        }
        waiter?.continuation.resume(returning: frame)
    }

    func end() {
        let waiters = state.withLock { state in
            state.ended = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.continuation.resume(returning: nil) }
    }

    /// The first frame `matching` accepts, waiting for it; nil if the socket ends (or the wait is cancelled).
    func take(_ matching: @escaping @Sendable (Received) -> Bool) async -> Received? {
        let id = state.withLock { state in
            state.next += 1
            return state.next
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let found: Received?? = state.withLock { state in
                    if let index = state.frames.firstIndex(where: matching) { return .some(state.frames.remove(at: index)) }
                    if state.ended || Task.isCancelled { return .some(nil) }
                    state.waiters.append(Waiter(id: id, matching: matching, continuation: continuation))
                    return .none
                }
                if let found { continuation.resume(returning: found) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                state.waiters.firstIndex { $0.id == id }.map { state.waiters.remove(at: $0) }
            }
            waiter?.continuation.resume(returning: nil)
        }
    }

    /// Every frame not taken yet.
    var pending: [Received] { state.withLock { $0.frames } }
}

/// A WebSocket client for protocol tests: sends any text (valid or not) and waits for frames.
final class TestSocket: Sendable {
    let inbox: Inbox
    private let outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>

    private init(inbox: Inbox, outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>) {
        self.inbox = inbox
        self.outbound = outbound
    }

    enum Failure: Error { case notUpgraded }

    private enum Upgrade: Sendable {
        case websocket(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>)
        case refused
    }

    /// Opens `/ws` with `origin`, runs `body`, closes.
    static func with<T: Sendable>(port: Int, origin: String, _ body: (TestSocket) async throws -> T) async throws -> T {
        let upgrade = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let upgrader = NIOTypedWebSocketClientUpgrader<Upgrade>(maxFrameSize: 1 << 20) { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            Upgrade.websocket(try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(wrappingChannelSynchronously: channel))
                        }
                    }
                    var headers = HTTPHeaders()
                    headers.add(name: "Host", value: "127.0.0.1:\(port)")
                    headers.add(name: "Origin", value: origin)
                    headers.add(name: "Content-Length", value: "0")
                    let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/ws", headers: headers)
                    return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
                        configuration: .init(upgradeConfiguration: .init(
                            upgradeRequestHead: head, upgraders: [upgrader],
                            notUpgradingCompletionHandler: { $0.eventLoop.makeSucceededFuture(Upgrade.refused) })))
                }
            }
        guard case .websocket(let channel) = try await upgrade.get() else { throw Failure.notUpgraded }
        return try await channel.executeThenClose { inbound, outbound in
            let inbox = Inbox()
            let reader = Task {
                do {
                    for try await frame in inbound where frame.opcode == .text {
                        if let received = Received(String(buffer: frame.unmaskedData)) { inbox.add(received) }
                    }
                } catch {}
                inbox.end()
            }
            defer { reader.cancel() }
            return try await body(TestSocket(inbox: inbox, outbound: outbound))
        }
    }

    func send(_ text: String) async throws {
        try await outbound.write(WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(string: text)))
    }

    func sendBinary(_ bytes: [UInt8]) async throws {
        try await outbound.write(WebSocketFrame(fin: true, opcode: .binary, maskKey: .random(), data: ByteBuffer(bytes: bytes)))
    }

    /// Sends a JSON object.
    func send(_ object: [String: any Sendable]) async throws {
        try await send(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
    }

    /// The first frame not taken yet that `matching` accepts, waiting for it if need be.
    @discardableResult
    func next(_ what: String, _ matching: @escaping @Sendable (Received) -> Bool = { _ in true }) async throws -> Received {
        let inbox = self.inbox
        return try await within(.seconds(20), what) {
            guard let frame = await inbox.take(matching) else { throw TimedOut(what: "\(what) (the socket closed)") }
            return frame
        }
    }

    /// Returns once the server has closed the socket (frames still unread stay in the inbox).
    func closedByServer() async throws {
        let inbox = self.inbox
        try await within(.seconds(20), "the server to close the socket") { _ = await inbox.take { _ in false } }
    }

    /// The next frame of `type`.
    @discardableResult
    func next(_ type: String) async throws -> Received {
        try await next("a \(type) frame") { $0.type == type }
    }
}

/// A plain HTTP/1.1 request on a connection of its own (closed after one response), for status
/// codes the WebSocket client does not show and for the WebDriver commands.
enum PlainHTTP {
    static func get(port: Int, path: String, headers: [(String, String)] = []) async throws -> (status: Int, headers: String, body: String) {
        try await request("GET", port: port, path: path, headers: headers)
    }

    /// The response's status code, head and body.
    static func request(
        _ method: String, port: Int, path: String, headers: [(String, String)] = [], body: Data? = nil
    ) async throws -> (status: Int, headers: String, body: String) {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
            for (name, value) in headers { request += "\(name): \(value)\r\n" }
            if let body { request += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
            var buffer = ByteBuffer(string: request + "\r\n")
            if let body { buffer.writeBytes(body) }
            try await outbound.write(buffer)
            var response: [UInt8] = []
            for try await chunk in inbound {
                response += chunk.readableBytesView
                // Done at the end of the body (Content-Length), or of the head of a switch to WebSocket
                // (the connection then stays open).
                guard let end = Self.headEnd(response) else { continue }
                let head = String(decoding: response[..<end], as: UTF8.self)
                if head.hasPrefix("HTTP/1.1 101") { break }
                if let length = Self.contentLength(head), response.count - end - 4 >= length { break }
            }
            let end = Self.headEnd(response) ?? response.count
            let head = String(decoding: response[..<end], as: UTF8.self)
            let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
            return (status, head, String(decoding: response.dropFirst(end + 4), as: UTF8.self))
        }
    }

    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        return (0...(bytes.count - 4)).first { bytes[$0] == 13 && bytes[$0 + 1] == 10 && bytes[$0 + 2] == 13 && bytes[$0 + 3] == 10 }
    }

    private static func contentLength(_ head: String) -> Int? {
        head.split(separator: "\r\n").lazy.compactMap { line -> Int? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
            return Int(parts[1].trimmingCharacters(in: .whitespaces))
        }.first
    }
}
