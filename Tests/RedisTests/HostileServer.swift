import Foundation
import Synchronization

/// A fake Redis on loopback that answers the first command of every connection with `reply`, then,
/// if `endless` is set, streams it until the client hangs up. Raw sockets, one thread per connection,
/// so the test needs no server framework.
final class HostileServer: Sendable {
    let port: Int
    private let listener: Int32
    private let state = Mutex(State())
    private let finished: AsyncStream<Int>.Continuation
    /// Bytes sent on each connection that carried a command, reported when the client has hung up.
    let sentPerConnection: AsyncStream<Int>

    private struct State {
        var connections: Set<Int32> = []
        var stopped = false
    }

    init(reply: [UInt8], endless: [UInt8]? = nil) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 8) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        guard bound else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        port = Int(UInt16(bigEndian: address.sin_port))
        (sentPerConnection, finished) = AsyncStream.makeStream(of: Int.self)
        Thread.detachNewThread { [self] in
            while true {
                let connection = accept(self.listener, nil, nil)
                guard connection >= 0 else { return }  // stop() shut the listener down
                let accepted = state.withLock { state in
                    if !state.stopped { state.connections.insert(connection) }
                    return !state.stopped
                }
                guard accepted else { close(connection); return }
                Thread.detachNewThread { self.serve(connection, reply: reply, endless: endless) }
            }
        }
    }

    var url: String { "redis://127.0.0.1:\(port)" }

    private func serve(_ connection: Int32, reply: [UInt8], endless: [UInt8]?) {
        var request = [UInt8](repeating: 0, count: 4096)
        var sent = 0
        // Answer only once a command arrives, as Redis would; the client's reconnections that never
        // send one are not reported.
        if recv(connection, &request, request.count, 0) > 0 {
            if write(connection, reply, &sent) {
                while let endless, write(connection, endless, &sent) {}
            }
            finished.yield(sent)
        }
        let owned = state.withLock { $0.connections.remove(connection) != nil }
        if owned { close(connection) }
    }

    private func write(_ connection: Int32, _ bytes: [UInt8], _ sent: inout Int) -> Bool {
        let count = bytes.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard count > 0 else { return false }
        sent += count
        return true
    }

    /// Closes the listener and every connection; the serving threads then end on their own.
    func stop() {
        let connections = state.withLock { state in
            state.stopped = true
            defer { state.connections = [] }
            return state.connections
        }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for connection in connections {
            shutdown(connection, Int32(SHUT_RDWR))
            close(connection)
        }
        finished.finish()
    }
}
