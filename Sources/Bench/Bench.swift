import Foundation
import LocalServices
import Logging

/// How to run the bench.
public struct BenchSettings: Sendable {
    public var scenario: Scenario
    /// The phases, in order: the same traffic through each.
    public var targets: [BenchTarget]
    /// The `switchboard` executable that runs the router and the floor component.
    public var switchboardExecutable: String
    /// Where Prosody, Redis, the router and the floor keep their files (a new folder each).
    public var runDirectory: RunDirectory
    /// The router's `--log-level` (info, as it runs in production).
    public var routerLogLevel: String
    /// Receives a progress line about once a second.
    public var progress: @Sendable (String) -> Void
    /// How often to sample Redis's memory while the router runs (nil: never), and where each sample goes.
    public var memoryEvery: Duration?
    public var memoryReport: @Sendable (String) -> Void

    public init(
        scenario: Scenario, targets: [BenchTarget], switchboardExecutable: String, runDirectory: RunDirectory,
        routerLogLevel: String = "info", progress: @escaping @Sendable (String) -> Void = { _ in }, memoryEvery: Duration? = nil,
        memoryReport: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.scenario = scenario
        self.targets = targets
        self.switchboardExecutable = switchboardExecutable
        self.runDirectory = runDirectory
        self.routerLogLevel = routerLogLevel
        self.progress = progress
        self.memoryEvery = memoryEvery
        self.memoryReport = memoryReport
    }
}

/// The load generator: starts Prosody (and Redis, for the router), creates the accounts, signs
/// in every visitor and agent, and runs the scenario through each target in turn.
public enum Bench {
    public static func run(_ settings: BenchSettings, logger: Logger) async throws -> BenchReport {
        if let problem = settings.scenario.problem { throw BenchError.scenario(problem) }
        if settings.scenario.visitorChannel.hasWebVisitors, settings.targets != [.switchboard] {
            throw BenchError.scenario(BenchTarget.noFloorForWebVisitors)
        }
        let machine = Machine.current()
        let scenario = settings.scenario
        var options = ProsodyServer.Options(limits: false, accounts: BenchAccounts.all(scenario))
        options.serviceDomain = "support.localhost"
        settings.progress("starting Prosody with \(options.accounts.count) accounts")
        return try await withProsodyServer(options, in: settings.runDirectory) { prosody in
            let redis = settings.targets.contains(.switchboard) ? try await RedisServer.start(in: settings.runDirectory) : nil
            return try await withCleanup {
                let deployment = BenchDeployment.started(scenario, prosody: prosody, redis: redis)
                return try await measure(settings, deployment, machine: machine, logger: logger)
            } cleanup: {
                await redis?.stop()
            }
        }
    }

    /// Runs the scenario through a deployment that is already running, starting nothing: the
    /// router's phase only (there is no floor to compare with), XMPP visitors only.
    public static func attach(_ settings: BenchSettings, to attached: AttachedDeployment, logger: Logger) async throws -> BenchReport {
        if let problem = settings.scenario.problem { throw BenchError.scenario(problem) }
        if let problem = attached.problem { throw BenchError.attach(problem) }
        guard settings.targets == [.switchboard] else { throw BenchError.attach("an attached run measures the router alone (no baseline)") }
        guard settings.scenario.openChats == 0 else {
            throw BenchError.attach("open chats are written straight into Redis: an attached run changes nothing but its own chats")
        }
        guard !settings.scenario.visitorChannel.hasWebVisitors else { throw BenchError.attach("an attached run has XMPP visitors only") }
        guard settings.scenario.visitors <= attached.visitors.count, settings.scenario.agents <= attached.agents.count else {
            throw BenchError.attach(
                "the scenario wants \(settings.scenario.visitors) visitors and \(settings.scenario.agents) agents; "
                    + "the accounts list has \(attached.visitors.count) and \(attached.agents.count)")
        }
        return try await measure(settings, attached.deployment(settings.scenario), machine: .current(), logger: logger)
    }

    /// Signs everyone in and runs each target's phase.
    private static func measure(
        _ settings: BenchSettings, _ deployment: BenchDeployment, machine: Machine, logger: Logger
    ) async throws -> BenchReport {
        let scenario = settings.scenario
        settings.progress("signing in \(deployment.visitorAccounts.count) visitors and \(deployment.agentAccounts.count) agents")
        let participants = try await BenchParticipants.connect(deployment, scenario, logger: logger)
        return try await withCleanup {
            let driver = PhaseDriver(settings: settings, participants: participants, deployment: deployment)
            var phases: [PhaseResult] = []
            for target in settings.targets { phases.append(try await driver.run(target)) }
            return BenchReport(scenario: scenario, machine: machine, phases: phases, attached: deployment.isAttached)
        } cleanup: {
            await participants.close()
        }
    }
}

/// Where the bench ran: the numbers mean little without it.
public struct Machine: Sendable, Codable, Equatable {
    public var cores: Int
    public var cpu: String
    public var kernel: String
    /// The 1-minute load average when the run started: other work on the machine skews the numbers.
    public var loadAverage: Double

    static func current() -> Machine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? "unknown"
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.flatMap { Double($0) }
        return Machine(
            cores: ProcessInfo.processInfo.activeProcessorCount, cpu: model,
            kernel: ProcessInfo.processInfo.operatingSystemVersionString, loadAverage: load ?? 0)
    }
}
