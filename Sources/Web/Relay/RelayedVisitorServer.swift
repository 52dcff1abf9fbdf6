import Foundation
import Logging
import Redis
import Routing
import ServiceLifecycle

/// Answers the input of web visitors whose web service runs beside the routers (`switchboard
/// web`), published on `WebKeys.requests`, on `WebKeys.replies`. Runs beside each router.
public struct RelayedVisitorServer: Service {
    let desk: any VisitorDesk
    let store: RoutingStore
    let logger: Logger

    public init(desk: any VisitorDesk, store: RoutingStore, logger: Logger) {
        self.desk = desk
        self.store = store
        self.logger = logger
    }

    public func run() async {
        let keys = WebKeys(store.keys)
        let subscriber = RedisSubscriber(configuration: store.redisConfiguration, logger: logger)
        await cancelWhenGracefulShutdown {
            await subscriber.run(channels: [keys.requests]) { event in
                guard case .message(_, let payload) = event else { return }
                do {
                    let request = try JSONDecoder().decode(VisitorRequest.self, from: Data(payload))
                    // Answered on its own: a slow answer must not hold up the subscription.
                    Task { await self.answer(request, on: keys.replies) }
                } catch {
                    logger.warning("a relayed web visitor request could not be read: \(error)")
                }
            }
        }
    }

    private func answer(_ request: VisitorRequest, on replies: String) async {
        var reply = VisitorReply(id: request.id)
        do {
            switch request.kind {
            case .say:
                reply = VisitorReply(id: request.id, enqueued: try await desk.visitorSays(
                    request.text ?? "", messageID: request.messageID ?? request.id, visitor: request.visitor,
                    name: request.name ?? "", greeting: request.greeting ?? "", queue: request.queue))
            case .typing:
                try await desk.visitorTyping(request.state == "paused" ? .paused : .composing, visitor: request.visitor, queue: request.queue)
            case .end:
                try await desk.visitorEnds(visitor: request.visitor, queue: request.queue)
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
