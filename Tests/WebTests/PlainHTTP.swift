import Foundation
import NIOCore
import NIOPosix

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
