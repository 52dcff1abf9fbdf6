import Foundation
import LocalServices
import SwitchboardTesting

/// Gajim 1.7 (Debian) on a private X display: Xvfb on a display number it picks itself
/// (`-displayfd`), Gajim as the unprivileged user `sbgajim` (made here if missing: Gajim refuses
/// to run as root) in a D-Bus session of its own (`dbus-run-session`), its whole profile (`-c`,
/// and the XDG folders) in the test's run folder. The test types and clicks with xdotool and
/// reads what Gajim stored in its message archive (`logs.db`).
final class GajimDesktop: Sendable {
    /// The account Gajim logs in with, as its account settings hold it.
    struct Account: Sendable {
        var user: String
        var domain: String
        var password: String
        var host = "127.0.0.1"
        var port: Int
        /// The server's certificate, put in Gajim's trust store: what "Add to trusted certificates" does.
        var certificate: String
    }

    static let user = "sbgajim"
    /// The run folder: Xvfb's and Gajim's logs, the scripts the test runs.
    let directory: String
    /// Gajim's profile (`-c`), owned by `user`.
    let profile: String
    /// `:N`.
    let display: String
    private let xvfb: ChildProcess
    /// `dbus-run-session`, the parent of Gajim and of the session's bus.
    private let session: ChildProcess
    private let xdotool: String

    private init(directory: String, profile: String, display: String, xvfb: ChildProcess, session: ChildProcess, xdotool: String) {
        self.directory = directory
        self.profile = profile
        self.display = display
        self.xvfb = xvfb
        self.session = session
        self.xdotool = xdotool
    }

