import Foundation
import Redis
import SwitchboardTesting
import Testing
@testable import Webhooks
import XMPP

/// Real Prosody, Redis, router, XMPP clients and `switchboard webhooks serve`: a conversation's
/// events reach the receiver in order, with the texts both sides wrote.
@Suite(.serialized) struct WebhooksEndToEndTests {
    @Test func aConversationArrivesInOrderWithItsTexts() async throws {
        let receiver = try await Receiver.start()
        try await withCleanup {
            try await withProsodyServer(.init(accounts: ["visitor1": "secret", "alice": "secret"])) { prosody in
                try await withWebhooksRedis { redisServer, _ in
                    let path = "\(try RunDirectory.make("webhooks-e2e"))/workflow.yml"
                    try """
                        xmpp: { host: 127.0.0.1, port: \(prosody.componentPort), domain: \(prosody.serviceDomain), secret: "\(prosody.componentSecret)" }
                        redis: { url: "\(redisServer.url)", prefix: sb }
                        queues: [{ name: sales }]
                        agents: [{ jid: alice@localhost, name: Alice }]
                        webhooks:
                          - { name: e2e, url: "\(receiver.url)", events: [\(allEvents.map(\.rawValue).joined(separator: ", "))], secret: "\(testSecret)" }
                        """.write(toFile: path, atomically: true, encoding: .utf8)
                    let router = try SwitchboardProcess(["router", "--workflow", path, "--http-port", "0"], ready: "router ready")
                    let webhooks = try SwitchboardProcess(
                        ["webhooks", "serve", "--workflow", path, "--listen", "127.0.0.1:0"], ready: "webhooks ready")
                    var clients: [XMPPClient] = []
                    try await withCleanup {
                        try await router.start()
                        try await webhooks.start()
                        func connect(_ user: String) async throws -> XMPPClient {
                            let client = try await XMPPClient.connect(prosody.clientConfiguration(user), logger: quietLogger)
                            clients.append(client)
                            try await client.send(Presence())
                            return client
                        }
                        let alice = try await connect("alice")
                        let visitor = try await connect("visitor1")
                        try await alice.send(Presence(to: try JID(domain: prosody.serviceDomain)))
                        try await visitor.send(Message(to: try JID("sales@\(prosody.serviceDomain)"), body: "Hello, my order is late"))
                        let offer = try await alice.message("the chat given to alice", startingWith: "New chat")
                        let chat = try #require(offer.from)
                        try await alice.send(Message(to: chat, body: "Hi! Let me check."))
                        _ = try await visitor.message("the reply", startingWith: "Hi! Let me check.")
                        try await alice.send(Message(to: chat, body: "/close"))
                        _ = try await visitor.message("the goodbye", startingWith: "This chat has ended")
                        try await poll(.seconds(30), "the chat's five events at the receiver", every: .milliseconds(20)) {
                            receiver.received.filter(\.answered).count >= 5
                        }
                        let bodies = receiver.received.filter(\.answered).map(payload)
                        #expect(bodies.map { $0["event"] as? String } == [
                            "chat.queued", "message.visitor", "chat.assigned", "message.agent", "chat.closed",
                        ])
                        #expect(Set(bodies.compactMap { $0["chat"] as? String }).count == 1, "one chat")
                        #expect(bodies[0]["visitor"] as? String == "visitor1@localhost" && bodies[0]["channel"] as? String == "xmpp")
                        #expect(bodies[1]["text"] as? String == "Hello, my order is late")
                        #expect(bodies[2]["agent"] as? String == "alice@localhost")
                        #expect(bodies[3]["text"] as? String == "Hi! Let me check.")
                        #expect(bodies[4]["by"] as? String == "agent")
                        try await expectSignaturesValid(receiver.received, secret: testSecret)
                    } cleanup: {
                        for client in clients { await client.close() }
                        await webhooks.stop()
                        await router.stop()
                    }
                }
            }
        } cleanup: {
            await receiver.stop()
        }
    }
}
