import Foundation
import RoutingTesting
import SwitchboardTesting
import Synchronization
import Testing

/// `switchboard console` running in a tmux pane of a fixed size, on a tmux server of its own
/// (`tmux -L`): the test types with `send-keys` and reads the screen with `capture-pane`.
final class ConsolePane: Sendable {
    let socket: String
    let directory: String
    private let tmux: String
    private let captures = Mutex(0)

    /// Starts the console as `user` against the live router's Prosody (STARTTLS with its certificate).
    /// `shell` wraps the command line (`%@` is the console's command), e.g. to run `stty` after it;
    /// the password is in `$SB_PASSWORD` unless nil (then the console asks); without
    /// `trustsServer` no `--tls-ca` is passed (the system's CAs do not know Prosody's certificate).
    init(
        _ live: LiveRouter, user: String, width: Int = 100, height: Int = 30, arguments: [String] = [], shell: String = "%@",
        password: String? = "secret", trustsServer: Bool = true
    ) async throws {
        tmux = try ChildProcess.executable("tmux")
        directory = try RunDirectory.make("console-\(user)")
        socket = "sb-console-\(UInt32.random(in: 0...UInt32.max))"
        let binary = try SwitchboardBinary.path()
        let console = (password.map { "SB_PASSWORD=\(Self.quoted($0)) " } ?? "") + ([binary, "console", "--jid", "\(user)@\(live.server.domain)", "--host", "127.0.0.1",
                        "--port", "\(live.server.c2sPort)", "--domain", live.domain]
                        + (trustsServer ? ["--tls-ca", live.server.certificateFile] : [])
                        + ["--log-file", "\(directory)/console.log"] + arguments).map(Self.quoted).joined(separator: " ")
        let command = shell.replacingOccurrences(of: "%@", with: console)
        // A dead pane stays on screen, so a test can still read what a console that exited left. The
        // option is set in the same tmux call as the session (one server step, before any exit is
        // reaped): a console that exits at once must not take the pane and server with it first.
        try await tmuxCommand([
            "new-session", "-d", "-x", "\(width)", "-y", "\(height)", "-s", "main", command, ";", "set-option", "-g", "remain-on-exit", "on",
        ])
    }

    private static func quoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Runs a tmux command on this pane's server; returns its output.
    @discardableResult
    func tmuxCommand(_ arguments: [String]) async throws -> String {
        let number = captures.withLock { count in
            count += 1
            return count
        }
        let output = "\(directory)/tmux-\(number % 4).out"
        try? FileManager.default.removeItem(atPath: output)
        let child = try ChildProcess(
            tmux, ["-u", "-L", socket, "-f", "/dev/null"] + arguments, environment: ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"],
            currentDirectory: directory, logFile: output, runDirectory: .tests)
        let status = await child.waitForExit()
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        guard status == 0 else { throw ConsolePaneError.tmux(arguments.first ?? "", status: status, output: text) }
        return text
    }

    /// The screen now, one string per row.
    func screen() async throws -> [String] {
        let text = try await tmuxCommand(["capture-pane", "-p", "-t", "main"])
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Waits (bounded) until the screen satisfies `condition`; returns that screen.
    @discardableResult
    func waitFor(_ what: String, timeout: Duration = .seconds(30), _ condition: @escaping @Sendable ([String]) -> Bool)
        async throws -> [String]
    {
        let last = Mutex<[String]>([])
        do {
            // Each look starts a tmux process: not too often on a shared 2-core machine.
            return try await poll(timeout, what, every: .milliseconds(150)) {
                let screen = try await self.screen()
                last.withLock { $0 = screen }
                return condition(screen) ? screen : nil
            }
        } catch let error as TimedOut {
            throw ConsolePaneError.timedOut(error.what, screen: last.withLock { $0 }.joined(separator: "\n"), log: directory)
        }
    }

    /// Waits until `text` is on screen.
    @discardableResult
    func waitFor(text: String, timeout: Duration = .seconds(30)) async throws -> [String] {
        try await waitFor("'\(text)' on screen", timeout: timeout) { $0.contains { $0.contains(text) } }
    }

    /// Types text literally.
    func type(_ text: String) async throws {
        try await tmuxCommand(["send-keys", "-t", "main", "-l", "--", text])
    }

    /// Presses keys by tmux name (`Enter`, `M-a`, `C-w`, `Left`, `Home`, …).
    func press(_ keys: String...) async throws {
        try await tmuxCommand(["send-keys", "-t", "main"] + keys)
    }

    /// Types a line and presses Enter.
    func enter(_ line: String) async throws {
        try await type(line)
        try await press("Enter")
    }

    func resize(width: Int, height: Int) async throws {
        try await tmuxCommand(["resize-window", "-t", "main", "-x", "\(width)", "-y", "\(height)"])
    }

    /// A tmux format of the pane, e.g. `#{alternate_on}`, `#{pane_dead}`, `#{pane_pid}`.
    func format(_ format: String) async throws -> String {
        try await tmuxCommand(["display-message", "-p", "-t", "main", format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits (bounded) until the pane's program has ended: gone, or a zombie tmux has not reaped yet.
    func waitForExit(timeout: Duration = .seconds(30)) async throws {
        let pid = try await format("#{pane_pid}")
        do {
            // The console runs in tmux's process tree: its end is no event this process gets.
            try await poll(timeout, "the console (pid \(pid)) to exit", every: .milliseconds(100)) {
                guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
                return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
            }
        } catch let error as TimedOut {
            let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? "gone"
            let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
            let stacks = threads.map { "\($0): " + ((try? String(contentsOfFile: "/proc/\(pid)/task/\($0)/wchan", encoding: .utf8)) ?? "?") }
            throw ConsolePaneError.timedOut(error.what, screen: status + "\n" + stacks.joined(separator: "\n"), log: directory)
        }
    }

    /// Stops the tmux server and everything in it, and removes its socket (kill-server leaves it).
    func stop() async {
        _ = try? await tmuxCommand(["kill-server"])
        let folder = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
        try? FileManager.default.removeItem(atPath: "\(folder)/tmux-\(getuid())/\(socket)")
    }

    /// Runs `body` with a console pane, always stopping its tmux server.
    static func with(
        _ live: LiveRouter, user: String, width: Int = 100, height: Int = 30, arguments: [String] = [], shell: String = "%@",
        password: String? = "secret", trustsServer: Bool = true, _ body: (ConsolePane) async throws -> Void
    ) async throws {
        let pane = try await ConsolePane(
            live, user: user, width: width, height: height, arguments: arguments, shell: shell, password: password,
            trustsServer: trustsServer)
        try await withCleanup {
            try await body(pane)
        } cleanup: {
            await pane.stop()
        }
    }
}

enum ConsolePaneError: Error, CustomStringConvertible {
    case tmux(String, status: Int32, output: String)
    case timedOut(String, screen: String, log: String)

    var description: String {
        switch self {
        case .tmux(let command, let status, let output): "tmux \(command) exited with \(status): \(output)"
        case .timedOut(let what, let screen, let log): "timed out waiting for \(what); the screen was:\n\(screen)\n(logs in \(log))"
        }
    }
}

/// The console's end-to-end suites, one at a time: each runs real servers and a terminal,
/// and a loaded machine serves one console better than five.
@Suite(.serialized) enum ConsoleEndToEnd {}
