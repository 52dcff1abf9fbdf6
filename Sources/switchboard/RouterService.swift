import Logging
import Redis
import ServiceLifecycle
import XMPP

/// The router as a service. Routing itself arrives with the routing engine; until then the
/// router keeps its links up and refuses the requests it cannot serve yet.
struct RouterService: Service {
    let component: XMPPComponent
    let redis: RedisClient
    let logger: Logger

    func run() async throws {
        // All routing state lives in Redis: join the XMPP server only once Redis answers.
        guard await waitForRedis() else { return }
        await component.run { event in
            switch event {
            case .connected:
                logger.info("router ready", metadata: ["domain": "\(component.configuration.domain)", "redis": "\(redis.configuration.url)"])
            case .stanza(.iq(let iq)) where iq.type == .get || iq.type == .set:
                component.send(iq.errorReply(StanzaError(.serviceUnavailable)))
            case .stanza, .disconnected:
                break
            }
        }
        await redis.close()
    }

    /// Pings Redis until it answers; false if the service is shutting down first.
    private func waitForRedis() async -> Bool {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                _ = try await cancelWhenGracefulShutdown { try await redis.send("PING") }
                return true
            } catch {
                logger.error("Redis does not answer: \(error); retrying", metadata: ["redis": "\(redis.configuration.url)"])
            }
        }
        await redis.close()
        return false
    }
}
