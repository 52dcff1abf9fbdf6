import Foundation
import SwitchboardTesting

/// `switchboard stats` on a free port, with the test token.
final class StatsProcess: Sendable {
    static let token = "test-token-0123456789abcdef"
    let port: Int
    let process: SwitchboardProcess

    init(workflow: String, consumer: String = "stats-test", extraArguments: [String] = []) throws {
        port = try Ports.free()
        process = try SwitchboardProcess(
            ["stats", "--workflow", workflow, "--listen", "127.0.0.1:\(port)", "--consumer", consumer, "--log-level", "debug"]
                + extraArguments,
            environment: ["SB_STATS_TOKEN": Self.token], ready: "stats ready")
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    func start() async throws { try await process.start() }
    func launch() throws { try process.launch() }
    func kill() async { await process.kill() }
    func stop() async { await process.stop() }
}

/// A workflow for the stats service: its Redis and queues sales (SLA 30 s) and support (60 s).
/// `prosody` gives the XMPP section (else placeholders: the stats service does not use it);
/// `sections` is more YAML at the top level.
func writeStatsWorkflow(redisURL: String, prosody: ProsodyServer? = nil, sections: String = "") throws -> String {
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
        \(sections)
        """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}
