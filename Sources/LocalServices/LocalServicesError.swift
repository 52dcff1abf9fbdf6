import Foundation

/// Why a local server (or another child process) could not be started or used.
public enum LocalServicesError: Error, CustomStringConvertible {
    case system(String, Int32)
    case exited(String, Int32, log: String? = nil)
    case portInUse(String, port: Int, log: String)
    case timeout(String)
    case missing(String)

    public var description: String {
        switch self {
        case .system(let call, let code): "\(call) failed: \(String(cString: strerror(code)))"
        case .exited(let name, let status, let log?): "\(name) exited with status \(status) while starting (log: \(log))"
        case .exited(let name, let status, nil): "\(name) exited with status \(status)"
        case .portInUse(let name, let port, let log):
            "\(name) could not listen on 127.0.0.1:\(port): another program has it (log: \(log))"
        case .timeout(let what): what
        case .missing(let what): what
        }
    }
}
