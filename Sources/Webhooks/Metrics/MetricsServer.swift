import Hummingbird
import Logging
import Redis
import Workflow

/// `GET /metrics` of the webhooks service, Prometheus text: deliveries, failed attempts, dead
/// letters and latencies per hook. It shows counts and hook names only, so it asks for no token;
/// it listens on loopback unless told otherwise.
public struct MetricsServer: Sendable {
    let host: String
    let port: Int
    let metrics: DeliveryMetrics
    let redis: RedisClient
    let keys: WebhookKeys
    let hooks: [String]
    let logger: Logger

    public init(host: String, port: Int, metrics: DeliveryMetrics, redis: RedisClient, keys: WebhookKeys, hooks: [String], logger: Logger) {
        self.host = host
        self.port = port
        self.metrics = metrics
        self.redis = redis
        self.keys = keys
        self.hooks = hooks
        self.logger = logger
    }

    /// The HTTP application, a `Service`; `onRunning` is told the port once it accepts connections.
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router()
        router.get("metrics") { _, _ in
            var waiting: [String: Int] = [:]
            for hook in hooks { waiting[hook] = try await HookQueue(redis: redis, keys: keys, hook: hook).waitingChats() }
            let dead = try await DeadLetters(redis: redis, keys: keys).count()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.text(waiting: waiting, deadLetters: dead))))
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "switchboard-webhooks"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}