    /// Runs `body` with Gajim logged in as `account`, its main window shown; stops everything after.
    static func with(_ account: Account, _ body: (GajimDesktop) async throws -> Void) async throws {
        for program in ["gajim", "Xvfb", "xdotool", "dbus-run-session", "setpriv"] { _ = try ChildProcess.executable(program) }
        let directory = try RunDirectory.make("gajim-\(account.user)")
        try await ensureUser(directory: directory)
        // Gajim runs as another user, so its profile must be in a folder others may enter: a
        // checkout under one only root enters (/root) gets its profile under /tmp, removed after.
        let reachable = othersCanEnter(directory)
        let profile = reachable ? "\(directory)/profile" : "/tmp/sb-gajim-\(UInt32.random(in: 0...UInt32.max))"
        var xvfb: ChildProcess?
        var session: ChildProcess?
        try await withCleanup {
            try await seed(profile, account, directory: directory)
            let server = try ChildProcess(
                try ChildProcess.executable("Xvfb"), ["-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                logFile: "\(directory)/xvfb.log", runDirectory: .tests)
            xvfb = server
            // Xvfb writes the display number it took to the descriptor given (its log here).
            let display = try await poll(.seconds(60), "Xvfb's display number", every: .milliseconds(200)) { () -> String? in
                guard server.isRunning else { throw GajimDesktopError.exited("Xvfb", log: "\(directory)/xvfb.log") }
                let log = (try? String(contentsOfFile: "\(directory)/xvfb.log", encoding: .utf8)) ?? ""
                return log.split(separator: "\n").first { !$0.isEmpty && $0.allSatisfy(\.isNumber) }.map { ":\($0)" }
            }
            session = try startGajim(profile: profile, display: display, directory: directory)
            let desktop = GajimDesktop(
                directory: directory, profile: profile, display: display, xvfb: server, session: session!,
                xdotool: try ChildProcess.executable("xdotool"))
            do {
                _ = try await desktop.mainWindow()
                try await body(desktop)
            } catch {
                // What the screen showed, for whoever reads the failure (the run folder is kept).
                try? await desktop.screenshot("\(directory)/failure.png")
                throw error
            }
        } cleanup: {
            if let session { await stop(session) }
            await xvfb?.stop()
            if !reachable { try? FileManager.default.removeItem(atPath: profile) }
        }
    }

    /// Gajim's main window, once shown (it opens after the settings are read and the account set up).
    func mainWindow() async throws -> String {
        try await window(named: "Gajim")
    }

    /// The visible window titled exactly `title`.
    func window(named title: String) async throws -> String {
        try await poll(.seconds(60), "Gajim's window '\(title)'", every: .milliseconds(500)) {
            try self.checkRunning()
            return try await self.visibleWindow(named: title)
        }
    }

    func visibleWindow(named title: String) async throws -> String? {
        let (status, output) = try await run(xdotool, ["search", "--onlyvisible", "--name", "^\(title)$"], environment: ["DISPLAY": display])
        return status == 0 ? output.split(separator: "\n").first.map(String.init) : nil
    }

    /// Keyboard focus to `window`, then `keys` (xdotool key names), 100 ms apart as a person types.
    func press(_ keys: [String], in window: String) async throws {
        try await xdo(["windowfocus", "--sync", window])
        try await xdo(["key", "--clearmodifiers", "--delay", "100"] + keys)
    }

    /// Keyboard focus to `window`, then `text` typed key by key.
    func type(_ text: String, in window: String) async throws {
        try await xdo(["windowfocus", "--sync", window])
        try await xdo(["type", "--clearmodifiers", "--delay", "50", text])
    }

    /// Accounts → Add Contact… (by keyboard: F10 opens the menu bar), `address`, then Enter until
    /// the window closes: Next (Gajim asks the address what it is), then Add Contact, with
    /// "Share status" left on as it is by default.
    func addContact(_ address: String) async throws {
        let main = try await mainWindow()
        try await retrying("Gajim's Add Contact window") {
            try await press(["Escape", "F10", "Right", "Down", "Down", "Return"], in: main)
        } until: {
            try await self.visibleWindow(named: "Add Contact") != nil
        }
        let dialog = try await window(named: "Add Contact")
        try await type(address, in: dialog)
        // Enter every 3 s until the window closes: Enter is ignored while Gajim waits for the
        // address's answer, and on an error page it goes back to try again.
        try await poll(.seconds(60), "\(address) added (the Add Contact window closed)", every: .seconds(3), until: {
            guard try await self.visibleWindow(named: "Add Contact") != nil else { return true }
            try self.checkRunning()
            try? await self.press(["Return"], in: dialog)
            return false
        })
    }

    /// Opens an `xmpp:` URI in the running Gajim, as the desktop does when one is clicked: for
    /// `xmpp:JID?message` the chat with JID is selected, as a click on it in the chat list does.
    func open(_ uri: String) async throws {
        let bus = try String(contentsOfFile: "\(profile)/bus", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let (status, output) = try await run(
            "/usr/bin/setpriv", Self.asUser + ["/usr/bin/env", "-i"] + Self.environment(profile: profile, display: display).map { "\($0)=\($1)" }
                + ["DBUS_SESSION_BUS_ADDRESS=\(bus)", "gajim", "-c", profile, uri])
        guard status == 0 else { throw GajimDesktopError.failed("gajim \(uri)", status: status, output: output) }
    }

    /// Which way an archived message went (Gajim's `KindConstant`).
    enum Direction: Int {
        case received = 4
        case sent = 6
    }

    /// The bodies of the one-to-one messages Gajim archived with `jid` (a bare address), oldest first.
    func archivedMessages(_ direction: Direction, with jid: String) async throws -> [String] {
        let script = """
            import json, sqlite3, sys
            con = sqlite3.connect(sys.argv[1], timeout=30)
            rows = con.execute('SELECT message FROM logs JOIN jids USING (jid_id) WHERE jids.jid = ? AND kind = ? '
                               'ORDER BY log_line_id', (sys.argv[2], int(sys.argv[3]))).fetchall()
            print(json.dumps([row[0] for row in rows]))
            """
        let path = "\(profile)/logs.db"
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let (status, output) = try await run("/usr/bin/python3", ["-c", script, path, jid, "\(direction.rawValue)"])
        guard status == 0, let data = output.split(separator: "\n").last.map({ Data($0.utf8) }) else {
            throw GajimDesktopError.failed("reading Gajim's logs.db", status: status, output: output)
        }
        return try JSONDecoder().decode([String].self, from: data)
    }

    /// The name Gajim cached for `jid` from its PEP nick (cache.db's `contact.nickname`), which
    /// Gajim shows for a contact the roster does not name; nil before it has one.
    func cachedNickname(of jid: String) async throws -> String? {
        let script = """
            import json, sqlite3, sys
            con = sqlite3.connect(sys.argv[1], timeout=30)
            row = con.execute('SELECT nickname FROM contact WHERE jid = ?', (sys.argv[2],)).fetchone()
            print(json.dumps(row[0] if row else None))
            """
        let path = "\(profile)/cache.db"
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let (status, output) = try await run("/usr/bin/python3", ["-c", script, path, jid])
        guard status == 0, let data = output.split(separator: "\n").last.map({ Data($0.utf8) }) else {
            throw GajimDesktopError.failed("reading Gajim's cache.db", status: status, output: output)
        }
        return try JSONDecoder().decode(String?.self, from: data)
    }

    /// Does `act` (keys, clicks), then waits up to 20 s for `done`; three times at most. A GUI
    /// reads X events as it gets to them: keys sent before a window or field was ready are lost,
    /// and sent again.
    func retrying(
        _ what: String, _ act: () async throws -> Void, until done: @escaping @Sendable () async throws -> Bool
    ) async throws {
        for attempt in 1...3 {
            try checkRunning()
            try await act()
            do {
                try await poll(.seconds(20), what, every: .milliseconds(500), until: done)
                return
            } catch let error as TimedOut where attempt < 3 {
                _ = error
            }
        }
    }

    /// The whole screen as a PNG (GTK's own Python bindings, which Gajim brings).
    func screenshot(_ path: String) async throws {
        let script = """
            import sys, gi
            gi.require_version('Gdk', '3.0')
            from gi.repository import Gdk
            root = Gdk.get_default_root_window()
            Gdk.pixbuf_get_from_window(root, 0, 0, root.get_width(), root.get_height()).savev(sys.argv[1], 'png', [], [])
            """
        let (status, output) = try await run("/usr/bin/python3", ["-c", script, path], environment: ["DISPLAY": display])
        guard status == 0 else { throw GajimDesktopError.failed("a screenshot", status: status, output: output) }
    }

    /// Fails with Gajim's log if it is no longer running.
    func checkRunning() throws {
        guard session.isRunning else { throw GajimDesktopError.exited("Gajim", log: "\(directory)/gajim.log") }
    }

    private func xdo(_ arguments: [String]) async throws {
        let (status, output) = try await run(xdotool, arguments, environment: ["DISPLAY": display])
        guard status == 0 else { throw GajimDesktopError.failed("xdotool \(arguments.joined(separator: " "))", status: status, output: output) }
    }

    private func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> (Int32, String) {
        try await Self.run(executable, arguments, environment: environment, directory: directory)
    }
}

// Setting up and stopping.
extension GajimDesktop {
    private static let asUser = ["--reuid", user, "--regid", user, "--clear-groups"]

    /// Gajim's environment: nothing of the test's (it runs as another user), its folders in the profile.
    fileprivate static func environment(profile: String, display: String) -> [(String, String)] {
        [
            ("PATH", "/usr/bin:/bin"), ("HOME", profile), ("DISPLAY", display), ("LANG", "C.UTF-8"),
            ("XDG_CONFIG_HOME", "\(profile)/config"), ("XDG_DATA_HOME", "\(profile)/data"), ("XDG_CACHE_HOME", "\(profile)/cache"),
            ("XDG_RUNTIME_DIR", "\(profile)/runtime"), (RunDirectory.markVariable, RunDirectory.tests.path),
            // No accessibility bus: two more processes nobody reads here.
            ("NO_AT_BRIDGE", "1"),
        ]
    }

    /// The unprivileged user Gajim runs as: a system account without a home or a login shell.
    private static func ensureUser(directory: String) async throws {
        let id = try ChildProcess.executable("id")
        guard try await run(id, ["-u", user], directory: directory).0 != 0 else { return }
        let (status, output) = try await run(
            "/usr/sbin/useradd",
            ["--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", user],
            directory: directory)
        // 9: made meanwhile by another test process.
        guard status == 0 || status == 9 else { throw GajimDesktopError.failed("useradd \(user)", status: status, output: output) }
    }

    /// Gajim's settings as its account window would leave them: the account (with its password
    /// in the settings, as without a keyring), the server's certificate trusted, and no idle
    /// away (nobody moves Xvfb's mouse) or update check.
    private static func seed(_ profile: String, _ account: Account, directory: String) async throws {
        for folder in ["cert_store", "config", "data", "cache", "runtime"] {
            try FileManager.default.createDirectory(atPath: "\(profile)/\(folder)", withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(atPath: account.certificate, toPath: "\(profile)/cert_store/server.pem")
        let settings: [String: Any] = [
            "name": account.user, "hostname": account.domain, "password": account.password, "active": true, "savepass": true,
            "use_custom_host": true, "custom_host": account.host, "custom_port": account.port, "custom_type": "START TLS",
            "resource": "gajim", "account_label": account.user,
        ]
        let app: [String: Any] = [
            "check_for_update": false, "use_keyring": false, "autoaway": false, "autoxa": false, "show_help_start_chat": false,
            "ask_online_status": false,
        ]
        // settings.sqlite as Gajim 1.7 makes it (user_version 5): one JSON row per part.
        let script = """
            import json, sqlite3, sys, uuid
            con = sqlite3.connect(sys.argv[1])
            con.executescript('CREATE TABLE settings (name TEXT UNIQUE, settings TEXT);'
                              'CREATE TABLE account_settings (account TEXT UNIQUE, settings TEXT);'
                              'PRAGMA user_version=5;')
            rows = {'app': json.loads(sys.argv[3]), 'soundevents': {}, 'status_presets': {}, 'proxies': {}, 'plugins': {},
                    'workspaces': {str(uuid.uuid4()): {}}}
            for name, value in rows.items():
                con.execute('INSERT INTO settings(name, settings) VALUES (?, ?)', (name, json.dumps(value)))
            account = json.loads(sys.argv[2])
            con.execute('INSERT INTO account_settings(account, settings) VALUES (?, ?)',
                        (account['name'], json.dumps({'account': account, 'contact': {}, 'group_chat': {}})))
            con.commit()
            """
        func json(_ value: [String: Any]) throws -> String { String(decoding: try JSONSerialization.data(withJSONObject: value), as: UTF8.self) }
        let seeded = try await run("/usr/bin/python3", ["-c", script, "\(profile)/settings.sqlite", try json(settings), try json(app)], directory: directory)
        guard seeded.0 == 0 else { throw GajimDesktopError.failed("writing Gajim's settings", status: seeded.0, output: seeded.1) }
        let owned = try await run(try ChildProcess.executable("chown"), ["-R", "\(user):\(user)", profile], directory: directory)
        guard owned.0 == 0 else { throw GajimDesktopError.failed("chown \(profile)", status: owned.0, output: owned.1) }
        _ = try await run(try ChildProcess.executable("chmod"), ["700", "\(profile)/runtime"], directory: directory)
    }

    /// `dbus-run-session` running Gajim as `user`; the session's bus address is left in the
    /// profile, for `open`.
    private static func startGajim(profile: String, display: String, directory: String) throws -> ChildProcess {
        let command = #"echo "$DBUS_SESSION_BUS_ADDRESS" > "$0/bus" && exec gajim -c "$0" --show"#
        return try ChildProcess(
            "/usr/bin/setpriv",
            asUser + ["/usr/bin/env", "-i"] + environment(profile: profile, display: display).map { "\($0)=\($1)" }
                + ["dbus-run-session", "--", "/bin/sh", "-c", command, profile],
            logFile: "\(directory)/gajim.log", runDirectory: .tests)
    }

    /// Stops Gajim by its PID: `dbus-run-session` then reaps it, stops the session's bus and
    /// ends. Whatever stays is stopped by PID too.
    private static func stop(_ session: ChildProcess) async {
        let started = descendants(of: session.pid).map { ($0, command(of: $0)) }
        for (pid, command) in started.reversed() where command != "dbus-daemon" { kill(pid, SIGTERM) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await session.waitForExit() }
            group.addTask {
                try? await Task.sleep(for: .seconds(10))
                await session.stop()
            }
            await group.next()
            group.cancelAll()
        }
        // Orphans (the bus, if the session could not stop it) by the PIDs they had, if still theirs.
        for (pid, command) in started where command != nil && Self.command(of: pid) == command { kill(pid, SIGKILL) }
    }

    private static func command(of pid: Int32) -> String? {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether a user other than the owner (and not in its group) may enter `folder` and every
    /// folder above it.
    private static func othersCanEnter(_ folder: String) -> Bool {
        var path = ""
        for part in folder.split(separator: "/") {
            path += "/\(part)"
            guard let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int, mode & 0o001 != 0 else {
                return false
            }
        }
        return true
    }

    /// Every process below `pid`, parents first (read from /proc).
    private static func descendants(of pid: Int32) -> [Int32] {
        var parents: [Int32: Int32] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let child = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            // After the command's name in parentheses: state, then the parent's PID.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = Int32(fields[1]) { parents[child] = parent }
        }
        var found: [Int32] = []
        var frontier = [pid]
        while let next = frontier.popLast() {
            let children = parents.filter { $0.value == next }.map(\.key)
            found += children
            frontier += children
        }
        return found
    }

    /// Runs a program to its end; its status and output (stdout and stderr).
    fileprivate static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], directory: String
    ) async throws -> (Int32, String) {
        let output = "\(directory)/run-\(UInt32.random(in: 0...UInt32.max)).out"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let child = try ChildProcess(executable, arguments, environment: environment, logFile: output, runDirectory: .tests)
        let status = await child.waitForExit()
        return (status, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    }
}

/// Why Gajim's desktop could not do what a test asked.
enum GajimDesktopError: Error, CustomStringConvertible {
    case exited(String, log: String)
    case failed(String, status: Int32, output: String)

    var description: String {
        switch self {
        case .exited(let program, let log):
            let tail = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").suffix(30).joined(separator: "\n")
            return "\(program) exited (it cannot run here?); the end of \(log):\n\(tail)"
        case .failed(let what, let status, let output):
            return "\(what) failed (status \(status)): \(output)"
        }
    }
}
