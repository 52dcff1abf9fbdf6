import Logging
import Redis
import XMPP

/// Carries answers between the routers of one domain: ejabberd hands an answer to one router's
/// ping (the acknowledgement of its visitor lines, or its link check) to any router's link, at
/// random. The router that reads one that is not its own publishes it on `{prefix}:acks`; every
/// router subscribes and takes what is its own (`XMPPComponent.takeRelayedAnswer`). With one
/// link per domain (Prosody) nothing is published: every answer is read where it is awaited.
struct LinkAnswerRelay: Sendable {
    let component: XMPPComponent
    let store: RoutingStore
    let logger: Logger
    private let answers: AsyncStream<LinkAnswer>
    /// Answers read here while Redis is slow wait here, the newest kept: an answer that waits
    /// longer than its sender's timeout is of no use (the sender sends again).
    static let bufferLimit = 1000

    init(component: XMPPComponent, store: RoutingStore, logger: Logger) {
        let (answers, continuation) = AsyncStream.makeStream(of: LinkAnswer.self, bufferingPolicy: .bufferingNewest(Self.bufferLimit))
        component.handOtherAnswers { continuation.yield($0) }
        self.component = component
        self.store = store
        self.logger = logger
        self.answers = answers
    }

    /// Publishes what others' pings got here and takes what ours got elsewhere, until cancelled.
    func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.publish() }
            group.addTask { await self.subscribe() }
        }
    }

    private func publish() async {
        for await answer in answers {
            do {
                try await store.publish(text: answer.payload, on: store.keys.linkAnswers)
            } catch {
                // Lost: the router it belongs to counts its lines as not confirmed and sends them again.
                logger.warning("could not hand another router its answer: \(error)", metadata: ["id": "\(answer.id)"])
            }
        }
    }

    private func subscribe() async {
        let channel = store.keys.linkAnswers
        await RedisSubscriber(configuration: store.redisConfiguration, logger: logger).run(channels: [channel]) { event in
            guard case .message(_, let payload) = event else { return }
            guard let answer = LinkAnswer(payload: payload) else {
                logger.warning("ignored a malformed relayed answer", metadata: ["bytes": "\(payload.count)"])
                return
            }
            component.takeRelayedAnswer(answer)
        }
    }
}
