import Logging
import ServiceLifecycle

/// Fires due timers (offer and reply timeouts, grace periods, gone visitors, overflow steps, max
/// waits), sleeping
/// until the next one. The due times live in Redis, so a restarted router, or another one,
/// fires them too; a short ceiling on the sleep picks up timers another router set. Each acts
/// once: the script acting on a timer takes it only while it is still due (ARCHITECTURE.md).
struct TimerLoop: Service {
    let store: RoutingStore
    let alarm: TimerAlarm
    let logger: Logger
    /// What a due timer does; a timer that fails stays due and is tried again.
    let fire: @Sendable (ChatTimer) async throws -> Void

    func run() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            var pause: Duration = .seconds(1)
            do {
                let (due, next) = try await store.dueTimers()
                for member in due { await fire(member) }
                pause = due.isEmpty ? min(next ?? .seconds(1), .seconds(1)) : .zero
            } catch {
                logger.error("cannot read the timers: \(error)")
            }
            if pause > .zero { await alarm.sleep(pause) }
        }
    }

    private func fire(_ member: String) async {
        do {
            // The acting script takes the timer by the member it spells: one spelt otherwise
            // (`overflow|9|x`) would never be taken, and be read as due for ever.
            guard let timer = ChatTimer(member: member), timer.member == member else {
                logger.warning("unknown timer removed", metadata: ["timer": "\(member)"])
                try await store.cancelTimer(member)
                return
            }
            try await fire(timer)
        } catch {
            logger.error("timer failed: \(error)", metadata: ["timer": "\(member)"])
        }
    }
}
