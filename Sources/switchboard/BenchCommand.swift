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
            swift build -c release --product switchboard && .build/release/switchboard bench. \
            --preset scale and --preset memory start from the open-loop and many-open-chats scenarios \
            (docs/PERFORMANCE.md). --preset faults is the fault run (docs/SCALING.md): ejabberd, 3 routers, 2 web \
            nodes, Redis with a replica and 3 sentinels; XMPP and web visitors chat while a router is killed and \
            restarted every --kill-every seconds, the Redis master is killed once and ejabberd restarted once; it \
            prints per fault the time until service resumed and what was lost or doubled (needs ejabberd too). \
            With --attach it starts nothing and measures a deployment that already \
            runs: the router's phase only, with the accounts, queues, Redis and PIDs given.
            """
    )

    @Option(help: "Start from a named scenario: default, scale (500 agents, 2,000 one-message chats/s, open loop), memory (100,000 chats open, then the default traffic) or faults (the fault run: --visitors, --web-visitors, --agents, --capacity, --messages, --duration, --drain, --kill-every and --router-kills change it); the options below change it.")
    var preset: BenchPreset = .default
    @Option(help: "Visitor accounts (each has one chat open at a time). Default 200; with --open-loop, enough for the rate (rate × 2 s + 1, at most rate × duration + 1).")
    var visitors: Int?
    @Option(help: "Agent accounts (default 20).")
    var agents: Int?
    @Option(help: "Chats an agent holds at once (default 10).")
    var capacity: Int?
    @Option(help: "Queues; each agent has the skills of two (default 2).")
    var queues: Int?
    @Option(help: "New chats per second (default 50).")
    var rate: Double?
    @Option(help: "Visitor messages per chat, each answered (default 5).")
    var messages: Int?
    @Option(help: "Milliseconds an agent takes to answer (default 0).")
    var replyDelay: Int?
    @Option(help: "Seconds during which new chats arrive, per target (default 15).")
    var duration: Double?
    @Option(help: "Seconds to wait for open chats to finish after the arrivals stop (default 20).")
    var drain: Double?
    @Option(help: "Chats opened before the router starts that stay open (a backlog no agent serves); their Redis bytes per chat are reported.")
    var openChats: Int?
    @Option(help: "With --preset faults: visitors over the widget's WebSocket, beside --visitors over XMPP (default 10).")
    var webVisitors: Int?
    @Option(help: "With --preset faults: seconds between router kills (2 to 3600; default 10).")
    var killEvery: Double?
    @Option(help: "With --preset faults: at most this many router kills (default: every --kill-every seconds of the load).")
    var routerKills: Int?
    @Flag(help: "Open loop: arrivals never wait for a free visitor; an arrival that finds every visitor in a chat is an error, not skipped.")
    var openLoop = false
    @Option(help: "How visitors come: xmpp (c2s clients), web (the widget's WebSocket, through the router's web service), or mixed (half each). Web visitors run through Switchboard only: the floor is XMPP.")
    var visitorsVia: VisitorChannel = .xmpp
    @Flag(inversion: .prefixedNo, help: "Also run the traffic through the floor component and directly client to client (XMPP visitors only; default on, off for the memory preset).")
    var baseline: Bool?
    @Flag(help: "Print the report as JSON on standard output (the progress still goes to standard error).")
    var json = false
    @Option(help: "The router's workflow retention for closed chats (as in a workflow: 1m, 0, 30d); a soak sets it short.")
    var retention: String?
    @Option(help: "Print Redis's memory (INFO memory, keys, stream length) every this many seconds (1 to 3600) while the router runs.")
    var memoryEvery: Int?
    @Option(help: "The router's log level.")
    var routerLogLevel: Logger.Level = .info
    @Option(help: ArgumentHelp(
        "Where Prosody, Redis, the router and the floor keep their data and logs (kept afterwards).",
        discussion: "By default a new folder in the system's temporary folder, removed when the run was clean.",
        valueName: "folder"))
    var runDirectory: String?

    @OptionGroup(title: "Measuring a running deployment (--attach)")
    var attach: BenchAttachOptions

    func validate() throws {
        if preset == .faults {
            if let problem = faultPlan.problem { throw ValidationError(problem) }
            if attach.attach || baseline == true || openLoop || openChats != nil || memoryEvery != nil || retention != nil || visitorsVia != .xmpp {
                throw ValidationError("--preset faults takes --visitors, --web-visitors, --agents, --capacity, --messages, --duration, --drain, --kill-every, --router-kills, --run-directory and --json")
            }
            return
        }
        if webVisitors != nil || killEvery != nil || routerKills != nil {
            throw ValidationError("--web-visitors, --kill-every and --router-kills are for --preset faults")
        }
        if let problem = scenario.problem { throw ValidationError(problem) }
        if let memoryEvery, !(1...3600).contains(memoryEvery) { throw ValidationError("--memory-every is 1 to 3600 seconds") }
        try attach.validate()
        if attach.attach {
            if baseline == true { throw ValidationError("--attach measures the router alone: no --baseline") }
            if runDirectory != nil || retention != nil { throw ValidationError("--attach starts nothing: no --run-directory or --retention") }
            if visitorsVia != .xmpp { throw ValidationError("--attach has XMPP visitors only") }
        }
    }

    /// The preset, changed by the options given.
    private var scenario: Scenario {
        var scenario = preset.scenario
        if let visitors { scenario.visitors = visitors }
        if let agents { scenario.agents = agents }
        if let capacity { scenario.capacity = capacity }
        if let queues { scenario.queues = queues }
        if let rate { scenario.arrivalRate = rate }
        if let messages { scenario.messagesPerChat = messages }
        if let replyDelay { scenario.replyDelayMilliseconds = replyDelay }
        if let duration { scenario.durationSeconds = duration }
        if let drain { scenario.drainSeconds = drain }
        if let openChats { scenario.openChats = openChats }
        if openLoop { scenario.openLoop = true }
        if scenario.openLoop, visitors == nil {
            scenario.visitors = min(Scenario.limits.visitors, Scenario.openLoopVisitors(rate: scenario.arrivalRate, duration: scenario.durationSeconds))
        }
        scenario.visitorChannel = visitorsVia
        scenario.retention = retention
        return scenario
    }

    /// `--preset faults`, changed by the options given; the faults strike at the same share of a
    /// changed duration.
    private var faultPlan: FaultPlan {
        var plan = FaultPlan.full
        if let duration {
            plan.masterKillAtSeconds = plan.masterKillAtSeconds.map { $0 / plan.durationSeconds * duration }
            plan.ejabberdRestartAtSeconds = plan.ejabberdRestartAtSeconds.map { $0 / plan.durationSeconds * duration }
            plan.durationSeconds = duration
        }
        if let drain { plan.drainSeconds = drain }
        if let visitors { plan.xmppVisitors = visitors }
        if let webVisitors { plan.webVisitors = webVisitors }
        if let agents { plan.agents = agents }
        if let capacity { plan.capacity = capacity }
        if let messages { plan.messagesPerChat = messages }
        if let killEvery { plan.routerKillEverySeconds = killEvery }
        if let routerKills { plan.routerKills = routerKills }
        return plan
    }

    func run() async throws {
        EventLoopExecutor.install()
        var logger = Logger(label: "switchboard.bench")
        logger.logLevel = .warning
        let progress = ProgressLine()
        if preset == .faults {
            try await runFaults(logger: logger, progress: progress)
            return
        }
        var scenario = scenario
        let attached = attach.attach ? try attach.deployment() : nil
        if let attached {
            // Unless given, the accounts decide how many take part.
            if visitors == nil { scenario.visitors = min(scenario.openLoop ? scenario.visitors : attached.visitors.count, attached.visitors.count) }
            if agents == nil { scenario.agents = attached.agents.count }
            if queues == nil { scenario.queues = min(attached.queues.count, scenario.agents) }
        }
        let (directory, isTemporary) = attached == nil ? try runFolder() : (RunDirectory(NSTemporaryDirectory()), false)
        let runsBaseline = attached == nil && (baseline ?? (preset != .memory)) && visitorsVia == .xmpp
        let settings = BenchSettings(
            scenario: scenario, targets: runsBaseline ? BenchTarget.allCases : [.switchboard],
            switchboardExecutable: try Self.executable(), runDirectory: directory, routerLogLevel: routerLogLevel.rawValue,
            progress: { progress.show($0) }, memoryEvery: memoryEvery.map { .seconds($0) },
            memoryReport: { line in FileHandle.standardError.write(Data(("\r\u{1B}[K" + line + "\n").utf8)) })
        let report: BenchReport
        do {
            if let attached {
                report = try await Bench.attach(settings, to: attached, logger: logger)
            } else {
                report = try await Bench.run(settings, logger: logger)
            }
        } catch {
            progress.finish()
            if attached == nil { Self.tellWhereLogsAre(directory) }
            throw error
        }
        progress.finish()
        print(json ? try report.json() : report.table)
        guard report.isClean else {
            if attached == nil { Self.tellWhereLogsAre(directory) }
            throw ExitCode(1)
        }
        if isTemporary { try? FileManager.default.removeItem(atPath: directory.path) }
    }

    /// `--preset faults`: the fault run and its table; exit status 1 unless it was clean.
    private func runFaults(logger: Logger, progress: ProgressLine) async throws {
        let (directory, isTemporary) = try runFolder()
        let report: FaultReport
        do {
            report = try await FaultRun.run(faultPlan, executable: try Self.executable(), in: directory, progress: { progress.show($0) }, logger: logger)
        } catch {
            progress.finish()
            Self.tellWhereLogsAre(directory)
            throw error
        }
        progress.finish()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.table)
        }
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

/// The named scenarios `--preset` starts from.
enum BenchPreset: String, ExpressibleByArgument, CaseIterable {
    case `default`
    case scale
    case memory
    /// The fault run (`FaultPlan`), not a scenario of the load generator's phases.
    case faults

    var scenario: Scenario {
        switch self {
        case .default, .faults: Scenario()
        case .scale: .scale
        case .memory: .memory
        }
    }
}

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
