import CoreMetrics
import Synchronization

/// Runs the router's stanzas concurrently, one lane per sender: a sender's stanzas are handled
/// one after another in the order they came, different senders' side by side, so their Redis
/// round trips overlap on the pipelined connection instead of queueing behind each other. At
/// most `limit` stanzas are in hand at once; beyond that `submit` waits, and the component link
/// reads no further (the back-pressure a serial handler had).
final class StanzaLanes: Sendable {
    private struct State {
        /// Work waiting behind the running stanza of each busy lane.
        var lanes: [String: [@Sendable () async -> Void]] = [:]
        var inHand = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
        /// Those waiting for every lane to be empty (a router draining before it stops).
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
        /// Stanzas whose work waits for the XMPP server's answer, their room given up.
        var awaitingServer = 0
    }

    /// The lanes whose work runs in this task, if any.
    @TaskLocal static var current: StanzaLanes?

    private let limit: Int
    private let state = Mutex(State())
    /// Stanzas admitted and not finished, for operators (`switchboard_router_stanzas_in_hand`).
    private let inHand = Meter(label: "switchboard_router_stanzas_in_hand")

    init(limit: Int) {
        precondition(limit > 0, "a lane needs room for one stanza")
        self.limit = limit
    }

    /// Starts `work` in the lane `key` once there is room; returns without waiting for it to finish.
    func submit(_ key: String, _ work: @escaping @Sendable () async -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let admitted = state.withLock { state in
                guard state.inHand < limit else {
                    state.waiters.append(continuation)  // a finishing stanza hands over its place
                    return false
                }
                state.inHand += 1
                return true
            }
            if admitted { continuation.resume() }
        }
        inHand.increment()
        let start = state.withLock { state in
            guard state.lanes[key] == nil else {
                state.lanes[key]!.append(work)
                return false
            }
            state.lanes[key] = []
            return true
        }
        if start { Task { await self.drain(key, first: work) } }
    }

    /// Runs a lane's work until it is empty.
    private func drain(_ key: String, first: @escaping @Sendable () async -> Void) async {
        var next: (@Sendable () async -> Void)? = first
        while let work = next {
            await StanzaLanes.$current.withValue(self) { await work() }
            inHand.decrement()
            let waiter: CheckedContinuation<Void, Never>?
            var idle: [CheckedContinuation<Void, Never>] = []
            (next, waiter) = state.withLock { state in
                let waiter = state.waiters.isEmpty ? nil : state.waiters.removeFirst()
                if waiter == nil { state.inHand -= 1 }
                if state.inHand == 0 && state.awaitingServer == 0 { swap(&idle, &state.idleWaiters) }
                guard var queued = state.lanes[key], !queued.isEmpty else {
                    state.lanes[key] = nil
                    return (nil, waiter)
                }
                let work = queued.removeFirst()
                state.lanes[key] = queued
                return (work, waiter)
            }
            waiter?.resume()
            for continuation in idle { continuation.resume() }
        }
    }

    /// Runs `body`, a wait for the XMPP server's answer, with the stanza's room given up
    /// meanwhile: the answer comes only over a link that reads, and a link whose reader waits
    /// for room would never bring it. The stanza is back in hand after (over the limit, briefly,
    /// if others took the room), and counts as in hand for `idle` throughout.
    static func givingUpRoom<T>(_ body: () async -> T) async -> T {
        guard let lanes = current else { return await body() }
        let waiter = lanes.state.withLock { state in
            state.awaitingServer += 1
            if state.waiters.isEmpty { state.inHand -= 1 }
            return state.waiters.isEmpty ? nil : state.waiters.removeFirst()
        }
        waiter?.resume()
        let result = await body()
        lanes.state.withLock { state in
            state.awaitingServer -= 1
            state.inHand += 1
        }
        return result
    }

    /// Returns once no stanza is in hand.
    func idle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let isIdle = state.withLock { state in
                let isIdle = state.inHand == 0 && state.awaitingServer == 0
                if !isIdle { state.idleWaiters.append(continuation) }
                return isIdle
            }
            if isIdle { continuation.resume() }
        }
    }
}
