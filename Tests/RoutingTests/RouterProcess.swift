import Foundation
import SwitchboardTesting

/// `switchboard router` as a process of its own, so a test can kill it like a crash would, or
/// send it SIGHUP, with a workflow file the test writes.
final class RouterProcess: Sendable {
    let workflow: String
    private let connection: String
    private let process: SwitchboardProcess

    var log: String { process.log }

    /// `routing` is the workflow's queues, agents and limits, in YAML; the connection part is added,
    /// with `redisOptions` (as `min_replicas_ack: 1`) in its redis section and `xmppOptions` (as
    /// `tls: true`) in its xmpp section. `arguments` go to the command line.
    init(
        server: any XMPPServer, xmppHost: String = "127.0.0.1", xmppOptions: String = "", redisURL: String, redisOptions: String = "",
        arguments: [String] = [], routing: String
    ) throws {
        let directory = try RunDirectory.make("router")
        workflow = "\(directory)/workflow.yml"
        connection = """
            xmpp: { host: \(xmppHost), port: \(server.componentPort), domain: \(server.serviceDomain), secret: "\(server.componentSecret)"\(xmppOptions.isEmpty ? "" : ", \(xmppOptions)") }
            redis: { url: "\(redisURL)", prefix: sb\(redisOptions.isEmpty ? "" : ", \(redisOptions)") }

            """
        // The web side on a free port: routers of tests running at once never fight over 8080.
        process = try SwitchboardProcess(
            ["router", "--workflow", workflow, "--keepalive", "5", "--http-port", "0"] + arguments, ready: "router ready")
        try write(routing)
    }

    /// Replaces the workflow file's queues, agents and limits.
    func write(_ routing: String) throws {
        try (connection + routing).write(toFile: workflow, atomically: true, encoding: .utf8)
    }

    /// Starts the router and waits until it has joined the XMPP server.
    func start() async throws {
        try await process.start()
    }

    /// Starts the router without waiting for it to join (a standby may not).
    func launch() throws {
        try process.launch()
    }

    /// How many times `text` stands in the router's log now.
    func occurrences(_ text: String) -> Int {
        process.occurrences(text)
    }

    /// Waits until `text` stands `count` times in the router's log.
    func waitForLog(_ text: String, count: Int = 1) async throws {
        try await process.waitForLog(text, count: count)
    }

    func signal(_ signal: Int32) {
        process.signal(signal)
    }

    func waitForExit() async -> Int32? {
        await process.waitForExit()
    }

    func kill() async {
        await process.kill()
    }

    func stop() async {
        await process.stop()
    }
}
