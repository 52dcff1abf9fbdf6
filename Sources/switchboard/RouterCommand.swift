import ArgumentParser
import Foundation
import Logging
import Redis
import ServiceLifecycle
import XMPP

/// `switchboard router`: the routing component between the XMPP server and Redis.
struct RouterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "router",
        abstract: "Run the router: an XMPP component (XEP-0114) of the service domain, with its state in Redis.",
        discussion: """
            The component secret is read from --secret-file, else from $SB_COMPONENT_SECRET, else the \
            local development secret that Scripts/services configures. It is never logged.
            Defaults match Scripts/services; each option can also come from the environment variable named \
            in its help. SIGTERM or SIGINT closes the XMPP stream and stops gracefully.
            """
    )

    private static let environment = ProcessInfo.processInfo.environment
    static let developmentSecret = "switchboard-dev-secret"

    @Option(help: "Host of the XMPP server's component port ($SB_XMPP_HOST).")
    var xmppHost: String = environment["SB_XMPP_HOST"] ?? "127.0.0.1"

    @Option(help: "The XMPP server's component port ($SB_COMPONENT_PORT).")
    var xmppPort: Int = environment["SB_COMPONENT_PORT"].flatMap { Int($0) } ?? 5347

    @Option(help: "The service domain the router serves ($SB_DOMAIN).")
    var domain: String = environment["SB_DOMAIN"] ?? "support.localhost"

    // Read from the environment at run time, not as a default: `--help` would print a password.
    @Option(help: "Redis URL, redis://[:password@]host:port/db (default: $SB_REDIS_URL, else redis://127.0.0.1:6379).")
    var redisURL: String?

    @Option(help: "A file whose first line is the component secret.")
    var secretFile: String?

    @Option(help: "Seconds between whitespace keepalives on the component link.")
    var keepalive: Int = 30

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard (1...65535).contains(xmppPort) else { throw ValidationError("--xmpp-port must be 1 to 65535") }
        guard (try? JID(domain))?.isBare == true, (try? JID(domain))?.local == nil else {
            throw ValidationError("--domain '\(domain)' is not a domain name")
        }
        guard keepalive > 0 else { throw ValidationError("--keepalive must be positive") }
        do throws(RedisURLError) {
            _ = try RedisURL(resolvedRedisURL)
        } catch {
            throw ValidationError("--redis-url: \(error)")
        }
    }

    func run() async throws {
        let logger = logging.logger("switchboard.router")
        let component = ComponentConfiguration(
            host: xmppHost, port: xmppPort, domain: domain, secret: try secret(logger: logger),
            keepaliveInterval: .seconds(keepalive))
        let redis = RedisClient(configuration: RedisConfiguration(url: try RedisURL(resolvedRedisURL)), logger: logger)
        let router = RouterService(
            component: XMPPComponent(configuration: component, logger: logger), redis: redis, logger: logger)
        let group = ServiceGroup(
            configuration: .init(services: [router], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    private var resolvedRedisURL: String {
        redisURL ?? Self.environment["SB_REDIS_URL"] ?? "redis://127.0.0.1:6379"
    }

    private func secret(logger: Logger) throws -> String {
        if let secretFile {
            guard let text = try? String(contentsOfFile: secretFile, encoding: .utf8),
                let line = text.split(whereSeparator: \.isNewline).first, !line.isEmpty
            else { throw ValidationError("cannot read a secret from --secret-file \(secretFile)") }
            return String(line)
        }
        if let secret = Self.environment["SB_COMPONENT_SECRET"], !secret.isEmpty { return secret }
        // The development secret is public: never use it towards a server on another machine.
        guard ["127.0.0.1", "::1", "localhost"].contains(xmppHost) else {
            throw ValidationError("no component secret given (--secret-file or $SB_COMPONENT_SECRET) for \(xmppHost)")
        }
        logger.notice("no component secret given: using the local development secret")
        return Self.developmentSecret
    }
}
