import ArgumentParser
import Foundation
import Logging
import Redis
import Routing
import ServiceLifecycle
import Web
import Workflow

/// `switchboard web`: the web widget's service on its own, beside the routers.
struct WebCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web",
        abstract: "Serve the web widget and the visitors' WebSocket beside the routers (switchboard router serves them itself).",
        discussion: """
            The visitors' input reaches a router through Redis, and the routers' notices come back the same way, \
            so this process needs only Redis and the workflow's http section. With no router running, visitors' \
            messages wait in their widget until one answers.
            """
    )

    @OptionGroup var workflowOptions: WorkflowOptions

    @Option(help: "Port to listen on (default: the workflow's http.listen; 0 picks a free one).")
    var httpPort: Int?

    @OptionGroup var metrics: MetricsOptions

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if let httpPort, !(0...65535).contains(httpPort) { throw ValidationError("--http-port must be 0 to 65535") }
    }

    func run() async throws {
        let logger = logging.logger("switchboard.web")
        let workflow = try workflowOptions.load()
        var http = workflow.http ?? HTTPSettings()
        if let httpPort { http.port = httpPort }
        let metricsEndpoint = try metrics.endpoint(logger: logger)
        let redis = RedisClient(configuration: try workflow.redis.clientConfiguration(), logger: logger)
        let store = RoutingStore(redis: redis, prefix: workflow.redis.prefix, acknowledgement: workflow.redis.replicaAcknowledgement)
        let web = try WebService(
            settings: http, desk: RelayedVisitorDesk(rules: RoutingRules(workflow), store: store), forms: WebForms(workflow),
            store: store, redis: redis,
            logger: logger)
        logger.info("starting", metadata: ["workflow": "\(workflowOptions.workflow)", "redis": "\(workflow.redis)", "http": "\(http)"])
        let services: [any Service] = [web] + (metricsEndpoint.map { [$0] } ?? [])
        let group = ServiceGroup(
            configuration: .init(services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        await redis.close()
    }
}
