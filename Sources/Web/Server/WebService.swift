import CoreMetrics
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import Redis
import Routing
import ServiceLifecycle
import Workflow

/// The web side of the router: the demo page at `/`, the widget at `/widget.js` (and its
/// stylesheet), and the visitors' WebSocket at `/ws` (docs/web-protocol.md). Notices the router
/// publishes through Redis reach the visitor's socket whichever router made them.
public struct WebService: Service {
    let settings: HTTPSettings
    let context: WebServiceContext
    let subscriber: RedisSubscriber
    let assets: WidgetAssets
    let onListening: @Sendable (Int) async -> Void

    /// - Parameters:
    ///   - forms: what each queue's widget asks for before the chat (nothing if not given).
    ///   - onListening: called with the bound port once the server listens (port 0 picks a free one).
    public init(
        settings: HTTPSettings, desk: any VisitorDesk, forms: WebForms = WebForms(), store: RoutingStore, redis: RedisClient,
        limits: WebLimits? = nil, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws(WebServiceError) {
        self.settings = settings
        self.context = WebServiceContext(
            desk: desk, forms: forms, store: store, redis: redis, limits: limits ?? WebLimits(textBytes: desk.rules.settings.bodyLimit),
            uploads: settings.uploads, logger: logger)
        self.subscriber = RedisSubscriber(configuration: redis.configuration, logger: logger)
        self.assets = try WidgetAssets.load()
        self.onListening = onListening
    }

    public func run() async throws {
        let hub = context.hub, logger = context.logger, keys = WebKeys(context.store.keys)
        let subscriber = self.subscriber, relay = context.desk as? RelayedVisitorDesk
        let channels = relay == nil ? [keys.notices] : [keys.notices, keys.replies]
        let notices = Task {
            await subscriber.run(channels: channels) { event in
                do {
                    switch event {
                    case .subscribed:
                        hub.resyncAll()
                    case .message(keys.replies, let payload):
                        relay?.answered(try JSONDecoder().decode(VisitorReply.self, from: Data(payload)))
                    case .message(_, let payload):
                        hub.deliver(try JSONDecoder().decode(VisitorNotice.self, from: Data(payload)))
                    }
                } catch {
                    logger.warning("a message on the web channels could not be read: \(error)")
                }
            }
        }
        defer { notices.cancel() }
        // Files go with their chats: every few minutes, those of chats past their retention are removed.
        let sweeper = Task { [uploads = context.uploads] in
            guard let uploads else { return }
            while !Task.isCancelled {
                do { try await uploads.sweep() } catch { logger.warning("could not sweep the uploads folder: \(error)") }
                try? await Task.sleep(for: Self.uploadSweepInterval)
            }
        }
        defer { sweeper.cancel() }
        let application = Application(
            router: makeRouter(),
            server: HTTPServerBuilder { [context, settings] responder in
                let clients = ClientAddress(trustedProxies: settings.trustedProxies)
                let upgrade = HTTP1WebSocketUpgradeChannel(
                    responder: responder,
                    configuration: .init(ws: .init(maxFrameSize: context.limits.frameBytes + 1, autoPing: .enabled(timePeriod: .seconds(20)))),
                    shouldUpgrade: { request, channel, _ in
                        // OriginGuard has already refused foreign origins with 403.
                        guard request.path?.split(separator: "?").first == "/ws" else { return .dontUpgrade }
                        let address = clients.limitKey(peer: channel.remoteAddress?.ipAddress, headers: request.headerFields)
                        return .upgrade([:]) { inbound, outbound, _ in
                            guard context.connectionsPerAddress.allow(address) else {
                                try await outbound.write(.text(ServerMessage.error(.rateLimited).json))
                                try await outbound.close(.policyViolation, reason: "rate limited")
                                return
                            }
                            let open = Meter(label: "switchboard_web_sockets_open")
                            open.increment()
                            defer { open.decrement() }
                            try await VisitorConnection(service: context, address: address).run(inbound: inbound, outbound: outbound)
                        }
                    })
                return OriginCheckedUpgradeChannel(inner: upgrade) { Self.allowed(origin: $0, settings: settings) }
            },
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
            onServerRunning: { [onListening, logger, settings] channel in
                let port = channel.localAddress?.port ?? settings.port
                logger.info("web service listening", metadata: ["address": "\(settings.host):\(port)"])
                await onListening(port)
            },
            logger: logger)
        try await application.run()
    }

    /// Files a session may send per minute.
    static let uploadsPerSession = 10
    static let uploadSweepInterval: Duration = .seconds(300)

    static func allowed(origin: String?, settings: HTTPSettings) -> Bool {
        guard let origin = origin?.lowercased() else { return false }
        return settings.allowedOrigins.contains(origin)
    }

    private func makeRouter() -> Hummingbird.Router<BasicRequestContext> {
        let router = Hummingbird.Router()
        let assets = self.assets, settings = self.settings, desk = context.desk
        router.get("/") { request, _ -> Response in
            let queues = desk.rules.queues.map(\.name)
            let queue = request.uri.queryParameters.get("queue").flatMap { queues.contains($0) ? $0 : nil } ?? queues.first ?? ""
            return assets.response(.page(queue: queue))
        }
        router.get("/widget.js") { _, _ in assets.response(.script) }
        router.get("/widget.css") { _, _ in assets.response(.stylesheet) }
        let download = TranscriptDownload(sessions: context.sessions, store: context.store, desk: desk)
        router.post("/transcript") { request, _ in try await download.response(to: request) }
        if let uploads = context.uploads {
            let endpoint = UploadEndpoint(
                store: uploads, sessions: context.sessions,
                perSession: FloodLimiter(limit: Self.uploadsPerSession, window: .seconds(60)), allowedOrigins: settings.allowedOrigins)
            router.post("/upload") { request, _ in try await endpoint.upload(request) }
            router.on("/upload", method: .options) { request, _ in endpoint.preflight(request) }
            router.get("/uploads/:id") { _, context in try await endpoint.download(context.parameters.get("id") ?? "") }
        }
        router.get("/ws") { request, _ -> Response in
            guard Self.allowed(origin: request.headers[.origin], settings: settings) else {
                return Response(status: .forbidden, body: .init(byteBuffer: ByteBuffer(string: "This origin may not open the chat.\n")))
            }
            return Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: "WebSocket upgrade required.\n")))
        }
        return router
    }
}

/// Why the web service cannot start.
public enum WebServiceError: Error, CustomStringConvertible {
    case missingAsset(String)

    public var description: String {
        switch self {
        case .missingAsset(let name): "the widget's file \(name) built into the web service is not UTF-8 text"
        }
    }
}
