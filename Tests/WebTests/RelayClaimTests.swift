import Foundation
import Logging
import Redis
import Routing
import Synchronization
import SwitchboardTesting
import Testing
import Web
import XMPP

/// A web service beside several routers: each relayed request is handled by exactly one of them
/// (else the agent sees the visitor type twice, and a second `end` answers "You have no open chat
/// here").
@Suite struct RelayClaimTests {
    /// What a router's desk was asked, by which router: the relay is the part under test.
    final class RecordingDesk: VisitorDesk {
        let router: String
        let shared: Shared
        let rules = RoutingRules(domain: "localhost", queues: [], agents: [])

        init(router: String, shared: Shared) {
            self.router = router
            self.shared = shared
        }

        struct NotAsked: Error {}

        func visitorSays(
            _ text: String, messageID: String, visitor: String, name: String, greeting: String, queue: String, attachment: Routing.Attachment?
        ) async throws -> Enqueued {
            throw NotAsked()
        }

        func visitorTyping(_ state: ChatState, visitor: String, queue: String) async throws {
            shared.handled.withLock { $0.append((router, visitor)) }
        }

        func visitorEnds(visitor: String, queue: String, endID: String?) async throws {
            shared.handled.withLock { $0.append((router, visitor)) }
        }
    }

    final class Shared: Sendable {
        let handled = Mutex<[(router: String, visitor: String)]>([])
        let replies = Mutex<[String]>([])
    }

    @Test func eachRequestIsHandledByOneRouter() async throws {
        try await withRedisServer { server in
            var logger = Logger(label: "relay-tests")
            logger.logLevel = .warning
            let redis = RedisClient(configuration: RedisConfiguration(url: try RedisURL(server.url)), logger: logger)
            let store = RoutingStore(redis: redis, prefix: "sb")
            let keys = WebKeys(store.keys)
            let shared = Shared()
            let routers = ["one", "two"].map { name in
                RelayedVisitorServer(desk: RecordingDesk(router: name, shared: shared), store: store, logger: logger)
            }
            let replies = RedisSubscriber(configuration: store.redisConfiguration, logger: logger)
            let running = Task {
                await withTaskGroup(of: Void.self) { group in
                    for router in routers { group.addTask { await router.run() } }
                    group.addTask {
                        await replies.run(channels: [keys.replies]) { event in
                            guard case .message(_, let payload) = event,
                                  let reply = try? JSONDecoder().decode(VisitorReply.self, from: Data(payload)) else { return }
                            shared.replies.withLock { $0.append(reply.id) }
                        }
                    }
                }
            }
            try await withCleanup {
                try await poll(.seconds(20), "both routers and the reply reader to subscribe", every: .milliseconds(20)) {
                    let requests = try await redis.send("PUBSUB", "NUMSUB", keys.requests).array?.last?.int
                    let answers = try await redis.send("PUBSUB", "NUMSUB", keys.replies).array?.last?.int
                    return requests == 2 && answers == 1
                }
                let count = 40
                for index in 0..<count {
                    let kind: VisitorRequest.Kind = index.isMultiple(of: 2) ? .typing : .end
                    try await store.publish(
                        VisitorRequest(id: "request-\(index)", kind: kind, visitor: "web:v\(index)", queue: "sales", state: "composing"),
                        on: keys.requests)
                }
                // Every request answered, by whichever router took it.
                try await poll(.seconds(20), "every request answered", every: .milliseconds(20)) {
                    Set(shared.replies.withLock { $0 }).count == count
                }
                // A second answer would come from the other router at about the same time as the
                // first; its absence gives no event, so a short window bounds how late it may be.
                try await Task.sleep(for: .milliseconds(300))
                let answered = shared.replies.withLock { $0 }
                #expect(answered.count == count, "\(answered.count - count) requests answered twice")
                let handled = shared.handled.withLock { $0 }
                #expect(handled.count == count)
                #expect(Set(handled.map(\.visitor)).count == count, "each visitor's request handled once")
            } cleanup: {
                running.cancel()
                await running.value
                await redis.close()
            }
        }
    }
}
