import Foundation
import Glibc
import Synchronization

/// A private ejabberd node (a test's) from the Debian package: its own config, spool, cookie
/// (`HOME`), logs and node name in a new folder of a run directory, every listener on 127.0.0.1,
/// and no epmd (the node's distribution port is fixed and on loopback).
///
/// `ejabberdctl … foreground` stays a shell around the Erlang VM, so the VM is stopped by the PID
/// it writes (`ejabberd.pid`), not through the shell. Accounts are registered through the admin
/// API on a loopback port: an `ejabberdctl register` call starts a VM of its own and takes seconds.
public final class EjabberdServer: XMPPServer {
    public typealias Options = XMPPServerOptions

    public let kind = XMPPServerKind.ejabberd
    public let domain = "localhost"
    public let serviceDomain: String
    public let c2sPort: Int
    public let componentPort: Int
    /// The admin API (`/api/register`, `/api/change_password`), loopback only; a new port on each
    /// (re)start, as is the Erlang distribution's: only the clients' and components' ports must stay.
    public var httpPort: Int { configuration.withLock { $0.values["SB_HTTP_PORT"].flatMap { Int($0) } ?? 0 } }
    public let componentSecret: String
    public let certificateFile: String
    public let directory: String
    /// The node's console output (what ejabberd logs, and the VM's own start-up errors);
    /// ejabberd's log files are in `logs/`.
    public var logFile: String { "\(directory)/ejabberd.log" }

    /// Starts in this process, one at a time (see `StartGate`): a start is ~1.1 s of CPU and the
    /// first seconds after it ~0.7 s more, and two cores are shared with the rest of a test run.
    private static let gate = StartGate(width: 1)

    private let runDirectory: RunDirectory
    private let configuration: Mutex<EjabberdConfiguration>
    private let running = Mutex<Running?>(nil)

    /// The shell of `ejabberdctl foreground` and the Erlang VM it started.
    private struct Running: Sendable {
        let shell: ChildProcess
        let vm: Int32
    }

    /// Starts a node in a new folder of `runDirectory` and waits until it accepts clients and components
    /// (about 5 s on a quiet 2-core machine), with `options.accounts` registered.
    public static func start(_ options: Options, in runDirectory: RunDirectory) async throws -> EjabberdServer {
        let directory = try runDirectory.newFolder("ejabberd")
        let certificate = try await SelfSignedCertificate.install(into: "\(directory)/certs", from: runDirectory)
        // The component listener's `certfile`: certificate and key in one file.
        let pem = try String(contentsOfFile: certificate.certificateFile, encoding: .utf8)
            + String(contentsOfFile: certificate.keyFile, encoding: .utf8)
        try pem.write(toFile: "\(directory)/certs/localhost.pem", atomically: true, encoding: .utf8)
        let node = "sb\(UInt32.random(in: 0...UInt32.max))@localhost"
        // A free port can be taken by someone else before ejabberd binds it: then try new ones. On a
        // loaded machine a node was seen to stop for good after loading its config (twice in ~70
        // starts, both in one full test run): then it starts again with a new spool.
        for attempt in 1...3 {
            let server = try EjabberdServer(
                runDirectory: runDirectory, directory: directory, certificateFile: certificate.certificateFile, node: node,
                options: options)
            do {
                try await server.launch()
                try await server.register(options.accounts)
                return server
            } catch EjabberdServerError.portInUse where attempt < 3 {
                await server.stop()
                continue
            } catch LocalServicesError.timeout where attempt < 3 {
                await server.stop()
                try? FileManager.default.removeItem(atPath: "\(directory)/spool")
                continue
            } catch {
                await server.stop()
                throw error
            }
        }
        preconditionFailure("the last attempt returns or throws")
    }

