import Foundation
import Synchronization

/// A throwaway `redis-server` on a free loopback port, with no persistence (a test's, the bench's).
public final class RedisServer: Sendable {
    public let port: Int
    public let directory: String
    private let arguments: [String]
    private let runDirectory: RunDirectory
    private let process: Mutex<ChildProcess?>

    /// `redis://127.0.0.1:PORT` (without the password, if the server has one).
    public var url: String { "redis://127.0.0.1:\(port)" }

    /// The running process, for tests that need its PID.
    public var currentProcess: ChildProcess? { process.withLock { $0 } }

    private init(port: Int, directory: String, arguments: [String], runDirectory: RunDirectory) {
        self.port = port
        self.directory = directory
        self.arguments = arguments
        self.runDirectory = runDirectory
        self.process = Mutex(nil)
    }

    /// Starts a server in a new folder of `runDirectory` and waits until it accepts connections.
    /// `extraArguments` are appended to the command line, e.g. `["--requirepass", "secret"]`.
    public static func start(in runDirectory: RunDirectory, extraArguments: [String] = []) async throws -> RedisServer {
        // A free port can be taken by another program before redis-server binds it: then try new ones.
        for attempt in 1...3 {
            let port = try Ports.free()
            let directory = try runDirectory.newFolder("redis-\(port)")
            let arguments = [
                "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--daemonize", "no", "--dir", directory,
            ] + extraArguments
            let server = RedisServer(port: port, directory: directory, arguments: arguments, runDirectory: runDirectory)
            do {
                try await server.launch()
                return server
            } catch LocalServicesError.portInUse where attempt < 3 {
                continue
            }
        }
        preconditionFailure("the third attempt returns or throws")
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
    extraArguments: [String] = [],
    _ body: (RedisServer) async throws -> Result
) async throws -> Result {
    let server = try await RedisServer.start(in: runDirectory, extraArguments: extraArguments)
    return try await withCleanup { try await body(server) } cleanup: { await server.stop() }
}
