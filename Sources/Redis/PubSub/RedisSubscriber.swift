import Logging
import NIOCore
import NIOPosix

/// What a subscription brings.
public enum RedisSubscriptionEvent: Sendable, Hashable {
    /// Subscribed to every channel, first or again after a reconnect: whatever was published
    /// while the connection was down is lost, so this is the moment to catch up from state.
    case subscribed
    /// A message published on `channel`.
    case message(channel: String, payload: [UInt8])
}

/// Pub/sub (SUBSCRIBE) on a connection of its own: a connection in subscribe mode can run no
/// other command. It reconnects with the configuration's backoff and subscribes again until the
/// task running it is cancelled.
public struct RedisSubscriber: Sendable {
    public let configuration: RedisConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger

    public init(
        configuration: RedisConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        var logger = logger
        logger[metadataKey: "redis"] = "\(configuration.url)"
        self.logger = logger
    }

    /// Subscribes to `channels` and calls `handle` with every event, in order, until cancelled.
    public func run(channels: [String], _ handle: @Sendable (RedisSubscriptionEvent) async -> Void) async {
        precondition(!channels.isEmpty, "subscribe to at least one channel")
        var failures = 0
        while !Task.isCancelled {
            do {
                try await subscribed(channels) { event in
                    failures = 0
                    await handle(event)
                }
                if !Task.isCancelled { logger.warning("lost the Redis subscription; subscribing again") }
            } catch {
                failures += 1
                logger.log(level: failures == 1 ? .warning : .debug, "could not subscribe on Redis",
                           metadata: ["error": "\(error)", "attempt": "\(failures)"])
            }
            guard !Task.isCancelled else { return }
            try? await Task.sleep(for: configuration.backoff.delay(afterFailures: max(failures, 1)))
        }
    }

    /// One connection's life: connect, subscribe, pass events on until the connection ends.
    private func subscribed(
        _ channels: [String], _ handle: (RedisSubscriptionEvent) async -> Void
    ) async throws {
        let eventLoop = eventLoopGroup.next()
        let connection = try await RedisConnection.connect(configuration: configuration, on: eventLoop, logger: logger).get()
        let (pushes, continuation) = AsyncStream.makeStream(of: RESPValue.self)
        try await eventLoop.flatSubmit {
            let pipeline = connection.channel.pipeline
            return pipeline.handler(type: RedisCommandHandler.self)
                .flatMap { pipeline.removeHandler($0) }
                .flatMap { pipeline.addHandler(RedisPushHandler(pushes: continuation)) }
                .flatMap { connection.channel.writeAndFlush(RedisCommand("SUBSCRIBE", channels).encoded) }
        }.get()
        try await withTaskCancellationHandler {
            var confirmed = Set<String>()
            for await push in pushes {
                let parts = push.array ?? []
                switch parts.first?.string {
                case "subscribe":
                    guard let channel = parts.dropFirst().first?.string else { continue }
                    confirmed.insert(channel)
                    if confirmed.count == Set(channels).count { await handle(.subscribed) }
                case "message":
                    guard parts.count == 3, let channel = parts[1].string, let payload = parts[2].bytes else { continue }
                    await handle(.message(channel: channel, payload: payload))
                default:
                    if let message = push.errorMessage { throw RedisError.server(message) }
                }
            }
        } onCancel: {
            connection.channel.close(promise: nil)
        }
        _ = try? await connection.close().get()
    }
}
