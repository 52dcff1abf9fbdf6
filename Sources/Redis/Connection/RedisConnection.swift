import Logging
import NIOCore
import NIOPosix
import TLS

/// One TCP connection to Redis, authenticated and on its database; it never reconnects
/// (`RedisClient` replaces it when it closes).
final class RedisConnection: Sendable {
    let channel: any Channel
    /// Where it connected: for a `redis-sentinel://` URL, the master the sentinels named.
    let address: RedisAddress
    /// Whether a flush is already scheduled for this event loop tick.
    private let flushScheduled: NIOLoopBoundBox<Bool>
    /// How many replicas the master had when it answered `ROLE` on connect (sentinel URLs only).
    /// On the event loop only.
    let replicasAtConnect: NIOLoopBoundBox<Int?>

    private init(channel: any Channel, address: RedisAddress) {
        self.channel = channel
        self.address = address
        self.flushScheduled = NIOLoopBoundBox(false, eventLoop: channel.eventLoop)
        self.replicasAtConnect = NIOLoopBoundBox(nil, eventLoop: channel.eventLoop)
    }

    var eventLoop: any EventLoop { channel.eventLoop }
    var isActive: Bool { channel.isActive }
    var closeFuture: EventLoopFuture<Void> { channel.closeFuture }

    /// Connects, then sends AUTH and SELECT as the URL asks, all within `configuration.connectTimeout`.
    /// A `redis-sentinel://` URL's server is the master its sentinels name, and must say it is
    /// one (`ROLE`): a replica (a demoted master the sentinels have not caught up with) is refused.
    static func connect(
        configuration: RedisConfiguration, on eventLoop: any EventLoop, logger: Logger
    ) -> EventLoopFuture<RedisConnection> {
        let url = configuration.url
        guard let sentinels = url.sentinels else {
            return connect(to: RedisAddress(host: url.host, port: url.port), authenticating: url, configuration: configuration, on: eventLoop, logger: logger)
        }
        return SentinelLookup.master(of: sentinels, configuration: configuration, on: eventLoop, logger: logger).flatMap { master in
            connect(to: master, authenticating: url, requireMaster: true, configuration: configuration, on: eventLoop, logger: logger)
        }
    }

