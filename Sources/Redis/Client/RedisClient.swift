import Reconnect
import Logging
import Synchronization
import NIOCore
import NIOPosix

/// A Redis client: one pipelined connection that reconnects by itself with backoff.
///
/// Commands sent while the client is (re)connecting wait for the connection, up to
/// `RedisConfiguration.connectionWait`. Commands in flight when the connection drops fail with
/// `RedisError.connectionLost`; they are never resent, since they may have run. All state lives on
/// one event loop, so the client is `Sendable` and never blocks. Call `close()` when done.
public final class RedisClient: Sendable {
    public let configuration: RedisConfiguration
    private let eventLoop: any EventLoop
    let logger: Logger
    private let state: NIOLoopBoundBox<RedisClientStateMachine>
    private let metrics = RedisMetrics()
    /// With a `redis-sentinel://` URL: the subscriptions to `+switch-master`, from the first connect until `close()`.
    private let sentinelWatch = Mutex<SentinelWatch>(.notStarted)

    /// Makes a client; it connects on the first command, not here.
    public init(
        configuration: RedisConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.configuration = configuration
        self.eventLoop = eventLoopGroup.next()
        var logger = logger
        logger[metadataKey: "redis"] = "\(configuration.url)"  // the password is never in a RedisURL's description
        self.logger = logger
        self.state = .makeBoxSendingValue(RedisClientStateMachine(), eventLoop: eventLoop)
    }

    /// Sends one command; an error reply is thrown as `RedisError.server`.
    @discardableResult
    public func send(_ command: RedisCommand) async throws(RedisError) -> RESPValue {
        let start = NIODeadline.now()
        defer { metrics.roundTrip.recordNanoseconds((NIODeadline.now() - start).nanoseconds) }
        let reply = try await Self.result(of: eventLoop.flatSubmit { self.connection().flatMap { $0.send(command) } })
        if let message = reply.errorMessage { throw .server(message) }
        return reply
    }

    /// Sends one command given as text: `send("SET", "key", "value")`.
    @discardableResult
    public func send(_ name: String, _ arguments: String...) async throws(RedisError) -> RESPValue {
        try await send(RedisCommand(name, arguments))
    }

    /// Writes all commands with one flush and returns their replies in order. Error replies are
    /// returned as `.error` values, not thrown, so one failing command does not hide the others' results.
    public func pipeline(_ commands: [RedisCommand]) async throws(RedisError) -> [RESPValue] {
        guard !commands.isEmpty else { return [] }
        let start = NIODeadline.now()
        defer { metrics.roundTrip.recordNanoseconds((NIODeadline.now() - start).nanoseconds) }
        let replies = eventLoop.flatSubmit {
            self.connection().flatMap { connection in
                EventLoopFuture.whenAllSucceed(connection.send(batch: commands), on: self.eventLoop)
            }
        }
        return try await Self.result(of: replies)
    }

    /// `pipeline`, with the commands made on the event loop once the connection is there, for
    /// commands that depend on it (a `WAIT` for the replicas it had on connect); `extra` is what
    /// the builder noted beside them (which `WAIT` it sent), returned with the replies.
    func pipeline<Extra: Sendable>(
        building build: @escaping @Sendable (RedisConnection) -> (commands: [RedisCommand], extra: Extra)
    ) async throws(RedisError) -> (replies: [RESPValue], extra: Extra) {
        let replies = eventLoop.flatSubmit {
            self.connection().flatMap { connection in
                let (commands, extra) = build(connection)
                return EventLoopFuture.whenAllSucceed(connection.send(batch: commands), on: self.eventLoop).map { (replies: $0, extra: extra) }
            }
        }
        return try await Self.result(of: replies)
    }

    /// Closes the connection; waiting and later commands fail with `RedisError.closed`.
    public func close() async {
        sentinelWatch.withLock { watch in
            if case .running(let task) = watch { task.cancel() }
            watch = .stopped
        }
        let closed = eventLoop.flatSubmit {
            let (waiters, connection) = self.state.value.close()
            for waiter in waiters { waiter.promise.fail(RedisError.closed) }
            return connection?.close() ?? self.eventLoop.makeSucceededVoidFuture()
        }
        try? await closed.get()  // closing an already closed channel is not an error worth reporting
    }

    // Every failure that reaches a caller is a RedisError; anything else would be a bug here, so it is named.
    private static func result<Value: Sendable>(of future: EventLoopFuture<Value>) async throws(RedisError) -> Value {
        do {
            return try await future.get()
        } catch let error as RedisError {
            throw error
        } catch {
            throw .protocolError("unexpected failure: \(error)")
        }
    }

    // MARK: - Connection lifecycle (on the event loop)

    private func connection() -> EventLoopFuture<RedisConnection> {
        switch state.value.connectionRequested(eventLoop.makePromise()) {
        case .use(let connection):
            return eventLoop.makeSucceededFuture(connection)
        case .fail(let error):
            return eventLoop.makeFailedFuture(error)
        case .wait(let waiter, let connect):
            let wait = configuration.connectionWait
            eventLoop.scheduleTask(in: TimeAmount(wait)) {
                guard let waiter = self.state.value.waiterTimedOut(id: waiter.id) else { return }
                waiter.promise.fail(RedisError.unavailable(waited: wait, lastError: self.state.value.lastError))
            }
            if connect { startConnecting() }
            return waiter.promise.futureResult
        }
    }

