import Foundation
import Synchronization
import SwitchboardTesting

/// `switchboard router` as a process of its own, so a test can kill it like a crash would, or
/// send it SIGHUP, with a workflow file the test writes.
final class RouterProcess: Sendable {
    let workflow: String
    let log: String
    private let connection: String
    private let process = Mutex<ChildProcess?>(nil)
    private let starts = Mutex(0)

    /// `routing` is the workflow's queues, agents and limits, in YAML; the connection part is added.
    init(prosody: ProsodyServer, redisURL: String, routing: String) throws {
        let directory = try RunDirectory.make("router")
        workflow = "\(directory)/workflow.yml"
        log = "\(directory)/router.log"
        connection = """
            xmpp: { host: 127.0.0.1, port: \(prosody.componentPort), domain: \(prosody.serviceDomain), secret: "\(prosody.componentSecret)" }
            redis: { url: "\(redisURL)", prefix: sb }

            """
        try write(routing)
    }

    /// Replaces the workflow file's queues, agents and limits.
    func write(_ routing: String) throws {
        try (connection + routing).write(toFile: workflow, atomically: true, encoding: .utf8)
    }

    /// Starts the router and waits until it has joined Prosody.
    func start() async throws {
        let binary = "\(RunDirectory.repositoryRoot)/.build/debug/switchboard"
        let child = try ChildProcess(binary, ["router", "--workflow", workflow, "--keepalive", "5"], logFile: log)
        process.withLock { $0 = child }
        let count = starts.withLock { starts in
            starts += 1
            return starts
        }
        try await waitForLog("router ready", count: count)
    }

    /// Waits until `text` stands `count` times in the router's log.
    func waitForLog(_ text: String, count: Int = 1) async throws {
        try await within(.seconds(30), "'\(text)' ×\(count) in the router's log") {
            // A line in another process's log is no event this process can await: look every few ms.
            while (try? String(contentsOfFile: self.log, encoding: .utf8))?.components(separatedBy: text).count ?? 0 <= count {
                if let child = self.process.withLock({ $0 }), !child.isRunning {
                    throw TestKitError.exited("switchboard router", await child.waitForExit())
                }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }

    func signal(_ signal: Int32) {
        process.withLock { $0 }?.signal(signal)
    }

    func kill() async {
        guard let child = process.withLock({ $0 }) else { return }
        child.signal(SIGKILL)
        await child.waitForExit()
    }

    func stop() async {
        await process.withLock { $0 }?.stop()
    }
}