    private init(runDirectory: RunDirectory, directory: String, certificateFile: String, node: String, options: Options) throws {
        self.runDirectory = runDirectory
        self.directory = directory
        self.certificateFile = certificateFile
        self.serviceDomain = options.serviceDomain
        c2sPort = try Ports.free()
        componentPort = try Ports.free()
        var bytes = SystemRandomNumberGenerator()
        componentSecret = (0..<4).map { _ in String(bytes.next() as UInt64, radix: 16) }.joined()
        let level = ProcessInfo.processInfo.environment["SB_EJABBERD_LOG_LEVEL"] == "debug" ? "debug" : "info"
        configuration = Mutex(EjabberdConfiguration(
            values: [
                "SB_C2S_PORT": String(c2sPort), "SB_COMPONENT_PORT": String(componentPort),
                "SB_DOMAIN": options.serviceDomain, "SB_COMPONENT_SECRET": componentSecret, "SB_CERTS": "\(directory)/certs",
                "SB_C2S_SHAPER": options.limits ? "limits" : "none", "SB_LOG_LEVEL": level,
                "SB_COMPONENT_TLS": options.componentTLS ? "true" : "false",
            ],
            node: node,
            distributionPort: 0))
    }

    /// Writes the node's files with new ports for the admin API and the distribution: after a
    /// kill the old ones may have gone to other programs' connections in the meantime.
    private func writeConfiguration() throws {
        let (http, distribution) = (try Ports.free(), try Ports.free())
        try configuration.withLock { configuration in
            configuration.values["SB_HTTP_PORT"] = String(http)
            configuration.distributionPort = distribution
            try configuration.write(into: directory)
        }
    }

    deinit {
        // A safety net for a test that forgot stop(): never leave a node behind.
        if let running = self.running.withLock({ $0 }) {
            _ = Glibc.kill(running.vm, SIGKILL)
            running.shell.signal(SIGKILL)
        }
    }

    /// The Erlang VM's process ID, nil after `stop()` or `kill()`.
    public var pid: Int32? {
        running.withLock { running in running.flatMap { $0.shell.isRunning ? $0.vm : nil } }
    }

    public func restart() async throws {
        await stop()
        try await launch()
    }

    public func kill() async {
        guard let running = self.running.withLock({ $0 }) else { return }
        _ = Glibc.kill(running.vm, SIGKILL)
        await running.shell.waitForExit()
    }

