import Foundation
import LocalServices
import Routing

/// Runs one phase: starts what relays it, lets chats arrive for the scenario's duration, waits
/// for the open ones to finish, and reads what every process spent.
struct PhaseDriver {
    let settings: BenchSettings
    let participants: BenchParticipants
    let deployment: BenchDeployment

    func run(_ target: BenchTarget) async throws -> PhaseResult {
        let scenario = settings.scenario
        let memory = target == .switchboard ? try deployment.redisURL.map { try ChatMemoryProbe(redisURL: $0, prefix: deployment.redisPrefix) } : nil
        return try await withCleanup {
            let beforeOpen = try await memory?.read()
            if target == .switchboard, scenario.openChats > 0, let redisURL = deployment.redisURL {
                settings.progress("opening \(scenario.openChats) chats that stay open")
                try await OpenChats.open(scenario.openChats, redisURL: redisURL)
            }
            let afterOpen = try await memory?.read()
            let openKeyBytes = scenario.openChats > 0 ? try await memory?.keyBytesPerOpenChat() : nil
            let relay = try await startRelay(target)
            return try await withCleanup {
                var result = try await traffic(target, relay: relay, memory: memory)
                result.phase.relayReadySeconds = relay?.readySeconds
                if let memory, let beforeOpen, let afterOpen, let beforeTraffic = result.memoryBefore {
                    // The traffic's numbers stand without it (a deployment's Redis may refuse MEMORY to this user).
                    do {
                        result.phase.chatMemory = try await chatMemory(memory, open: (beforeOpen, afterOpen, openKeyBytes), beforeTraffic: beforeTraffic)
                    } catch {
                        settings.progress("Redis's memory per chat could not be read: \(error)")
                    }
                }
                return result.phase
            } cleanup: {
                await relay?.stop()
            }
        } cleanup: {
            await memory?.close()
        }
    }

    /// Starts what relays `target`'s traffic (nothing on the direct path, nor when attached).
    private func startRelay(_ target: BenchTarget) async throws -> RelayProcess? {
        let scenario = settings.scenario
        guard let (prosody, redis) = deployment.startedServers else { return nil }
        switch target {
        case .switchboard:
            guard let redis else { throw BenchError.setup("the switchboard phase needs Redis") }
            return try await .router(
                executable: settings.switchboardExecutable, scenario: scenario, server: prosody, redisURL: redis.url,
                logLevel: settings.routerLogLevel, in: settings.runDirectory)
        case .floorComponent:
            return try await .floor(
                executable: settings.switchboardExecutable, scenario: scenario, prosody: prosody, in: settings.runDirectory)
        case .direct:
            return nil
        }
    }

