import AgentProtocol
import Foundation
import ServiceLifecycle
import XMPP

extension Router {
    /// Fires due timers (offer timeouts, grace periods, overflow steps), sleeping until the next
    /// one. The due times live in Redis, so a restarted router, or another one, fires them too;
    /// a short ceiling on the sleep picks up timers another router set.
    func runTimers() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            var pause: Duration = .seconds(1)
            do {
                let (due, next) = try await store.dueTimers()
                for timer in due { await fire(timer) }
                pause = due.isEmpty ? min(next ?? .seconds(1), .seconds(1)) : .zero
            } catch {
                logger.error("cannot read the timers: \(error)")
            }
            if pause > .zero { await sleep(pause) }
        }
    }

    /// Sleeps up to `pause`, or less if `wakeTimers` is called meanwhile (or was since the last sleep).
    private func sleep(_ pause: Duration) async {
        let sleeper = Task<Void, Never> { try? await Task.sleep(for: pause) }
        let woken: Bool = timerSleep.withLock { state in
            let woken = state.woken
            state.sleeper = woken ? nil : sleeper
            state.woken = false
            return woken
        }
        if woken { sleeper.cancel() }
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler { await sleeper.value } onGracefulShutdown: { sleeper.cancel() }
        } onCancel: {
            sleeper.cancel()
        }
        timerSleep.withLock { state in
            if state.sleeper == sleeper { state.sleeper = nil }
        }
    }

    /// A timer may now be due sooner than the loop sleeps: it looks again at once.
    func wakeTimers() {
        let sleeper: Task<Void, Never>? = timerSleep.withLock { state in
            let sleeper = state.sleeper
            state.sleeper = nil
            state.woken = sleeper == nil  // not asleep: the next sleep is skipped
            return sleeper
        }
        sleeper?.cancel()
    }

    private func fire(_ timer: String) async {
        let rules = self.rules
        let parts = timer.split(separator: "|").map(String.init)
        do {
            switch (parts.first, parts.count) {
            case ("offer", 2):
                try await offerExpired(chat: parts[1], rules: rules)
            case ("grace", 2):
                let chats = try await store.expireGrace(agent: parts[1])
                if !chats.isEmpty {
                    logger.info("agent's chats requeued after the grace period", metadata: ["agent": "\(parts[1])", "chats": "\(chats)"])
                }
            case ("gone", 2):
                try await visitorGone(chat: parts[1], rules: rules)
            case ("overflow", 3):
                let queue = try await store.chat(parts[1])?["queue"].flatMap { rules.queue($0) }
                let step = Int(parts[2]) ?? 0
                let moveTo = queue.flatMap { step >= 1 && step <= $0.overflow.count ? $0.overflow[step - 1].moveTo : nil }
                _ = try await store.overflow(chat: parts[1], step: step, moveTo: moveTo)
            default:
                logger.warning("unknown timer removed", metadata: ["timer": "\(timer)"])
                try await store.cancelTimer(timer)
                return
            }
            await routeWaitingChats()
        } catch {
            logger.error("timer failed: \(error)", metadata: ["timer": "\(timer)"])
        }
    }

    /// The visitor's client said `gone` and they did not come back: the chat ends.
    private func visitorGone(chat: String, rules: RoutingRules) async throws {
        let fields = try await store.chat(chat)
        guard try await store.close(chat: chat, by: .timeout).succeeded, let fields else { return }
        if let agent = fields["agent"], !agent.isEmpty {
            tellAgent(agent, chat: chat, "The visitor left; the chat is closed.", state: .gone, event: .visitorLeft, rules: rules)
        }
        if let visitor = fields["visitor"], let queue = fields["queue"].flatMap({ rules.queue($0) }) {
            tellVisitor(visitor, queue: queue.name, goodbye(fields, rules: rules), as: .closed, rules: rules)
        }
    }

    private func offerExpired(chat: String, rules: RoutingRules) async throws {
        guard let agent = try await store.chat(chat)?["agent"], !agent.isEmpty else {
            try await store.cancelTimer("offer|\(chat)")
            return
        }
        let outcome = try await store.decline(chat: chat, agent: agent, timedOut: true, missedLimit: rules.settings.missedOffersLimit)
        guard case .done(let result) = outcome else {
            try await store.cancelTimer("offer|\(chat)")
            return
        }
        tellAgent(agent, chat: chat, "The offer expired; the chat goes to the next agent.", event: .offerExpired, rules: rules)
        if result == "away", let jid = try? JID(agent) {
            tellFromService(jid, "You missed \(rules.settings.missedOffersLimit) offers in a row and were set away. "
                + "Change your status to available to take chats again.", rules: rules)
        }
    }
}
