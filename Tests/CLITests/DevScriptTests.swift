import Foundation
import SwitchboardTesting
import Testing

/// `Scripts/dev` started in the background, as `Scripts/dev &` in a script starts it: stopped
/// through its own PID, it stops everything it started (issue 17: SIGINT was ignored, because a
/// background shell starts with it ignored, and SIGTERM waited for the router to end by itself).
@Suite(.serialized) struct DevScriptTests {
    @Test(.timeLimit(.minutes(3)), arguments: [SIGINT, SIGTERM])
    func aSignalToItsPIDStopsEverythingItStarted(signal: Int32) async throws {
        let directory = try RunDirectory.make("dev")
        let services = "\(directory)/services"
        let log = "\(directory)/dev.log", pidFile = "\(directory)/dev.pid"
        let ports = try (0..<5).map { _ in try Ports.free() }
        let environment = [
            "SB_C2S_PORT": "\(ports[0])", "SB_COMPONENT_PORT": "\(ports[1])", "SB_REDIS_PORT": "\(ports[2])",
            "SB_STATS_PORT": "\(ports[3])", "SB_SERVICES_DIR": services, "SB_DEV_BINARY": try SwitchboardBinary.path(),
        ]
        // A non-interactive shell starts `&` commands with SIGINT ignored: the case of the issue.
        let shell = try ChildProcess(
            "/bin/bash", ["-c", "Scripts/dev --http-port \(ports[4]) >\"$0\" 2>&1 & echo $! >\"$1\"; wait $!", log, pidFile],
            environment: environment, currentDirectory: RunDirectory.repositoryRoot)
        try await withCleanup {
            try await poll(.seconds(90), "the router's 'router ready' in \(log)", every: .milliseconds(200), until: {
                guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return false }
                if !shell.isRunning { throw DevScriptFailed(log: text) }
                return text.contains("router ready")
            })
            let dev = try #require(Int32((try String(contentsOfFile: pidFile, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)))
            let started = Self.descendants(of: dev) + ["redis.pid", "prosody.pid"].compactMap { name in
                (try? String(contentsOfFile: "\(services)/\(name)", encoding: .utf8))
                    .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            }
            let names = started.map { Self.name(of: $0) ?? "?" }
            #expect(names.contains("switchboard"), "the router and stats run: \(names)")
            #expect(names.contains { $0.hasPrefix("redis") } && names.contains { $0.contains("lua") || $0.contains("prosody") }, "\(names)")

            kill(dev, signal)
            _ = await shell.waitForExit()
            let left = started.filter { Self.name(of: $0) != nil && Self.isAlive($0) }
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            #expect(left.isEmpty, "still running: \(left.map { "\(Self.name(of: $0) ?? "?") (\($0))" }): \(text.suffix(2000))")
        } cleanup: {
            await shell.stop()
            if let dev = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) {
                for pid in Self.descendants(of: dev) + [dev] { kill(pid, SIGKILL) }
            }
            let stop = try? ChildProcess(
                "/bin/bash", ["Scripts/services", "stop", "--dir", services], currentDirectory: RunDirectory.repositoryRoot)
            _ = await stop?.waitForExit()
        }
    }

    struct DevScriptFailed: Error, CustomStringConvertible {
        let log: String
        var description: String { "Scripts/dev ended before the router was ready: \(log.suffix(2000))" }
    }

    /// Every process below `root`, from /proc (children before grandchildren).
    static func descendants(of root: Int32) -> [Int32] {
        let all = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { Int32($0) }
        let parents = Dictionary(uniqueKeysWithValues: all.compactMap { pid in parent(of: pid).map { (pid, $0) } })
        var found: [Int32] = [], frontier = [root]
        while let next = frontier.popLast() {
            let children = parents.filter { $0.value == next }.map(\.key)
            found += children
            frontier += children
        }
        return found
    }

    static func parent(of pid: Int32) -> Int32? {
        status(of: pid)?.split(separator: "\n").first { $0.hasPrefix("PPid:") }
            .flatMap { Int32($0.dropFirst(5).trimmingCharacters(in: .whitespaces)) }
    }

    /// Alive and not a zombie waiting for a slow parent to reap it.
    static func isAlive(_ pid: Int32) -> Bool {
        guard let state = status(of: pid)?.split(separator: "\n").first(where: { $0.hasPrefix("State:") }) else { return false }
        return !state.dropFirst(6).trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    static func name(of pid: Int32) -> String? {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func status(of pid: Int32) -> String? {
        try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
    }
}
