import Routing
import ServiceLifecycle

/// Runs a service only once the router has joined the XMPP server: a hot standby serves
/// nothing before it takes over.
struct AfterJoining<Wrapped: Service>: Service {
    let router: ChatRouter
    let service: Wrapped

    func run() async throws {
        await cancelWhenGracefulShutdown { await router.waitUntilReady() }
        guard !Task.isCancelled, !Task.isShuttingDownGracefully else { return }
        try await service.run()
    }
}
