import AsyncHTTPClient
import Logging
import Redis
import ServiceLifecycle
import Workflow

/// `switchboard webhooks serve`: follows the routing events in its own consumer group
/// (`webhooks`), queues each for the hooks that want it, and delivers every hook's queues.
/// Everything it has not delivered is in Redis, so a restart, even after SIGKILL, loses nothing;
/// an event whose delivery was under way when it stopped is sent again (at least once).
/// Run one per deployment: a second would deliver the same chats out of order.
public struct WebhooksService: Service, CustomStringConvertible {
    public static let group = "webhooks"

    let hooks: [Webhook]
    let keys: WebhookKeys
    let redis: RedisClient
    let reader: StreamGroupReader
    let policy: RetryPolicy
    let metrics: DeliveryMetrics
    let logger: Logger

    /// `reading` is a connection of its own for the blocking stream reads. The group, made on the
    /// first start, begins at the stream's end: receivers get events from then on, not the
    /// history, unless `backlog`.
    public init(
        hooks: [Webhook], keys: WebhookKeys, redis: RedisClient, reading: RedisClient, consumer: String, policy: RetryPolicy = RetryPolicy(),
        metrics: DeliveryMetrics, logger: Logger, block: Duration = .seconds(1), backlog: Bool = false
    ) {
        self.hooks = hooks
        self.keys = keys
        self.redis = redis
        reader = StreamGroupReader(
            redis: reading, stream: keys.events, group: Self.group, consumer: consumer, block: block, backlog: backlog)
        self.policy = policy
        self.metrics = metrics
        var logger = logger
        logger[metadataKey: "consumer"] = "\(consumer)"
        self.logger = logger
    }

    public var description: String { "WebhooksService(\(reader.consumer))" }

    public func run() async throws {
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10))))
        let sender = WebhookSender(client: client)
        let couriers = hooks.map { hook in
            Courier(hook: hook, queue: HookQueue(redis: redis, keys: keys, hook: hook.name), sender: sender, policy: policy, metrics: metrics,
                    logger: logger)
        }
        let intake = EventIntake(redis: redis, keys: keys, group: Self.group, hooks: hooks, logger: logger)
        // Stopping cancels deliveries under way: they are sent again after the restart.
        try await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for courier in couriers {
                    group.addTask { await courier.run(running: { true }) }
                }
                group.addTask {
                    await reader.follow(logger: logger) { entries in
                        let touched = try await intake.take(entries, now: Courier.now())
                        for courier in couriers where touched.contains(courier.hook.name) { courier.doorbell.ring() }
                    }
                }
            }
        }
        try await client.shutdown()
    }
}
