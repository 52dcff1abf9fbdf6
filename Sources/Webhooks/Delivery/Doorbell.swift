import Synchronization

/// Wakes one waiting loop early: a courier sleeps until its next retry is due, unless new events
/// arrive or a delivery finishes first. A ring while nobody waits is kept for the next wait.
final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var waiter: (ticket: Int, continuation: CheckedContinuation<Void, Never>)?
        var lastTicket = 0
        /// Waits up to this ticket are over (timed out or cancelled), parked or not yet.
        var over = 0
    }

    private let state = Mutex(State())

    func ring() {
        let waiter = state.withLock { state in
            defer { state.waiter = nil }
            if state.waiter == nil { state.rung = true }
            return state.waiter
        }
        waiter?.continuation.resume()
    }

    /// Returns when rung, after `limit`, or when the task is cancelled. One waiter at a time.
    func wait(upTo limit: Duration) async {
        let ticket: Int? = state.withLock { state in
            if state.rung {
                state.rung = false
                return nil
            }
            state.lastTicket += 1
            return state.lastTicket
        }
        guard let ticket else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await withCheckedContinuation { self.park(ticket, $0) } }
            group.addTask { try? await Task.sleep(for: limit) }
            await group.next()
            group.cancelAll()
            end(ticket)
        }
    }

    private func park(_ ticket: Int, _ continuation: CheckedContinuation<Void, Never>) {
        let resumeNow = state.withLock { state in
            if ticket <= state.over || state.rung {
                state.rung = false
                return true
            }
            state.waiter = (ticket, continuation)
            return false
        }
        if resumeNow { continuation.resume() }
    }

    private func end(_ ticket: Int) {
        let waiter = state.withLock { state in
            state.over = max(state.over, ticket)
            guard let waiter = state.waiter, waiter.ticket == ticket else { return nil as CheckedContinuation<Void, Never>? }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }
}
