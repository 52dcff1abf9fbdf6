import Foundation
import Synchronization

/// A Prosody of its own (a test's, the bench's): the config built into this module
/// (`prosody.cfg.lua`, written into the server's folder) on free ports, in a new folder of a run
/// directory.
///
/// Users live on `domain` ("localhost"); the router connects as the external
/// component `serviceDomain` on `componentPort` with `componentSecret`.
/// Stop it with `stop()`, or use `withProsodyServer`, which always does.
public final class ProsodyServer: XMPPServer {
    public typealias Options = XMPPServerOptions

    public let kind = XMPPServerKind.prosody
    /// The user host: accounts are `user@localhost`.
    public let domain = "localhost"
    public let serviceDomain: String
    /// Port for XMPP clients (c2s; STARTTLS offered, not required).
    public let c2sPort: Int
    /// Port for external components (XEP-0114).
    public let componentPort: Int
    /// The shared secret of the `serviceDomain` component; random per server.
    public let componentSecret: String
    /// The self-signed certificate Prosody presents for `localhost`; trust it as a CA in TLS tests.
    public let certificateFile: String
    /// This server's folder (its config, data, accounts, `prosody.log`).
    public let directory: String
    /// Prosody's output, the first place to look when a test fails.
    public var logFile: String { "\(directory)/prosody.log" }

    /// Where `directory` was made: its mark goes to Prosody and prosodyctl.
    private let runDirectory: RunDirectory
    private let limits: Bool
    private let process = Mutex<ChildProcess?>(nil)

    /// Starts a server in a new folder of `runDirectory` and waits until it accepts clients and components.
    public static func start(_ options: Options, in runDirectory: RunDirectory) async throws -> ProsodyServer {
        let directory = try runDirectory.newFolder("prosody")
        let certificate = try await SelfSignedCertificate.install(into: "\(directory)/certs", from: runDirectory)
        try ProsodyConfiguration.write(into: directory)
        // A free port can be taken by someone else before Prosody binds it: then try new ones.
        for attempt in 1...3 {
            let (c2sPort, componentPort) = (try Ports.free(), try Ports.free())
            let server = ProsodyServer(
                runDirectory: runDirectory, directory: directory, certificateFile: certificate.certificateFile,
                c2sPort: c2sPort, componentPort: componentPort, options: options
            )
            do {
                try await server.register(options.accounts)
                try await server.launch()
                return server
            } catch let error as ProsodyServerError {
                await server.stop()
                if case .portInUse = error, attempt < 3 { continue }
                throw error
            } catch {
                await server.stop()
                throw error
            }
        }
        preconditionFailure("the last attempt returns or throws")
    }

    private init(
        runDirectory: RunDirectory, directory: String, certificateFile: String, c2sPort: Int, componentPort: Int, options: Options
    ) {
        self.runDirectory = runDirectory
        self.directory = directory
        self.certificateFile = certificateFile
        self.c2sPort = c2sPort
        self.componentPort = componentPort
        self.serviceDomain = options.serviceDomain
        self.limits = options.limits
        var bytes = SystemRandomNumberGenerator()
        self.componentSecret = (0..<4).map { _ in String(bytes.next() as UInt64, radix: 16) }.joined()
    }

    deinit {
        // A safety net for a test that forgot stop(): never leave a server behind.
        process.withLock { $0?.signal(SIGKILL) }
    }

    /// The running Prosody's process ID, nil after `stop()` or `kill()`.
    public var pid: Int32? {
        process.withLock { process in process.flatMap { $0.isRunning ? $0.pid : nil } }
    }

    /// Creates many accounts. prosodyctl (~30 ms a process) registers one account per password;
    /// the others with that password get a copy of its stored record, which names no user (salt,
    /// iteration count and SCRAM keys): hundreds of accounts take milliseconds, not seconds.
    public func register(_ accounts: [String: String]) async throws {
        let byPassword = Dictionary(grouping: accounts.sorted { $0.key < $1.key }) { $0.value }
        let first = Dictionary(uniqueKeysWithValues: byPassword.values.compactMap { $0.first.map { ($0.key, $0.value) } })
        try await registerWithProsodyctl(first)
        let folder = "\(directory)/data/localhost/accounts"
        for users in byPassword.values {
            guard let model = users.first else { continue }
            let record = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(Self.storageName(model.key)).dat"))
            for (user, _) in users.dropFirst() {
                try record.write(to: URL(fileURLWithPath: "\(folder)/\(Self.storageName(user)).dat"), options: .atomic)
            }
        }
    }

