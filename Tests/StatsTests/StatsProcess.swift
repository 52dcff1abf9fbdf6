import Foundation
import Synchronization
import SwitchboardTesting

/// `switchboard stats` as a process of its own, so a test can SIGKILL it like a crash would.
final class StatsProcess: Sendable {
    static let token = "test-token-0123456789abcdef"
    let workflow: String
    let log: String
    let port: Int
    let consumer: String
    let extraArguments: [String]
    private let process = Mutex<ChildProcess?>(nil)
    private let starts = Mutex(0)

    /// `workflow` is a workflow file; the service listens on a free port.
    init(workflow: String, consumer: String = "stats-test", extraArguments: [String] = []) throws {
        let directory = try RunDirectory.make("stats")
        self.workflow = workflow
        self.log = "\(directory)/stats.log"
        self.port = try Ports.free()
        self.consumer = consumer
        self.extraArguments = extraArguments
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts the service and waits until it serves HTTP.
    func start() async throws {
        let count = try launch()
        try await waitForLog("stats ready", count: count)
    }

    /// Starts the service without waiting; returns how many times it has been started.
    @discardableResult
    func launch() throws -> Int {
        let binary = "\(RunDirectory.repositoryRoot)/.build/debug/switchboard"
        let child = try ChildProcess(
            binary,
            ["stats", "--workflow", workflow, "--listen", "127.0.0.1:\(port)", "--consumer", consumer, "--log-level", "debug"]
                + extraArguments,
            environment: ["SB_STATS_TOKEN": Self.token], logFile: log)
        process.withLock { $0 = child }
        return starts.withLock { starts in
            starts += 1
            return starts
        }
    }

    /// Waits until `text` stands `count` times in the log.
    func waitForLog(_ text: String, count: Int = 1) async throws {
        try await within(.seconds(60), "'\(text)' ×\(count) in the stats service's log") {
            // A line in another process's log is no event this process can await: look every few ms.
            while (try? String(contentsOfFile: self.log, encoding: .utf8))?.components(separatedBy: text).count ?? 0 <= count {
                if let child = self.process.withLock({ $0 }), !child.isRunning {
                    throw TestKitError.exited("switchboard stats", await child.waitForExit())
                }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
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

/// A workflow for the stats service: its Redis and queues sales (SLA 30 s) and support (60 s).
/// `prosody` gives the XMPP section (else placeholders: the stats service does not use it).
func writeStatsWorkflow(redisURL: String, prosody: ProsodyServer? = nil) throws -> String {
    let path = "\(try RunDirectory.make("stats-workflow"))/workflow.yml"
    let xmpp = prosody.map {
        "{ host: 127.0.0.1, port: \($0.componentPort), domain: \($0.serviceDomain), secret: \"\($0.componentSecret)\" }"
    } ?? "{ host: 127.0.0.1, port: 5347, domain: support.localhost, secret: test-secret }"
    try """
        xmpp: \(xmpp)
        redis: { url: "\(redisURL)", prefix: sb }
        queues:
          - { name: sales, skills: [sales], sla: 30s }
          - { name: support, skills: [support], sla: 60s, accept: manual, offer_timeout: 20s }
        agents:
          - { jid: alice@localhost, name: Alice, skills: { sales: 5 } }
          - { jid: bob@localhost, name: Bob, skills: { sales: 5, support: 5 } }
          - { jid: carol@localhost, name: Carol, skills: { support: 5 }, role: supervisor }
        """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}