    /// The phase's traffic: agents online, arrivals, the drain; with Redis's reading just before the arrivals.
    private func traffic(
        _ target: BenchTarget, relay: RelayProcess?, memory: ChatMemoryProbe?
    ) async throws -> (phase: PhaseResult, memoryBefore: ChatMemoryProbe.Reading?) {
        let run = PhaseRun(target: target, scenario: settings.scenario, deployment: deployment, webPort: relay?.webPort)
        return try await withCleanup {
            participants.begin(run)
            if target == .switchboard { try await announceAgents(run) }
            var watches = [ProcessWatch(name: ProcessName.loadGenerator, pid: getpid())]
            let relayPID = relay?.process.pid ?? (target == .switchboard ? deployment.attachedRouterPID : nil)
            if let relayPID { watches.append(ProcessWatch(name: target == .switchboard ? ProcessName.router : ProcessName.floor, pid: relayPID)) }
            if let pid = deployment.xmppServerPID { watches.append(ProcessWatch(name: deployment.xmppServerName, pid: pid)) }
            if target == .switchboard, let pid = deployment.redisPID { watches.append(ProcessWatch(name: ProcessName.redis, pid: pid)) }
            let memoryBefore = try await memory?.read()
            let start = BenchClock.now()
            let monitor = Task { await watch(run, watches, since: start) }
            let memoryWatch = target == .switchboard ? settings.memoryEvery.flatMap { every in
                deployment.redisURL.map { url in
                    Task { await RedisMemoryWatch(redisURL: url, prefix: deployment.redisPrefix, every: every, report: settings.memoryReport).run() }
                }
            } : nil
            // The component link's bytes, from the kernel, over the arrivals and the drain.
            let linkPort = target == .direct ? nil : deployment.startedServers?.prosody.componentPort
            let socketsBefore = linkPort.flatMap(LinkSocketBytes.read(componentPort:))
            run.measurements.link.start()
            await arrive(run)
            await drain(run)
            run.measurements.link.stop()
            let socketsAfter = linkPort.flatMap(LinkSocketBytes.read(componentPort:))
            monitor.cancel()
            memoryWatch?.cancel()
            _ = await monitor.value
            _ = await memoryWatch?.value
            participants.begin(nil)
            if settings.scenario.openLoop, case let skipped = run.measurements.arrivalsSkipped.load(ordering: .relaxed), skipped > 0 {
                run.measurements.error(
                    "open loop broken: \(skipped) arrivals found all \(settings.scenario.visitors) visitors in chats (chats lasted "
                        + "longer than \(Scenario.openLoopChatSeconds) s: the system did not keep up, or give more --visitors)")
            }
            var phase = result(run, watches, since: start)
            if target != .direct {
                var link = run.measurements.link.figures
                if let socketsBefore, let socketsAfter {
                    link.socketBytesToRelay = socketsAfter.toRelay - socketsBefore.toRelay
                    link.socketBytesFromRelay = socketsAfter.fromRelay - socketsBefore.fromRelay
                }
                phase.link = link
            }
            return (phase, memoryBefore)
        } cleanup: {
            participants.begin(nil)
        }
    }

    /// Redis's memory per open chat (the backlog opened before the router) and per closed chat
    /// (the traffic's, once the router has closed them all, before the retention removes them).
    private func chatMemory(
        _ memory: ChatMemoryProbe, open: (before: ChatMemoryProbe.Reading, after: ChatMemoryProbe.Reading, keyBytes: Double?),
        beforeTraffic: ChatMemoryProbe.Reading
    ) async throws -> ChatMemoryFigures {
        let openChats = settings.scenario.openChats
        let (after, settled) = try await memory.settle(openChats: beforeTraffic.openChats)
        let closed = max(0, after.lastChatID - beforeTraffic.lastChatID)
        let closedKeyBytes = closed > 0 ? try await memory.keyBytesPerChat(ids: (beforeTraffic.lastChatID + 1)...after.lastChatID) : nil
        return ChatMemoryFigures(
            openChats: openChats,
            usedBytesPerOpenChat: openChats > 0 ? Double(open.after.usedMemory - open.before.usedMemory) / Double(openChats) : nil,
            keyBytesPerOpenChat: open.keyBytes, closedChats: closed,
            usedBytesPerClosedChat: closed > 0 ? Double(after.usedMemory - beforeTraffic.usedMemory) / Double(closed) : nil,
            keyBytesPerClosedChat: closedKeyBytes, closedChatsSettled: settled)
    }

