import Foundation

/// Loopback TCP ports for test servers.
public enum Ports {
    /// A port that was free on 127.0.0.1 a moment ago (the kernel's choice for port 0).
    public static func free() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestKitError.system("socket", errno) }
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw TestKitError.system("bind", errno) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits until something accepts connections on 127.0.0.1:`port`, or the process dies.
    public static func waitUntilListening(
        _ port: Int, process: ChildProcess? = nil, timeout: Duration = .seconds(20)
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if accepts(port) { return }
            if let process, !process.isRunning {
                throw TestKitError.exited(process.name, await process.waitForExit())
            }
            // A listening socket gives no event to await from outside the process: poll briefly.
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestKitError.timeout("nothing listening on port \(port) after \(timeout)")
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

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}

/// Why the test kit could not provide a server.
public enum TestKitError: Error, CustomStringConvertible {
    case system(String, Int32)
    case exited(String, Int32)
    case timeout(String)
    case missing(String)

    public var description: String {
        switch self {
        case .system(let call, let code): "\(call) failed: \(String(cString: strerror(code)))"
        case .exited(let name, let status): "\(name) exited with status \(status)"
        case .timeout(let what): what
        case .missing(let what): what
        }
    }
}