    /// SIGTERM to the VM (Erlang stops its applications in order, about a second), SIGKILL after 10 s.
    public func stop() async {
        guard let running = self.running.withLock({ $0 }), running.shell.isRunning else { return }
        _ = Glibc.kill(running.vm, SIGTERM)
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await running.shell.waitForExit(); return true }
            group.addTask {
                try? await Task.sleep(for: .seconds(10))
                return false
            }
            if await group.next() == false {
                _ = Glibc.kill(running.vm, SIGKILL)
                running.shell.signal(SIGKILL)
                await running.shell.waitForExit()
            }
            group.cancelAll()
        }
    }

    // MARK: - Accounts

    /// Registers each account through the admin API, one curl process for all of them; an account
    /// that exists gets its password changed instead, as prosodyctl's `register` does.
    public func register(_ accounts: [String: String]) async throws {
        guard !accounts.isEmpty else { return }
        let sorted = accounts.sorted { $0.key < $1.key }
        let codes = try await post("register", sorted.map { ["user": $0.key, "host": domain, "password": $0.value] })
        let existing = zip(sorted, codes).filter { $0.1 != 200 }.map { $0.0 }
        guard !existing.isEmpty else { return }
        let changed = try await post("change_password", existing.map { ["user": $0.key, "host": domain, "newpass": $0.value] })
        if let failed = zip(existing, changed).first(where: { $0.1 != 200 }) {
            throw EjabberdServerError.registration(user: failed.0.key, status: failed.1, log: "\(directory)/api.log")
        }
    }

    /// POSTs each body to `/api/COMMAND` and returns the HTTP status codes in order. The requests go
    /// in a curl config file (mode 600, removed after), so no password shows in a process list.
    private func post(_ command: String, _ bodies: [[String: String]]) async throws -> [Int] {
        let requests = try bodies.map { body -> String in
            let json = String(decoding: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]), as: UTF8.self)
            return """
                url = "http://127.0.0.1:\(httpPort)/api/\(command)"
                data = "\(Self.curlQuoted(json))"
                output = "/dev/null"
                write-out = "%{http_code}\\n"
                """
        }
        let requestFile = "\(directory)/api-requests.curl", codesFile = "\(directory)/api-codes.txt"
        FileManager.default.createFile(atPath: requestFile, contents: nil, attributes: [.posixPermissions: 0o600])
        try requests.joined(separator: "\nnext\n").write(toFile: requestFile, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: requestFile) }
        try? FileManager.default.removeItem(atPath: codesFile)
        let curl = try ChildProcess(
            try ChildProcess.executable("curl"),
            ["--silent", "--show-error", "--max-time", "60", "--config", requestFile],
            logFile: codesFile, runDirectory: runDirectory)
        let status = await curl.waitForExit()
        let output = (try? String(contentsOfFile: codesFile, encoding: .utf8)) ?? ""
        try? output.write(toFile: "\(directory)/api.log", atomically: true, encoding: .utf8)
        let codes = output.split(separator: "\n").compactMap { Int($0) }
        guard status == 0, codes.count == bodies.count else {
            throw EjabberdServerError.api(command: command, status: status, output: output)
        }
        return codes
    }

    /// A string for a double-quoted value in a curl config file.
    private static func curlQuoted(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }

    // MARK: - Starting

    private func launch() async throws {
        try await Self.gate.run { try await self.launchNow() }
    }

    private func launchNow() async throws {
        try writeConfiguration()
        let log = ServerLog(logFile)
        let shell = try ChildProcess(
            try ChildProcess.executable("ejabberdctl"),
            [
                "--config-dir", directory, "--config", EjabberdConfiguration.file(in: directory),
                "--ctl-config", EjabberdConfiguration.controlFile(in: directory), "--logs", "\(directory)/logs",
                "--spool", "\(directory)/spool", "foreground",
            ],
            // The cookie goes to $HOME/.erlang.cookie: the node's own, not root's.
            environment: ["HOME": "\(directory)/home"],
            currentDirectory: directory,
            logFile: log.path,
            runDirectory: runDirectory)
        try? FileManager.default.removeItem(atPath: EjabberdConfiguration.pidFile(in: directory))
        let pidFile = EjabberdConfiguration.pidFile(in: directory)
        // A listener with `tls: true` says "TLS connections" instead.
        let componentTLS = configuration.withLock { $0.values["SB_COMPONENT_TLS"] == "true" }
        let listening = [
            "TCP connections at 127.0.0.1:\(c2sPort) for ejabberd_c2s",
            "\(componentTLS ? "TLS" : "TCP") connections at 127.0.0.1:\(componentPort) for ejabberd_service",
            "TCP connections at 127.0.0.1:\(httpPort) for ejabberd_http",
        ].map { "Start accepting \($0)" }
        do {
            // The VM and ejabberd load ~200 modules first: generous for a loaded machine.
            try await log.waitUntilReady(shell, timeout: .seconds(60)) { text in
                if text.contains("address already in use") || text.contains("eaddrinuse") {
                    throw EjabberdServerError.portInUse(log: logFile)
                }
                return listening.allSatisfy(text.contains) && FileManager.default.fileExists(atPath: pidFile)
            }
            let vm = try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let pid = Int32(vm) else { throw EjabberdServerError.pidFile(pidFile) }
            running.withLock { $0 = Running(shell: shell, vm: pid) }
        } catch {
            // The VM is the shell's child: stop it through its process group's leader, the shell.
            await Self.stopWithoutPID(shell)
            throw error
        }
    }

    /// A node that did not get as far as its pid file: the shell and its child VM, found by parent PID.
    private static func stopWithoutPID(_ shell: ChildProcess) async {
        for child in childPIDs(of: shell.pid) { _ = Glibc.kill(child, SIGKILL) }
        shell.signal(SIGKILL)
        await shell.waitForExit()
    }

    private static func childPIDs(of parent: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return false }
            // "PID (NAME) STATE PPID …": the name may hold spaces, so read after its parenthesis.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == parent
        }
    }
}

/// Why a local ejabberd did not start or do what was asked.
public enum EjabberdServerError: Error, CustomStringConvertible {
    case portInUse(log: String)
    case pidFile(String)
    case api(command: String, status: Int32, output: String)
    case registration(user: String, status: Int, log: String)

    public var description: String {
        switch self {
        case .portInUse(let log): "ejabberd could not listen on one of its ports: in use (log: \(log))"
        case .pidFile(let path): "ejabberd wrote no process ID to \(path)"
        case .api(let command, let status, let output):
            "ejabberd's admin API did not answer every \(command) request (curl status \(status)): \(output.prefix(500))"
        case .registration(let user, let status, let log):
            "ejabberd could not register \(user)@localhost (HTTP \(status); log: \(log))"
        }
    }
}