    /// A few prosodyctl processes at a time.
    private func registerWithProsodyctl(_ accounts: [String: String]) async throws {
        let prosodyctl = try ChildProcess.executable("prosodyctl")
        let environment = self.environment, runDirectory = self.runDirectory
        let parallel = max(2, ProcessInfo.processInfo.activeProcessorCount * 2)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var waiting = accounts.sorted { $0.key < $1.key }[...]
            func startNext() {
                guard let (user, password) = waiting.popFirst() else { return }
                group.addTask {
                    try await Self.registerOne(
                        user, password, prosodyctl: prosodyctl, environment: environment, in: self.directory, runDirectory: runDirectory)
                }
            }
            for _ in 0..<parallel { startNext() }
            while try await group.next() != nil { startNext() }
        }
    }

    /// Whether the account `user@localhost` exists in the data folder.
    public func hasAccount(_ user: String) -> Bool {
        FileManager.default.fileExists(atPath: "\(directory)/data/localhost/accounts/\(Self.storageName(user)).dat")
    }

    /// Stops Prosody (if it runs) and starts it again on the same ports, with the same accounts.
    public func restart() async throws {
        await stop()
        try await launch()
    }

    /// Kills Prosody with SIGKILL, as a crash would, and waits until it is gone.
    public func kill() async {
        guard let running = process.withLock({ $0 }) else { return }
        running.signal(SIGKILL)
        await running.waitForExit()
    }

    /// Stops Prosody by its PID: SIGTERM, then SIGKILL after 5 s. Safe to call twice.
    public func stop() async {
        guard let running = process.withLock({ $0 }) else { return }
        await running.stop()
    }

    // MARK: - Starting

    /// What prosody.cfg.lua reads, for prosody and prosodyctl alike.
    private var environment: [String: String] {
        [
            "SB_PROSODY_DATA": "\(directory)/data",
            "SB_PROSODY_CERTS": "\(directory)/certs",
            "SB_PROSODY_PIDFILE": "\(directory)/prosody.pid",
            "SB_PROSODY_LOG": "",  // to stdout, which ChildProcess writes to prosody.log
            // The start is recognised by info lines: keep them even if the caller asked for less.
            "SB_PROSODY_LOG_LEVEL": ProcessInfo.processInfo.environment["SB_PROSODY_LOG_LEVEL"] == "debug" ? "debug" : "info",
            "SB_C2S_PORT": String(c2sPort),
            "SB_COMPONENT_PORT": String(componentPort),
            "SB_DOMAIN": serviceDomain,
            "SB_COMPONENT_SECRET": componentSecret,
            "SB_PROSODY_LIMITS": limits ? "on" : "off",
            // Off as in a deployment; `SB_PROSODY_NAGLE=on switchboard bench` measures Prosody's own default.
            "SB_PROSODY_NAGLE": ProcessInfo.processInfo.environment["SB_PROSODY_NAGLE"] == "on" ? "on" : "off",
        ]
    }

    private func launch() async throws {
        let log = ServerLog(logFile)
        let started = try ChildProcess(
            try ChildProcess.executable("prosody"),
            ["--config", ProsodyConfiguration.file(in: directory), "-F"],
            environment: environment,
            // Its own folder as working directory: nothing it might write lands where it was started.
            currentDirectory: directory,
            logFile: log.path,
            runDirectory: runDirectory
        )
        process.withLock { $0 = started }
        // Ready when Prosody has logged both listeners as active: a port that
        // accepts connections alone might belong to another program.
        let active = [
            "Activated service 'c2s' on [127.0.0.1]:\(c2sPort)",
            "Activated service 'component' on [127.0.0.1]:\(componentPort)",
        ]
        try await log.waitUntilReady(started) { text in
            if text.contains("Failed to open server port") {
                throw ProsodyServerError.portInUse(c2sPort: c2sPort, componentPort: componentPort, log: logFile)
            }
            return active.allSatisfy(text.contains)
        }
    }

    private static func registerOne(
        _ user: String, _ password: String, prosodyctl: String, environment: [String: String], in directory: String,
        runDirectory: RunDirectory
    ) async throws {
        let log = "\(directory)/prosodyctl-\(storageName(user)).log"
        let registration = try ChildProcess(
            prosodyctl,
            ["--config", ProsodyConfiguration.file(in: directory), "register", user, "localhost", password],
            environment: environment,
            logFile: log,
            runDirectory: runDirectory
        )
        let status = await registration.waitForExit()
        guard status == 0 else {
            throw ProsodyServerError.registration(user: user, status: status, log: log)
        }
    }

    /// The file name Prosody's datamanager gives a user: lower case, every
    /// byte but letters and digits as `%xx`.
    private static func storageName(_ user: String) -> String {
        user.lowercased().utf8.map { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                String(UnicodeScalar(byte))
            default:
                "%" + String(format: "%02x", byte)
            }
        }.joined()
    }
}

/// Why a local Prosody did not start or do what was asked.
public enum ProsodyServerError: Error, CustomStringConvertible {
    case portInUse(c2sPort: Int, componentPort: Int, log: String)
    case registration(user: String, status: Int32, log: String)

    public var description: String {
        switch self {
        case .portInUse(let c2s, let component, let log):
            "Prosody could not listen on port \(c2s) or \(component): in use (log: \(log))"
        case .registration(let user, let status, let log):
            "prosodyctl could not register \(user)@localhost, status \(status) (log: \(log))"
        }
    }
}

/// Runs `body` with a fresh Prosody server in `runDirectory` and stops it afterwards by its PID,
/// also when `body` throws.
public func withProsodyServer<Result>(
    _ options: ProsodyServer.Options,
    in runDirectory: RunDirectory,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (ProsodyServer) async throws -> Result
) async throws -> Result {
    let server = try await ProsodyServer.start(options, in: runDirectory)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}
