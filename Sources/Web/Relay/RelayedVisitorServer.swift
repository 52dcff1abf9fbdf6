import Foundation
import Logging
import Redis
import Routing
import ServiceLifecycle

/// Answers the input of web visitors whose web service runs beside the routers (`switchboard
/// web`), published on `WebKeys.requests`, on `WebKeys.replies`. Runs beside each router; of
/// several routers, the one that claims a request (a key set only if absent) answers it.
public struct RelayedVisitorServer: Service {
    let desk: any VisitorDesk
    let store: RoutingStore
    let logger: Logger

    public init(desk: any VisitorDesk, store: RoutingStore, logger: Logger) {
        self.desk = desk
        self.store = store
        self.logger = logger
    }

    /// How long a request's claim is kept: far beyond the web service's wait for an answer
    /// (it asks again under a new id), short enough that claims do not pile up.
    static let claimLifetime: Duration = .seconds(60)
    /// Request ids are the web service's UUIDs; anything much longer is not one.
    static let longestID = 128

    public func run() async {
        let keys = WebKeys(store.keys)
        let subscriber = RedisSubscriber(configuration: store.redisConfiguration, logger: logger)
        let claims = RedisClient(configuration: store.redisConfiguration, logger: logger)
        await cancelWhenGracefulShutdown {
            await subscriber.run(channels: [keys.requests]) { event in
                guard case .message(_, let payload) = event else { return }
                do {
                    let request = try JSONDecoder().decode(VisitorRequest.self, from: Data(payload))
                    guard !request.id.isEmpty, request.id.utf8.count <= Self.longestID else {
                        logger.warning("a relayed web visitor request without a usable id was dropped")
                        return
                    }
                    // Answered on its own: a slow answer must not hold up the subscription.
                    Task {
                        guard await self.claim(request, claims: claims, keys: keys) else { return }
                        await self.answer(request, on: keys.replies)
                    }
                } catch {
                    logger.warning("a relayed web visitor request could not be read: \(error)")
                }
            }
        }
        await claims.close()
    }

    /// Whether this router takes the request: every router receives it, one sets its claim.
    /// Without Redis none answers, and the web service asks again.
    private func claim(_ request: VisitorRequest, claims: RedisClient, keys: WebKeys) async -> Bool {
        do {
            let reply = try await claims.send(
                "SET", keys.requestClaim(request.id), "1", "NX", "PX", String(Self.claimLifetime.components.seconds * 1000))
            return !reply.isNull
        } catch {
            logger.warning("could not claim a relayed web visitor request: \(error)", metadata: ["request": "\(request.id)"])
            return false
        }
    }

    private func answer(_ request: VisitorRequest, on replies: String) async {
        var reply = VisitorReply(id: request.id)
        do {
            switch request.kind {
            case .say:
                reply = VisitorReply(id: request.id, enqueued: try await desk.visitorSays(
                    request.text ?? "", messageID: request.messageID ?? request.id, visitor: request.visitor,
                    name: request.name ?? "", greeting: request.greeting ?? "", queue: request.queue, attachment: request.attachment))
            case .typing:
                try await desk.visitorTyping(request.state == "paused" ? .paused : .composing, visitor: request.visitor, queue: request.queue)
            case .end:
                try await desk.visitorEnds(visitor: request.visitor, queue: request.queue, endID: request.messageID)
            }
        } catch {
            logger.error("a relayed web visitor request failed: \(error)")
            reply.error = "\(error)"
        }
        do {
            try await store.publish(reply, on: replies)
        } catch {
            logger.warning("could not answer a relayed web visitor request: \(error)")
        }
    }
}