    /// Agents come online; the router confirms each (its /status answer).
    private func announceAgents(_ run: PhaseRun) async throws {
        for agent in participants.agents { try await agent.announce(in: run) }
        // Each confirmation is a round trip through the router: hundreds of agents take a while.
        let deadline = ContinuousClock.now + .seconds(30) + .milliseconds(50 * participants.agents.count)
        while run.agentsReady.load(ordering: .relaxed) < participants.agents.count {
            guard ContinuousClock.now < deadline else {
                throw BenchError.setup("the router confirmed \(run.agentsReady.load(ordering: .relaxed)) of \(participants.agents.count) agents")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// New chats at the scenario's rate, on a fixed schedule (late ones start at once, so the
    /// rate holds on average), until the duration is over.
    /// In open loop each chat starts in a task of its own, so a slow start (a send waiting on a
    /// busy socket, a web visitor's page) never delays the next arrival.
    private func arrive(_ run: PhaseRun) async {
        let scenario = settings.scenario
        let begin = ContinuousClock.now
        let interval = 1.0 / scenario.arrivalRate
        await withDiscardingTaskGroup { starts in
            var number = 0
            while true {
                let offset = Double(number) * interval
                guard offset < scenario.durationSeconds else { return }
                try? await Task.sleep(until: begin + .seconds(offset), clock: .continuous)
                if let visitor = run.takeIdleVisitor() {
                    if scenario.openLoop {
                        starts.addTask { [number] in await participants.visitors[visitor].start(chat: number, in: run) }
                    } else {
                        await participants.visitors[visitor].start(chat: number, in: run)
                    }
                } else {
                    run.measurements.arrivalsSkipped.add(1, ordering: .relaxed)
                }
                number += 1
            }
        }
    }

    /// Waits for every chat started to finish, at most the drain time.
    private func drain(_ run: PhaseRun) async {
        let deadline = ContinuousClock.now + .seconds(settings.scenario.drainSeconds)
        let measurements = run.measurements
        while ContinuousClock.now < deadline {
            let finished = measurements.chatsFinished.load(ordering: .relaxed) == measurements.chatsStarted.load(ordering: .relaxed)
            if finished && measurements.missing == 0 { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Samples the processes four times a second and reports progress once a second.
    private func watch(_ run: PhaseRun, _ watches: [ProcessWatch], since start: UInt64) async {
        var tick = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(250))
            for watch in watches { watch.sample() }
            tick += 1
            if tick % 4 == 0 { settings.progress(progressLine(run, since: start)) }
        }
    }

    private func progressLine(_ run: PhaseRun, since start: UInt64) -> String {
        let m = run.measurements
        let seconds = Double(BenchClock.now() - start) / 1e9
        let relayed = m.relayed
        return "[\(run.target.title)] \(String(format: "%5.1f", seconds)) s  chats \(m.chatsStarted.load(ordering: .relaxed)) started "
            + "\(m.chatsOffered.load(ordering: .relaxed)) offered \(m.chatsFinished.load(ordering: .relaxed)) done  "
            + "messages \(relayed) (\(Int(Double(relayed) / max(seconds, 0.001)))/s)  errors \(m.errors.load(ordering: .relaxed))"
    }

    private func result(_ run: PhaseRun, _ watches: [ProcessWatch], since start: UInt64) -> PhaseResult {
        let m = run.measurements
        let last = m.lastArrival.load(ordering: .relaxed)
        let elapsed = last > start ? Double(last - start) / 1e9 : 0
        let relayed = m.relayed
        return PhaseResult(
            target: run.target, elapsedSeconds: elapsed,
            chatsStarted: m.chatsStarted.load(ordering: .relaxed), chatsOffered: m.chatsOffered.load(ordering: .relaxed),
            chatsFinished: m.chatsFinished.load(ordering: .relaxed), arrivalsSkipped: m.arrivalsSkipped.load(ordering: .relaxed),
            messagesRelayed: relayed,
            chatsPerSecond: elapsed > 0 ? Double(m.chatsOffered.load(ordering: .relaxed)) / elapsed : 0,
            messagesPerSecond: elapsed > 0 ? Double(relayed) / elapsed : 0,
            timeToOffer: m.timeToOffer.summary, visitorToAgent: m.visitorToAgent.summary, agentToVisitor: m.agentToVisitor.summary,
            errors: m.errors.load(ordering: .relaxed), lost: m.missing, errorSamples: m.samples,
            processes: watches.map { $0.usage(relayedMessages: relayed) })
    }
}

/// Why a bench run could not be made.
public enum BenchError: Error, CustomStringConvertible {
    case setup(String)
    case scenario(String)
    /// The running deployment given to `--attach` cannot be measured as asked.
    case attach(String)

    public var description: String {
        switch self {
        case .setup(let what): "bench set-up failed: \(what)"
        case .scenario(let what): "bench scenario: \(what)"
        case .attach(let what): "bench --attach: \(what)"
        }
    }
}
