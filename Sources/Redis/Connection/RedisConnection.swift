import Logging
import NIOCore
import NIOPosix

/// One TCP connection to Redis, authenticated and on its database; it never reconnects
/// (`RedisClient` replaces it when it closes).
final class RedisConnection: Sendable {
    let channel: any Channel
    /// Whether a flush is already scheduled for this event loop tick.
    private let flushScheduled: NIOLoopBoundBox<Bool>

    private init(channel: any Channel) {
        self.channel = channel
        self.flushScheduled = NIOLoopBoundBox(false, eventLoop: channel.eventLoop)
    }

    var eventLoop: any EventLoop { channel.eventLoop }
    var isActive: Bool { channel.isActive }
    var closeFuture: EventLoopFuture<Void> { channel.closeFuture }

    /// Connects, then sends AUTH and SELECT as the URL asks, all within `configuration.connectTimeout`.
    static func connect(
        configuration: RedisConfiguration, on eventLoop: any EventLoop, logger: Logger
    ) -> EventLoopFuture<RedisConnection> {
        let url = configuration.url
        let limits = configuration.replyLimits
        let timeout = TimeAmount(configuration.connectTimeout)
        return ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(RedisReplyDecoder(limits: limits)),
                        RedisCommandHandler(logger: logger)
                    )
                }
            }
            .connect(host: url.host, port: url.port)
            .flatMap { channel in
                let connection = RedisConnection(channel: channel)
                // A server that accepts but never answers must not hold the handshake forever.
                let done = eventLoop.makePromise(of: Void.self)
                let deadline = eventLoop.scheduleTask(in: timeout) {
                    done.fail(RedisError.unavailable(waited: configuration.connectTimeout, lastError: "no reply to AUTH/SELECT"))
                }
                connection.handshake(url).cascade(to: done)
                return done.futureResult
                    .always { _ in deadline.cancel() }
                    .flatMapErrorThrowing { error in
                        channel.close(promise: nil)
                        throw error
                    }
                    .map { connection }
            }
    }

    private func handshake(_ url: RedisURL) -> EventLoopFuture<Void> {
        var commands: [RedisCommand] = []
        var refusals: [@Sendable (String) -> RedisError] = []
        if let password = url.password {
            commands.append(RedisCommand("AUTH", url.username.map { [$0, password] } ?? [password]))
            refusals.append { .authenticationFailed($0) }
        }
        if url.database != 0 {
            commands.append(RedisCommand("SELECT", [String(url.database)]))
            refusals.append { [database = url.database] in .databaseSelectionFailed(database, $0) }
        }
        return EventLoopFuture.whenAllSucceed(send(batch: commands), on: eventLoop).flatMapThrowing { [refusals] replies in
            for (reply, refusal) in zip(replies, refusals) {
                if let message = reply.errorMessage { throw refusal(message) }
            }
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
