import Foundation
import LocalServices

/// The process that relays a phase's traffic: `switchboard router` with a workflow written for
/// the scenario, or the floor component (`switchboard bench-floor`). A process of its own, so
/// its CPU and memory are read from /proc apart from the load generator's.
struct RelayProcess: Sendable {
    let process: ChildProcess
    let log: String
    /// The port of the router's web service, when the scenario has web visitors.
    var webPort: Int?
    /// From the start of the process until its log said it was ready, in seconds.
    var readySeconds: Double = 0

    /// Starts the router on `server` (Prosody or ejabberd) and `redisURL` and waits until it has joined (and,
    /// for web visitors, until its web service listens, on a free port: `--http-port 0`).
    static func router(
        executable: String, scenario: Scenario, server: any XMPPServer, redisURL: String, logLevel: String,
        in runDirectory: RunDirectory
    ) async throws -> RelayProcess {
        let directory = try runDirectory.newFolder("bench-router")
        let workflow = "\(directory)/workflow.yml"
        try BenchWorkflow.yaml(scenario, server: server, redisURL: redisURL).write(toFile: workflow, atomically: true, encoding: .utf8)
        let web = scenario.visitorChannel.hasWebVisitors
        // A joining router first looks through every open chat (announce leftovers, forward owed
        // lines): with the memory scenario's backlog that takes a while, so the wait grows with it.
        var relay = try await start(
            executable, ["router", "--workflow", workflow, "--log-level", logLevel] + (web ? ["--http-port", "0"] : []),
            secret: server.componentSecret, log: "\(directory)/router.log", ready: web ? ["router ready", webListening] : ["router ready"],
            runDirectory: runDirectory, timeout: .seconds(30) + .milliseconds(5 * scenario.openChats))
        if web {
            // The log is the run's own (a new directory): its whole text is this start's.
            let text = (try? String(contentsOfFile: relay.log, encoding: .utf8)) ?? ""
            let line = text.split(separator: "\n").first { $0.contains(webListening) }
            relay.webPort = line.flatMap { line in
                line.firstRange(of: "127.0.0.1:").flatMap { Int(line[$0.upperBound...].prefix { $0.isNumber }) }
            }
            if relay.webPort == nil {
                await relay.stop()
                throw BenchError.setup("the router's web service did not say its port (log: \(relay.log))")
            }
        }
        return relay
    }

    /// What the router logs when its web service listens (`… 127.0.0.1:PORT`).
    private static let webListening = "web service listening"

    /// Starts the floor component on `prosody` and waits until it has joined.
    static func floor(
        executable: String, scenario: Scenario, prosody: ProsodyServer, in runDirectory: RunDirectory
    ) async throws -> RelayProcess {
        let directory = try runDirectory.newFolder("bench-floor")
        return try await start(
            executable,
            ["bench-floor", "--port", String(prosody.componentPort), "--domain", prosody.serviceDomain,
             "--agents", String(scenario.agents), "--user-domain", prosody.domain],
            secret: prosody.componentSecret, log: "\(directory)/floor.log", ready: ["floor ready"], runDirectory: runDirectory)
    }

    /// Starts `executable` and waits until its log holds every line of `ready`.
    private static func start(
        _ executable: String, _ arguments: [String], secret: String, log: String, ready: [String], runDirectory: RunDirectory,
        timeout: Duration = .seconds(30)
    ) async throws -> RelayProcess {
        let started = ContinuousClock.now
        // The secret goes through the environment: a command line is visible to every user.
        let process = try ChildProcess(
            executable, arguments, environment: ["SB_COMPONENT_SECRET": secret], logFile: log, runDirectory: runDirectory)
        do {
            try await ServerLog(log).waitUntilReady(process, timeout: timeout) { text in ready.allSatisfy { text.contains($0) } }
        } catch {
            await process.stop()
            throw error
        }
        let elapsed = (ContinuousClock.now - started).components
        return RelayProcess(
            process: process, log: log, readySeconds: Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)
    }

    func stop() async {
        await process.stop()
    }
}

/// The workflow the bench's router runs: queues `q0…`, each needing its own skill, and the
/// agents with two skills each; limits loose enough that the bench's pace is never refused.
enum BenchWorkflow {
    /// The router's key prefix in Redis.
    static let prefix = "sb"

    static func yaml(_ scenario: Scenario, server: any XMPPServer, redisURL: String) -> String {
        var lines = [
            "xmpp: { host: 127.0.0.1, port: \(server.componentPort), domain: \(server.serviceDomain), secret: \"${SB_COMPONENT_SECRET}\" }",
            "redis: { url: \"\(redisURL)\", prefix: \(prefix) }",
            "limits:",
            "  flood: { messages: 1000000, per: 1s }",
        ]
        if let retention = scenario.retention { lines.append("retention: \"\(retention)\"") }
        if scenario.visitorChannel.hasWebVisitors {
            // The port comes from `--http-port 0`; the widget's origin is the bench's.
            lines += ["http:", "  listen: 127.0.0.1:8080", "  allowed_origins: [\"\(WebVisitorLink.origin)\"]"]
        }
        lines += [
            "queues:",
        ]
        for queue in 0..<scenario.queues {
            lines += ["  - name: q\(queue)", "    title: Queue \(queue)", "    skills: [s\(queue)]", "    strategy: longest-idle"]
            if queue == 0 { lines.append("    default: true") }
        }
        if scenario.openChats > 0 {
            lines += ["  - name: \(OpenChats.queue)", "    title: Open chats nobody serves", "    skills: [\(OpenChats.queue)]"]
        }
        lines.append("agents:")
        for agent in 0..<scenario.agents {
            let skills = scenario.skills(ofAgent: agent).map { "s\($0): 5" }.joined(separator: ", ")
            lines += [
                "  - jid: \(BenchAccounts.agent(agent))@\(server.domain)", "    name: Agent \(agent)",
                "    skills: { \(skills) }", "    max_chats: \(scenario.capacity)",
            ]
        }
        if scenario.openChats > 0 {
            // The workflow wants an agent for every skill: one who never comes online.
            lines += ["  - jid: \(OpenChats.queue)@\(server.domain)", "    name: Nobody", "    skills: { \(OpenChats.queue): 1 }"]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
