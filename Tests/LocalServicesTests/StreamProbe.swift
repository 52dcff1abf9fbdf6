import Foundation
import SwitchboardTesting

/// A blocking loopback TCP connection for tests: send a stream header, read the server's first answer.
///
/// Good enough to look at stream features; real XMPP clients come from the XMPP target.
struct StreamProbe: ~Copyable {
    private let fd: Int32

    /// Connects to 127.0.0.1:`port`; reads give up after `timeoutSeconds`.
    init(port: Int, timeoutSeconds: Int = 5) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LocalServicesError.system("socket", errno) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = Ports.loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            let code = errno
            close(fd)
            throw LocalServicesError.system("connect to port \(port)", code)
        }
    }

    deinit { close(fd) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard Glibc.send(fd, bytes, bytes.count, 0) == bytes.count else { throw LocalServicesError.system("send", errno) }
    }

    /// Reads until what arrived contains `marker`, and returns all of it.
    func read(until marker: String) throws -> String {
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: received, as: UTF8.self).contains(marker) {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else {
                throw LocalServicesError.timeout("no '\(marker)' arrived; got: \(String(decoding: received, as: UTF8.self))")
            }
            received += buffer[..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// Connects, sends `header` and returns the answer up to `marker`.
    static func exchange(port: Int, header: String, until marker: String) throws -> String {
        let probe = try StreamProbe(port: port)
        try probe.send(header)
        return try probe.read(until: marker)
    }
}
