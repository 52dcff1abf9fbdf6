import Foundation
import SwitchboardTesting

/// A socket listening on 127.0.0.1:`port` that never accepts: another program holding the port.
final class PortHolder {
    private var fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LocalServicesError.system("socket", errno) }
        var address = Ports.loopback(port: port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard bound, listen(fd, 16) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw LocalServicesError.system("listen on port \(port)", code)
        }
    }

    /// Lets the port go.
    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    deinit { close() }
}
