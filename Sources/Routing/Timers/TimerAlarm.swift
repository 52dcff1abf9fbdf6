import ServiceLifecycle
import Synchronization

/// The timer loop's sleep, which any part of the router may cut short when a timer may now be
/// due sooner than the loop would look (a new offer, an agent gone offline, an overflow step).
final class TimerAlarm: Sendable {
    private let state = Mutex<(sleeper: Task<Void, Never>?, woken: Bool)>((nil, false))

    /// Sleeps up to `pause`, or less if `wake` is called meanwhile (or was since the last sleep).
    func sleep(_ pause: Duration) async {
        let sleeper = Task<Void, Never> { try? await Task.sleep(for: pause) }
        let woken: Bool = state.withLock { state in
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
        state.withLock { state in
            if state.sleeper == sleeper { state.sleeper = nil }
        }
    }

    /// A timer may now be due sooner than the loop sleeps: it looks again at once.
    func wake() {
        let sleeper: Task<Void, Never>? = state.withLock { state in
            let sleeper = state.sleeper
            state.sleeper = nil
            state.woken = sleeper == nil  // not asleep: the next sleep is skipped
            return sleeper
        }
        sleeper?.cancel()
    }
}
