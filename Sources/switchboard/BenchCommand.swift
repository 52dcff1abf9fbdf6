import ArgumentParser
import Bench
import Foundation
import LocalServices
import Logging

/// `switchboard bench`: the load generator, with the floor measured in the same run.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Switchboard under load, against the floor, in one run.",
        discussion: """
            Starts its own Prosody (and Redis), creates the accounts, signs in the visitors and agents, and runs \
            the scenario through the router, then (with --baseline, the default) through a minimal forwarding \
            component and directly client to client on the same Prosody. Each chat: the visitor's first message \
            opens it, the agent answers every message after the reply delay, the visitor writes the next on each \
            answer and ends the chat with /end after the last. Prints a progress line while it runs and a table \
            (or --json) at the end; exits with status 1 if any message was lost or any error counted. \
            Needs prosody, prosodyctl, redis-server and openssl on PATH, nothing else: it runs from any \
            directory, with no source tree (the Prosody config is built in). Its servers keep their files in \
            --run-directory, by default a temporary folder removed after a clean run. Measure a release build: \
            swift build -c release --product switchboard && .build/release/switchboard bench
            """
    )

    @Option(help: "Visitor accounts (each has one chat open at a time).")
    var visitors = 200
    @Option(help: "Agent accounts.")
    var agents = 20
    @Option(help: "Chats an agent holds at once.")
    var capacity = 10
    @Option(help: "Queues; each agent has the skills of two.")
    var queues = 2
    @Option(help: "New chats per second.")
    var rate: Double = 50
    @Option(help: "Visitor messages per chat, each answered.")
    var messages = 5
    @Option(help: "Milliseconds an agent takes to answer.")
    var replyDelay = 0
    @Option(help: "Seconds during which new chats arrive, per target.")
    var duration: Double = 15
    @Option(help: "Seconds to wait for open chats to finish after the arrivals stop.")
    var drain: Double = 20
    @Option(help: "Chats opened before the router starts that stay open (a backlog no agent serves).")
    var openChats = 0
    @Option(help: "How visitors come: xmpp (c2s clients), web (the widget's WebSocket, through the router's web service), or mixed (half each). Web visitors run through Switchboard only: the floor is XMPP.")
    var visitorsVia: VisitorChannel = .xmpp
    @Flag(inversion: .prefixedNo, help: "Also run the traffic through the floor component and directly client to client (XMPP visitors only).")
    var baseline = true
    @Flag(help: "Print the report as JSON on standard output (the progress still goes to standard error).")
    var json = false
    @Option(help: "The router's workflow retention for closed chats (as in a workflow: 1m, 0, 30d); a soak sets it short.")
    var retention: String?
    @Option(help: "Print Redis's memory (INFO memory, keys, stream length) every this many seconds while the router runs.")
    var memoryEvery: Int?
    @Option(help: "The router's log level.")
    var routerLogLevel: Logger.Level = .info
    @Option(help: ArgumentHelp(
        "Where Prosody, Redis, the router and the floor keep their data and logs (kept afterwards).",
        discussion: "By default a new folder in the system's temporary folder, removed when the run was clean.",
        valueName: "folder"))
    var runDirectory: String?

    func validate() throws {
        if let problem = scenario.problem { throw ValidationError(problem) }
    }

    private var scenario: Scenario {
        Scenario(
            visitors: visitors, agents: agents, capacity: capacity, queues: queues, arrivalRate: rate,
            messagesPerChat: messages, replyDelayMilliseconds: replyDelay, durationSeconds: duration, drainSeconds: drain,
            openChats: openChats, visitorChannel: visitorsVia, retention: retention)
    }

    func run() async throws {
        EventLoopExecutor.install()
        var logger = Logger(label: "switchboard.bench")
        logger.logLevel = .warning
        let progress = ProgressLine()
        let (directory, isTemporary) = try runFolder()
        let settings = BenchSettings(
            scenario: scenario, targets: baseline && visitorsVia == .xmpp ? BenchTarget.allCases : [.switchboard],
            switchboardExecutable: try Self.executable(), runDirectory: directory, routerLogLevel: routerLogLevel.rawValue,
            progress: { progress.show($0) }, memoryEvery: memoryEvery.map { .seconds(max($0, 1)) },
            memoryReport: { line in FileHandle.standardError.write(Data(("\r\u{1B}[K" + line + "\n").utf8)) })
        let report: BenchReport
        do {
            report = try await Bench.run(settings, logger: logger)
        } catch {
            progress.finish()
            Self.tellWhereLogsAre(directory)
            throw error
        }
        progress.finish()
        print(json ? try report.json() : report.table)
        guard report.isClean else {
            Self.tellWhereLogsAre(directory)
            throw ExitCode(1)
        }
        if isTemporary { try? FileManager.default.removeItem(atPath: directory.path) }
    }

    private static func tellWhereLogsAre(_ directory: RunDirectory) {
        FileHandle.standardError.write(Data("bench: the servers' files and logs are kept in \(directory.path)\n".utf8))
    }

    /// `--run-directory`, or a new temporary folder (true: remove it after a clean run).
    private func runFolder() throws -> (RunDirectory, Bool) {
        if let runDirectory { return (RunDirectory(runDirectory), false) }
        let folder = RunDirectory(NSTemporaryDirectory())
        return (RunDirectory(try folder.newFolder("switchboard-bench")), true)
    }

    /// This program's own file: it runs the router and the floor component.
    static func executable() throws -> String {
        let path = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        return path
    }
}

extension VisitorChannel: ExpressibleByArgument {}

/// One line on standard error, rewritten in place on a terminal, printed line by line otherwise.
final class ProgressLine: Sendable {
    private let terminal = isatty(STDERR_FILENO) == 1

    func show(_ text: String) {
        FileHandle.standardError.write(Data((terminal ? "\r\u{1B}[K" + text : text + "\n").utf8))
    }

    func finish() {
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
