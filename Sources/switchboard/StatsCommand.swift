import ArgumentParser
import Foundation
import Logging
import Redis
import ServiceLifecycle
import Stats
import UnixSignals
import Workflow

/// `switchboard stats`: the stats service (event consumer, HTTP API, metrics, dashboard), or with
/// `--watch` the supervisors' tables in the terminal.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Measure wait and response times from the routing events; serve them over HTTP, or --watch them.",
        discussion: """
            Queue SLAs, the Redis connection and the stats section (listen, token, open_metrics) come from the \
            workflow file. The API and dashboard ask for a bearer token: the workflow's stats.token, else the \
            environment variable named by --token-env (SB_STATS_TOKEN); it is never logged. SIGTERM or SIGINT stops gracefully; a SIGKILL loses and doubles nothing.
            """
    )

    private static let environment = ProcessInfo.processInfo.environment

    @OptionGroup var workflowOptions: WorkflowOptions

    @Option(help: "Address to serve HTTP on (default: the workflow's stats.listen, else 127.0.0.1:8081).")
    var listen: String?

    @Option(help: "The environment variable holding the bearer token when the workflow names none.")
    var tokenEnv: String = "SB_STATS_TOKEN"

    @Flag(help: "Serve /metrics without the token (for a scraper on a private network; or stats.open_metrics).")
    var openMetrics = false

    @Option(help: "This instance's name in the consumer group (keep it across restarts).")
    var consumer: String = "stats@" + (ProcessInfo.processInfo.hostName.isEmpty ? "localhost" : ProcessInfo.processInfo.hostName)

    @Flag(help: "Show the queue and agent tables in the terminal, refreshed in place, instead of serving.")
    var watch = false

    @Option(help: "Seconds between refreshes of --watch.")
    var interval: Double = 2

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard interval >= 0.2 else { throw ValidationError("--interval must be at least 0.2 seconds") }
        if let listen { _ = try Self.listenAddress(listen) }
    }

    func run() async throws {
        let logger = logging.logger("switchboard.stats")
        let workflow = try workflowOptions.load()
        let keys = StatsKeys(prefix: workflow.redis.prefix)
        let redis = RedisClient(configuration: try workflow.redis.clientConfiguration(), logger: logger)
        if watch {
            try await WatchView(reader: LiveStateReader(redis: redis, keys: keys, workflow: workflow),
                                stats: StatsReader(redis: redis, keys: keys), interval: .milliseconds(Int(interval * 1000))).run()
            await redis.close()
            return
        }
        let settings = workflow.stats ?? StatsServiceSettings()
        guard let token = settings.token?.value ?? Self.environment[tokenEnv], !token.isEmpty else {
            throw ValidationError(StatsError.missingToken.description)
        }
        let (host, port) = try listen.map { try Self.listenAddress($0) } ?? (settings.host, settings.port)
        let openMetrics = self.openMetrics || settings.openMetrics
        let reading = RedisClient(configuration: try workflow.redis.clientConfiguration(), logger: logger)
        let applier = EventApplier(redis: redis, keys: keys, settings: StatsSettings(workflow: workflow))
        let consumer = EventConsumer(applier: applier, redis: reading, consumer: consumer, logger: logger)
        let server = StatsServer(
            configuration: .init(host: host, port: port, token: Secret(token), openMetrics: openMetrics),
            redis: redis, keys: keys, workflow: workflow, logger: logger)
        let application = server.application { port in
            logger.info("stats ready", metadata: ["listen": "\(host):\(port)", "consumer": "\(self.consumer)"])
        }
        logger.info("starting", metadata: ["workflow": "\(workflowOptions.workflow)", "redis": "\(workflow.redis)"])
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: consumer), .init(service: application)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        await reading.close()
        await redis.close()
    }

    /// `host:port` or `[v6]:port`.
    private static func listenAddress(_ listen: String) throws -> (String, Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port)
        else { throw ValidationError(StatsError.badListenAddress(listen).description) }
        var host = String(listen[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError(StatsError.badListenAddress(listen).description) }
        return (host, port)
    }
}