    private func startConnecting() {
        if let sentinels = configuration.url.sentinels { watchSwitches(sentinels) }
        logger.debug("connecting to Redis")
        RedisConnection.connect(configuration: configuration, on: eventLoop, logger: logger)
            .whenComplete { result in
                switch result {
                case .success(let connection): self.connected(connection)
                case .failure(let error): self.connectFailed(error)
                }
            }
    }

    private func connected(_ connection: RedisConnection) {
        switch state.value.connected(connection) {
        case .close:
            connection.close().whenComplete { _ in }
        case .serve(let waiters, let previousFailures):
            logger.info("connected to Redis", metadata: previousFailures > 0 ? ["failed_attempts": "\(previousFailures)"] : [:])
            metrics.connects.increment()
            metrics.open.increment()
            connection.closeFuture.whenComplete { _ in
                self.metrics.open.decrement()
                self.connectionClosed(connection)
            }
            for waiter in waiters { waiter.promise.succeed(connection) }
        }
    }

    private func connectFailed(_ error: any Error) {
        let redisError = error as? RedisError
        // Wrong credentials or database will not fix themselves by the time a waiting command gives up.
        let permanent = switch redisError {
        case .authenticationFailed, .databaseSelectionFailed, .certificateRefused, .tlsNotConfigured: true
        default: false
        }
        let reason = redisError.map(\.description) ?? "\(error)"
        metrics.connectFailures.increment()
        guard let retry = state.value.connectFailed(reason, permanent: permanent) else { return }
        for waiter in retry.fail { waiter.promise.fail(redisError ?? .connectionLost) }
        let delay = retry.immediately ? .zero : configuration.backoff.delay(afterFailures: retry.attempt)
        // The first failure is worth a warning; the retries after it would flood the log at the cap.
        logger.log(
            level: retry.attempt == 1 || permanent ? .warning : .debug,
            "could not connect to Redis",
            metadata: ["error": "\(reason)", "attempt": "\(retry.attempt)", "retry_in": "\(delay)"]
        )
        eventLoop.scheduleTask(in: TimeAmount(delay)) {
            if self.state.value.retryDue() { self.startConnecting() }
        }
    }

    private func connectionClosed(_ connection: RedisConnection) {
        guard state.value.connectionClosed(connection) else { return }
        metrics.connectionsLost.increment()
        logger.warning("lost the connection to Redis; reconnecting")
        startConnecting()
    }
}

// MARK: - Following Sentinel

extension RedisClient {
    enum SentinelWatch {
        case notStarted
        case running(Task<Void, Never>)
        case stopped
    }

    /// Subscribes to `+switch-master` on every sentinel (any one that sees the failover will
    /// do), so a new master is used as soon as it is announced rather than after the backoff.
    private func watchSwitches(_ sentinels: RedisSentinels) {
        sentinelWatch.withLock { watch in
            guard case .notStarted = watch else { return }
            let (configuration, eventLoop, logger) = (configuration, eventLoop, logger)
            // Not the client itself: a watch that kept it alive would outlive a client never closed.
            let owner = Owner(client: self)
            watch = .running(Task {
                await withTaskGroup(of: Void.self) { group in
                    for sentinel in sentinels.addresses {
                        var asSentinel = configuration
                        asSentinel.url = RedisURL(host: sentinel.host, port: sentinel.port, tls: configuration.url.tls)
                        let subscriber = RedisSubscriber(configuration: asSentinel, eventLoopGroup: eventLoop, logger: logger)
                        group.addTask {
                            await subscriber.run(channels: [Self.switchMasterChannel]) { event in
                                guard case .message(_, let payload) = event,
                                    let master = Self.switchedMaster(payload, name: sentinels.masterName)
                                else { return }
                                owner.client?.masterSwitched(to: master)
                            }
                        }
                    }
                }
            })
        }
    }

    private struct Owner: Sendable {
        weak let client: RedisClient?
    }

    static let switchMasterChannel = "+switch-master"

    /// The new master in a `+switch-master` message (`name old-host old-port new-host new-port`) for `name`.
    static func switchedMaster(_ payload: [UInt8], name: String) -> RedisAddress? {
        guard payload.count <= 1024 else { return nil }
        let parts = String(decoding: payload, as: UTF8.self).split(separator: " ")
        guard parts.count == 5, parts[0] == name, parts[3].utf8.count <= SentinelLookup.longestHost,
            parts[4].count <= 5, let port = Int(parts[4]), (1...65535).contains(port)
        else { return nil }
        return RedisAddress(host: String(parts[3]), port: port)
    }

    private func masterSwitched(to master: RedisAddress) {
        eventLoop.execute {
            switch self.state.value.masterSwitched(to: master) {
            case .close(let connection):
                self.logger.notice("Sentinel switched the master; reconnecting", metadata: ["master": "\(master)"])
                _ = connection.close()
            case .connect:
                self.logger.notice("Sentinel switched the master; connecting now", metadata: ["master": "\(master)"])
                self.startConnecting()
            case .none:
                break
            }
        }
    }
}
