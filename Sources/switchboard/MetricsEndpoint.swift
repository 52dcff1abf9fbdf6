import ArgumentParser
import CoreMetrics
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

/// `--metrics-listen HOST:PORT`: the process's own runtime metrics (XMPP and Redis links,
/// stanzas, lanes, web sockets) as Prometheus text at `GET /metrics`. Off unless given; it shows
/// counts only, so it asks for no token, and belongs on loopback or a private network.
struct MetricsOptions: ParsableArguments {
    @Option(help: "Serve this process's runtime metrics (Prometheus text, GET /metrics) on HOST:PORT, e.g. 127.0.0.1:9464; 0 picks a free port.")
    var metricsListen: String?

    func validate() throws {
        if let metricsListen { _ = try ListenAddress(metricsListen, option: "--metrics-listen") }
    }

    /// Sends swift-metrics to a Prometheus registry and returns the service that serves it, or nil
    /// when not asked for. Call before making the links, whose handles are made with them.
    func endpoint(logger: Logger) throws -> MetricsEndpoint? {
        guard let metricsListen else { return nil }
        let address = try ListenAddress(metricsListen, option: "--metrics-listen")
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // A Redis round trip on loopback takes tens of microseconds; the default buckets start at 5 ms.
        factory.durationHistogramBuckets["switchboard_redis_roundtrip_seconds"] = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(100), .seconds(1),
        ]
        MetricsSystem.bootstrap(factory)
        return MetricsEndpoint(host: address.host, port: address.port, registry: registry, logger: logger)
    }
}

/// Serves a Prometheus registry at `GET /metrics`.
struct MetricsEndpoint: Service {
    let host: String
    let port: Int
    let registry: PrometheusCollectorRegistry
    let logger: Logger

    func run() async throws {
        let router = Router()
        router.get("metrics") { [registry] _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "switchboard-metrics"),
            onServerRunning: { [logger, host, port] channel in
                logger.info("metrics listening", metadata: ["address": "\(host):\(channel.localAddress?.port ?? port)"])
            },
            logger: logger)
        try await application.run()
    }
}
