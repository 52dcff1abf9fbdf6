import Foundation
import Synchronization

/// Loopback TCP ports for local servers.
public enum Ports {
    // The kernel may offer a port again as soon as it is closed: two tests starting together were
    // once given the same one. Ports stay handed out for the whole process, so a server's
    // `restart()` on its old port is not beaten to it by another test either.
    private static let handedOut = Mutex<Set<Int>>([])

    /// A port that was free on 127.0.0.1 a moment ago (the kernel's choice for port 0) and that
    /// this process has not handed out before. Another program can still take it before the
    /// server binds it: a server must see in its own log that it listens, not just that the
    /// port answers.
    public static func free() throws -> Int {
        for _ in 0..<100 {
            let port = try kernelChoice()
            if handedOut.withLock({ $0.insert(port).inserted }) { return port }
        }
        throw LocalServicesError.missing("the kernel kept offering loopback ports this process had handed out already")
    }

    private static func kernelChoice() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LocalServicesError.system("socket", errno) }
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw LocalServicesError.system("bind", errno) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether a TCP connection to 127.0.0.1:`port` succeeds now.
    public static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// The address 127.0.0.1:`port`, for `bind` or `connect`.
    public static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
