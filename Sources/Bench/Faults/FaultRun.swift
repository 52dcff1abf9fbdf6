import Foundation
import LocalServices
import Logging
import Synchronization
import XMPP

/// The fault run of `switchboard bench --preset faults` (issue 13, item 5): ejabberd, three
/// routers, two web nodes and Redis with a replica and three sentinels on loopback; XMPP and web
/// visitors chat with agents while a router is killed (and restarted) every few seconds, the
/// Redis master is killed once and ejabberd restarted once. Everything it starts it stops by PID.
public enum FaultRun {
    public static func run(
        _ plan: FaultPlan, executable: String, in runDirectory: RunDirectory, progress: @escaping @Sendable (String) -> Void,
        logger: Logger
    ) async throws -> FaultReport {
        if let problem = plan.problem { throw BenchError.scenario(problem) }
        let loadStart = Self.loadAverage()
        let deployment = try await FaultDeployment.start(plan, executable: executable, in: runDirectory, progress: progress)
        return try await withCleanup {
            try await drive(plan, deployment, loadStart: loadStart, progress: progress, logger: logger)
        } cleanup: {
            await deployment.stop()
        }
    }

    private static func drive(
        _ plan: FaultPlan, _ deployment: FaultDeployment, loadStart: Double, progress: @escaping @Sendable (String) -> Void, logger: Logger
    ) async throws -> FaultReport {
        let ledger = FaultLedger(capacity: plan.capacity)
        let ejabberd = deployment.ejabberd
        let password = BenchAccounts.password
        let agents = try (0..<plan.agents).map { index in
            try FaultAgent(
                index: index, configuration: ejabberd.clientConfiguration(FaultDeployment.agent(index), password: password),
                serviceDomain: ejabberd.serviceDomain, ledger: ledger, logger: logger)
        }
        let queue = try JID(local: FaultDeployment.queue, domain: ejabberd.serviceDomain)
        var xmppChannels: [FaultXMPPChannel] = []
        var visitors: [FaultVisitor] = []
        for index in 0..<plan.xmppVisitors {
            let confirmations = Confirmations()
            let channel = FaultXMPPChannel(
                try ejabberd.clientConfiguration(FaultDeployment.visitor(index), password: password), queue: queue,
                confirmations: confirmations, ledger: ledger, logger: logger)
            xmppChannels.append(channel)
            visitors.append(FaultVisitor(index: index, channel: channel, confirmations: confirmations, ledger: ledger))
        }
        for index in 0..<plan.webVisitors {
            let confirmations = Confirmations()
            let channel = FaultWebChannel(index: index, ports: deployment.webPorts, confirmations: confirmations, ledger: ledger)
            visitors.append(FaultVisitor(index: plan.xmppVisitors + index, channel: channel, confirmations: confirmations, ledger: ledger))
        }
        progress("signing in \(plan.agents) agents and \(plan.xmppVisitors) XMPP visitors")
        for agent in agents { try await agent.session.connect() }
        for channel in xmppChannels { try await channel.session.connect() }
        return try await withThrowingTaskGroup(of: Void.self) { readers in
            for agent in agents { readers.addTask { await agent.run() } }
            for channel in xmppChannels { readers.addTask { await channel.run() } }
            let report = try await withCleanup {
                for agent in agents { try await agent.announce() }
                return await load(plan, deployment, visitors, ledger: ledger, loadStart: loadStart, progress: progress, logger: logger)
            } cleanup: {
                for agent in agents { await agent.session.stop() }
                for visitor in visitors { await visitor.channel.close() }
            }
            try await readers.waitForAll()
            return report
        }
    }

    /// The load, the faults beside it, and the drain; then the report.
    private static func load(
        _ plan: FaultPlan, _ deployment: FaultDeployment, _ visitors: [FaultVisitor], ledger: FaultLedger, loadStart: Double,
        progress: @escaping @Sendable (String) -> Void, logger: Logger
    ) async -> FaultReport {
        let started = ContinuousClock.now, startedAt = BenchClock.now()
        let loadEnd = started + .seconds(plan.durationSeconds)
        let stop = loadEnd + .seconds(plan.drainSeconds)
        let chats = ChatNumbers()
        let agentJIDs = (0..<plan.agents).map { "\(FaultDeployment.agent($0))@\(deployment.ejabberd.domain)" }
        let watch = Task {
            await RedisRuleWatch(url: deployment.redis.url, agents: agentJIDs, capacity: plan.capacity, ledger: ledger, logger: logger).run()
        }
        let progressTask = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                let counts = ledger.counts
                let seconds = Double((ContinuousClock.now - started).components.seconds)
                progress("[faults] \(Int(seconds)) s  chats \(counts.chats)  lines \(counts.lines) sent \(counts.confirmed) confirmed  errors \(counts.errors)")
            }
        }
        let faults = Task { await strike(plan.schedule, deployment, ledger: ledger, started: started, progress: progress, logger: logger) }
        await withTaskGroup(of: Void.self) { group in
            for visitor in visitors {
                group.addTask { await visitor.run(chats: chats, messages: plan.messagesPerChat, loadEnd: loadEnd, stop: stop) }
            }
        }
        await faults.value
        // Lines the routers still owe agents after the last chat ended: a moment for them to arrive.
        try? await Task.sleep(for: .seconds(2))
        watch.cancel()
        progressTask.cancel()
        await watch.value
        await progressTask.value
        return FaultReport(plan: plan, record: ledger.snapshot, loadStarted: startedAt, loadStart: loadStart, loadEnd: Self.loadAverage())
    }

    /// Each fault at its time (late if the one before took longer), its action's end noted.
    private static func strike(
        _ schedule: [(at: Double, fault: FaultKind)], _ deployment: FaultDeployment, ledger: FaultLedger, started: ContinuousClock.Instant,
        progress: @Sendable (String) -> Void, logger: Logger
    ) async {
        for (at, fault) in schedule {
            try? await Task.sleep(until: started + .seconds(at), clock: .continuous)
            progress("[faults] \(fault)")
            let index = ledger.faultStruck(fault, at: BenchClock.now())
            do {
                switch fault {
                case .routerKill(let number): try await deployment.killAndRestartRouter(number)
                case .masterKill: try await deployment.killMaster(logger: logger)
                case .ejabberdRestart: try await deployment.restartEjabberd()
                }
                ledger.faultDone(index, at: BenchClock.now())
            } catch {
                ledger.faultDone(index, at: BenchClock.now(), failure: "\(error)")
            }
        }
    }

    static func loadAverage() -> Double {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.flatMap { Double($0) } ?? 0
    }
}
