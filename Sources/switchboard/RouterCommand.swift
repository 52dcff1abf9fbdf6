import ArgumentParser
import Foundation
import Logging
import Redis
import Routing
import ServiceLifecycle
import UnixSignals
import Web
import Workflow
import XMPP

/// `switchboard router`: the routing component between the XMPP server and Redis.
struct RouterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "router",
        abstract: "Run the router: an XMPP component (XEP-0114) of the service domain, with its state in Redis.",
        discussion: """
            Queues, agents, texts and connection settings come from the workflow file; the options below \
            override its connection settings. The component secret comes from --secret-file, else from the \
            workflow (normally ${SB_COMPONENT_SECRET}); it is never logged. SIGHUP reloads the workflow \
            (an invalid one is reported and the old one kept). SIGTERM or SIGINT closes the XMPP stream \
            and stops gracefully.
            """
    )

    static let developmentSecret = "switchboard-dev-secret"

    @OptionGroup var workflowOptions: WorkflowOptions

    @Option(help: "Host of the XMPP server's component port (default: the workflow's xmpp.host).")
    var xmppHost: String?

    @Option(help: "The XMPP server's component port (default: the workflow's xmpp.port).")
    var xmppPort: Int?

    @Option(help: "The service domain (default: the workflow's xmpp.domain).")
    var domain: String?

    @Option(help: "A file whose first line is the component secret (default: the workflow's xmpp.secret).")
    var secretFile: String?

    @Option(help: "Port of the web service for the widget (default: the workflow's http.listen, 8080 without one; 0 picks a free one).")
    var httpPort: Int?

    @Flag(help: "Do not serve the web widget and its WebSocket (served when the workflow has an http section or --http-port is given).")
    var noWeb = false

    @Option(help: "Seconds between checks of the component link (idle links are pinged).")
    var keepalive: Int = 30

    @OptionGroup var metrics: MetricsOptions

    @Flag(help: """
        Run as a hot standby behind an XMPP server that takes one connection per component \
        (Prosody): while another router holds the service domain, keep trying, and take over when it goes.
        """)
    var standby = false

    @Option(help: "With --standby: milliseconds between attempts to take over (50 to 10000).")
    var standbyInterval: Int = 250

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if let xmppPort, !(1...65535).contains(xmppPort) { throw ValidationError("--xmpp-port must be 1 to 65535") }
        if let httpPort, !(0...65535).contains(httpPort) { throw ValidationError("--http-port must be 0 to 65535") }
        if let domain, (try? JID(domain))?.local != nil || (try? JID(domain))?.isBare != true {
            throw ValidationError("--domain '\(domain)' is not a domain name")
        }
        guard keepalive > 0 else { throw ValidationError("--keepalive must be positive") }
        guard (50...10_000).contains(standbyInterval) else { throw ValidationError("--standby-interval must be 50 to 10000 (milliseconds)") }
    }

    func run() async throws {
        EventLoopExecutor.install()
        let logger = logging.logger("switchboard.router")
        var workflow = try workflowOptions.load()
        if let xmppHost { workflow.xmpp.host = xmppHost }
        if let xmppPort { workflow.xmpp.port = xmppPort }
        if let domain { workflow.xmpp.domain = domain }
        if let httpPort {
            var http = workflow.http ?? HTTPSettings()
            http.port = httpPort
            workflow.http = http
        }
        let secret = try self.secret(workflow)
        let metricsEndpoint = try metrics.endpoint(logger: logger)
        if secret == Self.developmentSecret { logger.notice("using the local development secret") }

        let redis = RedisClient(configuration: try workflow.redis.clientConfiguration(), logger: logger)
        let component = XMPPComponent(
            configuration: ComponentConfiguration(
                host: workflow.xmpp.host, port: workflow.xmpp.port, domain: workflow.xmpp.domain, secret: secret,
                keepaliveInterval: .seconds(keepalive), standbyInterval: standby ? .milliseconds(standbyInterval) : nil,
                tls: try workflow.xmpp.tlsContext()),
            logger: logger)
        let store = RoutingStore(redis: redis, prefix: workflow.redis.prefix, acknowledgement: workflow.redis.replicaAcknowledgement)
        let router = ChatRouter(
            rules: RoutingRules(workflow), component: component, store: store, logger: logger,
            channels: [WebVisitorChannel(store: store, logger: logger)])
        logger.info("starting", metadata: ["workflow": "\(workflowOptions.workflow)", "redis": "\(workflow.redis)", "xmpp": "\(workflow.xmpp)"])
        let forms = WebForms(workflow)
        let reloader = WorkflowReloader(
            path: workflowOptions.workflow, overrides: workflow.xmpp, router: router, forms: forms, logger: logger)
        // Web visitors of a web service beside the routers (`switchboard web`) reach this router too.
        let relayed = RelayedVisitorServer(desk: router, store: store, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: router), .init(service: reloader),
            // A standby serves no visitor until it has taken over: what it would tell agents could
            // not leave before then. It binds the web port then too, so it may share the active one's.
            .init(service: standby ? AfterJoining(router: router, service: relayed) as any Service : relayed),
        ]
        if let metricsEndpoint { services.append(.init(service: metricsEndpoint)) }
        if !noWeb, let http = workflow.http {
            let web = try WebService(
                settings: http, desk: router, forms: forms, store: store, redis: redis,
                logger: Logger(label: "switchboard.web"))
            services.append(.init(service: standby ? AfterJoining(router: router, service: web) as any Service : web))
        }
        if standby { logger.info("hot standby: takes over the service domain when the router holding it goes") }
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        await redis.close()
    }

    /// Loads a workflow, or fails with every problem in it.
    private func secret(_ workflow: Workflow) throws -> String {
        var secret = workflow.xmpp.secret.value
        if let secretFile {
            guard let text = try? String(contentsOfFile: secretFile, encoding: .utf8),
                let line = text.split(whereSeparator: \.isNewline).first, !line.isEmpty
            else { throw ValidationError("cannot read a secret from --secret-file \(secretFile)") }
            secret = String(line)
        }
        // The development secret is public: never use it towards a server on another machine.
        if secret == Self.developmentSecret, !["127.0.0.1", "::1", "localhost"].contains(workflow.xmpp.host) {
            throw ValidationError("the development secret may only be used with a local XMPP server, not \(workflow.xmpp.host)")
        }
        return secret
    }
}

/// Reloads the workflow on SIGHUP; an invalid file is reported and the rules in force stay.
struct WorkflowReloader: Service {
    let path: String
    /// Connection settings cannot change while running: the ones in force are kept.
    let overrides: XMPPSettings
    let router: ChatRouter
    /// The web widget's forms, reloaded with the rules.
    let forms: WebForms
    let logger: Logger

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            do throws(WorkflowErrors) {
                var workflow = try Workflow.load(path: path, environment: ProcessInfo.processInfo.environment)
                workflow.xmpp = overrides
                await router.reload(RoutingRules(workflow))
                forms.reload(workflow)
            } catch {
                logger.error("SIGHUP: \(path) is not valid; keeping the workflow in force:\n\(error)")
            }
        }
    }
}