    /// Connects to `address`; with `url`, sends its AUTH and SELECT (a sentinel is asked without).
    /// Over TLS (`rediss://`), the handshake and the check of the certificate against
    /// `configuration.tls` come first: no command, and so no password, leaves before it succeeds.
    static func connect(
        to address: RedisAddress, authenticating url: RedisURL?, requireMaster: Bool = false, configuration: RedisConfiguration,
        on eventLoop: any EventLoop, logger: Logger
    ) -> EventLoopFuture<RedisConnection> {
        let limits = configuration.replyLimits
        let timeout = TimeAmount(configuration.connectTimeout)
        var tls: TLSContext?
        if configuration.url.tls {
            guard let context = configuration.tls else { return eventLoop.makeFailedFuture(RedisError.tlsNotConfigured) }
            tls = context
        }
        let tlsHandshake = tls.map { _ in eventLoop.makePromise(of: TLSHandshakeCompleted.self) }
        return ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls, let tlsHandshake {
                        try channel.pipeline.syncOperations.addHandler(
                            TLSHandler(client: tls, serverHostname: address.host, handshakePromise: tlsHandshake, logger: logger))
                    }
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(RedisReplyDecoder(limits: limits)),
                        RedisCommandHandler(logger: logger)
                    )
                }
            }
            .connect(host: address.host, port: address.port)
            .flatMapError { error in
                // The channel never came up: a handshake promise nobody will complete must not leak.
                tlsHandshake?.fail(error)
                return eventLoop.makeFailedFuture(error)
            }
            .flatMap { channel in
                let connection = RedisConnection(channel: channel, address: address)
                // A server that accepts but never answers must not hold the handshake forever.
                let done = eventLoop.makePromise(of: Void.self)
                let deadline = eventLoop.scheduleTask(in: timeout) {
                    done.fail(RedisError.unavailable(waited: configuration.connectTimeout, lastError: "no reply to the TLS handshake or AUTH/SELECT"))
                }
                let secured = tlsHandshake.map { handshake in
                    handshake.futureResult.map { _ in }.flatMapErrorThrowing { error in
                        throw Self.refusal(error, address: address)
                    }
                } ?? eventLoop.makeSucceededVoidFuture()
                secured.flatMap { connection.handshake(url, requireMaster: requireMaster) }.cascade(to: done)
                return done.futureResult
                    .always { _ in deadline.cancel() }
                    .flatMapErrorThrowing { error in
                        channel.close(promise: nil)
                        throw error
                    }
                    .map { connection }
            }
    }

    /// A failed TLS handshake as a `RedisError` that says what to fix.
    private static func refusal(_ error: any Error, address: RedisAddress) -> RedisError {
        guard let error = error as? TLSError else { return .tlsFailed(address: address.description, reason: "\(error)") }
        if case .handshakeFailed(_, let verification?) = error {
            return .certificateRefused(address: address.description, verification: verification)
        }
        return .tlsFailed(address: address.description, reason: error.description)
    }

    private func handshake(_ url: RedisURL?, requireMaster: Bool) -> EventLoopFuture<Void> {
        var commands: [RedisCommand] = []
        var refusals: [@Sendable (String) -> RedisError] = []
        guard let url else { return eventLoop.makeSucceededVoidFuture() }
        if let password = url.password {
            commands.append(RedisCommand("AUTH", url.username.map { [$0, password] } ?? [password]))
            refusals.append { .authenticationFailed($0) }
        }
        if url.database != 0 {
            commands.append(RedisCommand("SELECT", [String(url.database)]))
            refusals.append { [database = url.database] in .databaseSelectionFailed(database, $0) }
        }
        if requireMaster {
            commands.append(RedisCommand("ROLE", []))
            refusals.append { .server($0) }
        }
        return EventLoopFuture.whenAllSucceed(send(batch: commands), on: eventLoop).flatMapThrowing { [refusals, address, replicasAtConnect] replies in
            for (reply, refusal) in zip(replies, refusals) {
                if let message = reply.errorMessage { throw refusal(message) }
            }
            guard requireMaster, let role = replies.last?.array else { return }
            // A master's ROLE: ["master", offset, [[host, port, offset], …]] — the replicas connected now.
            guard role.first?.string == "master" else {
                throw RedisError.notMaster(address: address.description, role: role.first?.string ?? "server of unknown role")
            }
            replicasAtConnect.value = role.count > 2 ? role[2].array?.count : nil
        }
    }

    /// Writes one command; it is flushed at the end of this event loop tick.
    func send(_ command: RedisCommand) -> EventLoopFuture<RESPValue> {
        let reply = write(command)
        scheduleFlush()
        return reply
    }

    /// Writes all commands, then flushes once, so they reach Redis in as few packets as possible.
    func send(batch commands: [RedisCommand]) -> [EventLoopFuture<RESPValue>] {
        let replies = commands.map(write)
        scheduleFlush()
        return replies
    }

    /// One flush for every command written in this tick of the event loop: commands of tasks
    /// running side by side (the router's lanes) leave in one write system call, not one each.
    private func scheduleFlush() {
        guard !flushScheduled.value else { return }
        flushScheduled.value = true
        eventLoop.execute { [self] in
            flushScheduled.value = false
            channel.flush()
        }
    }

    // Called on the event loop only, so the channel cannot close between the check and the write.
    private func write(_ command: RedisCommand) -> EventLoopFuture<RESPValue> {
        eventLoop.assertInEventLoop()
        // Once the channel is inactive its handlers may be gone, and a write would fail without
        // ever telling the command; while it is active, RedisCommandHandler answers every write.
        guard channel.isActive else { return eventLoop.makeFailedFuture(RedisError.connectionLost) }
        let reply = eventLoop.makePromise(of: RESPValue.self)
        channel.write(RedisRequest(command: command, promise: reply), promise: nil)
        return reply.futureResult
    }

    func close() -> EventLoopFuture<Void> {
        channel.close().flatMapError { _ in self.channel.closeFuture }
    }
}
