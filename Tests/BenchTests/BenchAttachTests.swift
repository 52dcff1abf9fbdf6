@testable import Bench
import Foundation
import LocalServices
import SwitchboardTesting
import Testing

/// `switchboard bench --attach` against a deployment the test starts itself (Prosody, Redis, a
/// router), as an operator would point it at theirs: the bench starts nothing, signs in with the
/// listed accounts, reads the PIDs and Redis it is given. Correctness only: never timings.
@Suite struct BenchAttachTests {
    static let scenario = Scenario(
        visitors: 6, agents: 3, capacity: 4, queues: 2, arrivalRate: 8, messagesPerChat: 2, durationSeconds: 2, drainSeconds: 30)

    /// The accounts file the operator writes: every visitor and agent of `scenario`, one a line.
    static func accountsFile(_ scenario: Scenario, domain: String) -> String {
        let visitors = (0..<scenario.visitors).map { "visitor \(BenchAccounts.visitor($0))@\(domain) \(BenchAccounts.password)" }
        let agents = (0..<scenario.agents).map { "agent \(BenchAccounts.agent($0))@\(domain) \(BenchAccounts.password)" }
        return (["# made with prosodyctl register"] + visitors + agents).joined(separator: "\n") + "\n"
    }

    /// Behind Prosody and behind ejabberd: the bench needs nothing of the server but its client port.
    @Test(.timeLimit(.minutes(5)), arguments: XMPPServerKind.allCases)
    func anAttachedRunMeasuresARunningDeploymentAndStartsNothing(_ kind: XMPPServerKind) async throws {
        let scenario = Self.scenario
        let options = XMPPServerOptions(limits: false, accounts: BenchAccounts.all(scenario), serviceDomain: "support.localhost")
        try await withXMPPServer(kind, options) { server in
            try await withRedisServer(in: .tests) { redis in
                let router = try await RelayProcess.router(
                    executable: try SwitchboardBinary.path(), scenario: scenario, server: server, redisURL: redis.url,
                    logLevel: "info", in: .tests)
                try await withCleanup {
                    let folder = try RunDirectory.tests.newFolder("bench-attach")
                    try Self.accountsFile(scenario, domain: server.domain).write(toFile: "\(folder)/accounts", atomically: true, encoding: .utf8)
                    let routerPID = router.process.pid
                    let arguments = [
                        "bench", "--attach", "--xmpp-port", String(server.c2sPort), "--service-domain", server.serviceDomain,
                        "--queue", "q0", "--queue", "q1", "--accounts", "\(folder)/accounts", "--redis", redis.url,
                        "--router-pid", String(routerPID), "--xmpp-pid", String(try #require(server.pid)),
                        "--redis-pid", String(try #require(redis.currentProcess?.pid)),
                        "--rate", "8", "--messages", "2", "--duration", "2", "--drain", "30", "--json",
                    ]
                    // The report (JSON) on standard output goes to its own file; progress to the log.
                    let bench = try ChildProcess(
                        "/bin/sh", ["-c", "exec \"$0\" \"$@\" > \"$OUT\"", try SwitchboardBinary.path()] + arguments,
                        environment: ["OUT": "\(folder)/report.json"], logFile: "\(folder)/bench.log", runDirectory: .tests)
                    let status = await withTaskCancellationHandler {
                        await bench.waitForExit()
                    } onCancel: {
                        bench.signal(SIGTERM)
                    }
                    let log = (try? String(contentsOfFile: "\(folder)/bench.log", encoding: .utf8)) ?? ""
                    #expect(status == 0, "switchboard bench --attach exited with \(status): \(log.suffix(3000))")
                    let report = try JSONDecoder().decode(BenchReport.self, from: Data(contentsOf: URL(fileURLWithPath: "\(folder)/report.json")))
                    #expect(report.attached)
                    #expect(report.phases.map(\.target) == [.switchboard])
                    let phase = try #require(report.phase(.switchboard))
                    #expect(phase.errors == 0, "\(phase.errorSamples)")
                    #expect(phase.lost == 0)
                    #expect(phase.chatsStarted > 0 && phase.chatsFinished == phase.chatsStarted && phase.chatsOffered == phase.chatsStarted)
                    #expect(phase.messagesRelayed == phase.chatsStarted * scenario.messagesPerChat * 2)
                    #expect(Set(phase.processes.map(\.name)) == [ProcessName.loadGenerator, ProcessName.router, ProcessName.xmppServer, ProcessName.redis])
                    #expect(phase.chatMemory?.closedChats == phase.chatsStarted)
                    // It started nothing and stopped nothing: the router it measured still runs.
                    #expect(router.process.isRunning)
                    #expect(!log.contains("starting Prosody"))
                } cleanup: {
                    await router.stop()
                }
            }
        }
    }

    /// Every flag from outside is bounded and checked before anything connects: a clear error, no run.
    @Test(.timeLimit(.minutes(5)))
    func badAttachFlagsAreRefusedWithAReason() async throws {
        let folder = try RunDirectory.tests.newFolder("bench-attach-flags")
        try "visitor v0@localhost pw\nagent a0@localhost pw\n".write(toFile: "\(folder)/accounts", atomically: true, encoding: .utf8)
        try "visitor v0@localhost\n".write(toFile: "\(folder)/bad-accounts", atomically: true, encoding: .utf8)
        let attach = ["bench", "--attach", "--service-domain", "support.localhost", "--queue", "q0"]
        let cases: [([String], String)] = [
            (["bench", "--accounts", "\(folder)/accounts"], "need --attach"),
            (attach, "--accounts"),
            (attach + ["--accounts", "\(folder)/accounts", "--xmpp-port", "70000"], "1 to 65535"),
            (attach + ["--accounts", "\(folder)/accounts", "--router-pid", "0"], "--router-pid is 1 to"),
            (attach + ["--accounts", "\(folder)/accounts", "--redis", "http://example.com"], "redis:// URL"),
            (attach + ["--accounts", "\(folder)/bad-accounts"], "accounts line 1"),
            (attach + ["--accounts", "\(folder)/accounts", "--open-chats", "5"], "open chats are written straight into Redis"),
            (attach + ["--accounts", "\(folder)/accounts", "--no-baseline", "--visitors-via", "web"], "XMPP visitors only"),
            (["bench", "--visitors", "100001"], "at most 100000 visitors"),
            (["bench", "--memory-every", "0"], "1 to 3600"),
        ]
        for (index, (arguments, reason)) in cases.enumerated() {
            let log = "\(folder)/case\(index).log"
            let bench = try ChildProcess(try SwitchboardBinary.path(), arguments, logFile: log, runDirectory: .tests)
            let status = await withTaskCancellationHandler {
                await bench.waitForExit()
            } onCancel: {
                bench.signal(SIGTERM)
            }
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            #expect(status != 0, "\(arguments) was refused")
            #expect(output.contains(reason), "\(arguments): \(output.suffix(1000))")
            #expect(!output.contains("signing in"), "\(arguments) connected nothing")
        }
    }

    @Test func theAccountsListIsReadAndBadLinesAreNamed() throws {
        let list = try BenchAccountList.parse("# comment\n\nvisitor v1@example.com pass word\r\nagent a1@example.com secret\n")
        #expect(list.visitors.map(\.jid.description) == ["v1@example.com"])
        #expect(list.visitors.first?.password == "pass word")
        #expect(list.agents.map(\.password) == ["secret"])
        for bad in ["visitor v1@example.com", "boss b@example.com x", "agent example.com x", "agent a@example.com/res x",
                    "agent a@example.com x\nagent a@example.com y"] {
            #expect(throws: BenchError.self) { try BenchAccountList.parse(bad) }
        }
    }
}
