import NIOCore

/// The client's connection lifecycle as a value: events in, actions out. `RedisClient` feeds it
/// on its event loop and carries out what it returns (connect, schedule, complete promises).
struct RedisClientStateMachine {
    /// A command waiting for a connection.
    struct Waiter {
        let id: Int
        let promise: EventLoopPromise<RedisConnection>
    }

    private enum State {
        case idle
        case connecting(attempt: Int)
        case connected(RedisConnection)
        case waitingToRetry(attempt: Int)
        case closed
    }

    private var state = State.idle
    private var waiters: [Waiter] = []
    private var nextWaiterID = 0
    /// The most recent connect failure, reported to commands that give up waiting.
    private(set) var lastError: String?
    /// Sentinel announced a new master while an attempt was under way (it may have gone to the old one).
    private var switchedWhileConnecting = false

    enum ConnectionAction {
        case use(RedisConnection)
        /// Schedule the waiter's deadline; `connect` says whether to start an attempt too.
        case wait(Waiter, connect: Bool)
        case fail(RedisError)
    }

    /// A command wants a connection; `promise` is made only if it has to wait (the usual case needs none).
    mutating func connectionRequested(
        _ promise: @autoclosure () -> EventLoopPromise<RedisConnection>
    ) -> ConnectionAction {
        var connect = false
        switch state {
        case .connected(let connection) where connection.isActive:
            return .use(connection)
        case .connected, .idle:
            // A connection that went inactive is replaced now; its close callback will find it already gone.
            state = .connecting(attempt: 0)
            connect = true
        case .connecting, .waitingToRetry:
            break
        case .closed:
            return .fail(.closed)
        }
        nextWaiterID += 1
        waiters.append(Waiter(id: nextWaiterID, promise: promise()))
        return .wait(waiters[waiters.endIndex - 1], connect: connect)
    }

    enum ConnectedAction {
        case serve([Waiter], previousFailures: Int)
        /// The client was closed while this connection was being made.
        case close
    }

    mutating func connected(_ connection: RedisConnection) -> ConnectedAction {
        guard case .connecting(let attempt) = state else { return .close }
        state = .connected(connection)
        lastError = nil
        switchedWhileConnecting = false
        defer { waiters = [] }
        return .serve(waiters, previousFailures: attempt)
    }

    struct RetryAction {
        var attempt: Int
        /// Waiters to fail now because retrying will not help them in time (bad credentials).
        var fail: [Waiter]
        /// Retry without backoff: the master moved while this attempt was under way.
        var immediately = false
    }

    mutating func connectFailed(_ reason: String, permanent: Bool) -> RetryAction? {
        guard case .connecting(let attempt) = state else { return nil }
        state = .waitingToRetry(attempt: attempt + 1)
        lastError = reason
        defer { switchedWhileConnecting = false }
        guard permanent else { return RetryAction(attempt: attempt + 1, fail: [], immediately: switchedWhileConnecting) }
        defer { waiters = [] }
        return RetryAction(attempt: attempt + 1, fail: waiters)
    }

    enum SwitchAction {
        /// The connection is to the old master: close it (its close starts the reconnect).
        case close(RedisConnection)
        /// Waiting out a backoff: connect now instead.
        case connect
        case none
    }

    /// Sentinel announced `address` as the master (`+switch-master`).
    mutating func masterSwitched(to address: RedisAddress) -> SwitchAction {
        switch state {
        case .connected(let connection) where connection.address != address:
            return .close(connection)
        case .waitingToRetry(let attempt):
            state = .connecting(attempt: attempt)
            return .connect
        case .connecting:
            switchedWhileConnecting = true
            return .none
        case .connected, .idle, .closed:
            return .none
        }
    }

    /// The backoff delay is over; whether to connect now.
    mutating func retryDue() -> Bool {
        guard case .waitingToRetry(let attempt) = state else { return false }
        state = .connecting(attempt: attempt)
        return true
    }

    /// An established connection closed; whether to reconnect now.
    mutating func connectionClosed(_ connection: RedisConnection) -> Bool {
        guard case .connected(let current) = state, current === connection else { return false }
        state = .connecting(attempt: 0)
        return true
    }

    /// A waiter's deadline passed; it is returned if it was still waiting.
    mutating func waiterTimedOut(id: Int) -> Waiter? {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return waiters.remove(at: index)
    }

    /// The client is closing: everything waiting fails, the connection (if any) is closed.
    mutating func close() -> (waiters: [Waiter], connection: RedisConnection?) {
        var connection: RedisConnection?
        if case .connected(let current) = state { connection = current }
        state = .closed
        defer { waiters = [] }
        return (waiters, connection)
    }
}
