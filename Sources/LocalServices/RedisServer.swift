import Foundation
import Synchronization

/// A throwaway `redis-server` on a free loopback port, with no persistence (a test's, the bench's).
public final class RedisServer: Sendable {
    /// TLS only (no plain port) with a certificate of a private CA, and one ACL user in place of
    /// the default user: how Redis is reached from other machines.
    public struct Secured: Sendable {
        public var authority: PrivateCertificateAuthority
        public var user: String
        public var password: String

        public init(authority: PrivateCertificateAuthority, user: String = "router", password: String) {
            self.authority = authority
            self.user = user
            self.password = password
        }
    }

    public let port: Int
    public let directory: String
    public let secured: Secured?
    private let arguments: [String]
    private let runDirectory: RunDirectory
    private let process: Mutex<ChildProcess?>

    /// `redis://127.0.0.1:PORT` (without the password, if the server has one); `rediss://` when secured.
    public var url: String { "\(secured == nil ? "redis" : "rediss")://127.0.0.1:\(port)" }

    /// `rediss://USER:PASSWORD@127.0.0.1:PORT` for a secured server (`url` otherwise).
    public var urlWithCredentials: String {
        guard let secured else { return url }
        return "rediss://\(secured.user):\(secured.password)@127.0.0.1:\(port)"
    }

    /// The running process, for tests that need its PID.
    public var currentProcess: ChildProcess? { process.withLock { $0 } }

    private init(port: Int, directory: String, secured: Secured?, arguments: [String], runDirectory: RunDirectory) {
        self.port = port
        self.directory = directory
        self.secured = secured
        self.arguments = arguments
        self.runDirectory = runDirectory
        self.process = Mutex(nil)
    }

    /// Starts a server in a new folder of `runDirectory` and waits until it accepts connections.
    /// `extraArguments` are appended to the command line, e.g. `["--requirepass", "secret"]`.
    /// `secured`: TLS and an ACL user instead of a plain port.
    public static func start(in runDirectory: RunDirectory, secured: Secured? = nil, extraArguments: [String] = []) async throws -> RedisServer {
        // A free port can be taken by another program before redis-server binds it: then try new ones.
        for attempt in 1...3 {
            let port = try Ports.free()
            let directory = try runDirectory.newFolder("redis-\(port)")
            var arguments = [
                "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--daemonize", "no", "--dir", directory,
            ]
            if let secured { arguments = try securedArguments(secured, port: port, directory: directory) + arguments.dropFirst(2) }
            arguments += extraArguments
            let server = RedisServer(port: port, directory: directory, secured: secured, arguments: arguments, runDirectory: runDirectory)
            do {
                try await server.launch()
                return server
            } catch LocalServicesError.portInUse where attempt < 3 {
                continue
            }
        }
        preconditionFailure("the third attempt returns or throws")
    }

    /// TLS on `port` (no plain port), and the users from a file, so the password is on no command
    /// line (`ps` shows those to everyone); clients need no certificate of their own.
    private static func securedArguments(_ secured: Secured, port: Int, directory: String) throws -> [String] {
        let users = "\(directory)/users.acl"
        try "user default off\nuser \(secured.user) on >\(secured.password) ~* &* +@all\n"
            .write(toFile: users, atomically: true, encoding: .utf8)
        return [
            "--port", "0", "--tls-port", String(port), "--tls-cert-file", secured.authority.certificateFile,
            "--tls-key-file", secured.authority.keyFile, "--tls-ca-cert-file", secured.authority.caFile,
            "--tls-auth-clients", "no", "--aclfile", users,
        ]
    }

    /// Stops the server and starts a new one on the same port (its data is gone: nothing is saved).
    /// Throws `LocalServicesError.portInUse` if another program took the port in between.
    public func restart() async throws {
        await stop()
        try await launch()
    }

    /// Kills the server with SIGKILL, as a crash would, and waits for it to exit.
    public func kill() async {
        guard let process = currentProcess else { return }
        process.signal(SIGKILL)
        await process.waitForExit()
    }

    /// Stops the server (SIGTERM, then SIGKILL after a grace period); safe to call more than once.
    public func stop() async {
        await currentProcess?.stop()
    }

    private func launch() async throws {
        let log = ServerLog("\(directory)/redis.log")
        let process = try ChildProcess(
            try Self.executable(), arguments, currentDirectory: directory, logFile: log.path, runDirectory: runDirectory)
        self.process.withLock { $0 = process }
        do {
            // Its own log, not an answer on the port: that could come from another program's server.
            try await log.waitUntilReady(process) { text in
                if text.contains("Address already in use") {
                    throw LocalServicesError.portInUse(process.name, port: port, log: log.path)
                }
                return text.contains("Ready to accept connections")
            }
        } catch {
            await process.stop()
            throw error
        }
    }

    private static func executable() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in ["/usr/bin"] + path.split(separator: ":").map(String.init) {
            let candidate = "\(folder)/redis-server"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw LocalServicesError.missing("redis-server is not installed (apt-get install redis-server)")
    }
}

/// Runs `body` with a fresh Redis server in `runDirectory` and stops the server afterwards, whether
/// `body` returns or throws.
public func withRedisServer<Result: Sendable>(
    in runDirectory: RunDirectory,
    secured: RedisServer.Secured? = nil,
    extraArguments: [String] = [],
    _ body: (RedisServer) async throws -> Result
) async throws -> Result {
    let server = try await RedisServer.start(in: runDirectory, secured: secured, extraArguments: extraArguments)
    return try await withCleanup { try await body(server) } cleanup: { await server.stop() }
}
