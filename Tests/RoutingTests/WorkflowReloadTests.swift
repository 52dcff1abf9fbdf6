import Foundation
import Logging
import Redis
import SwitchboardTesting
import Testing
import XMPP

/// SIGHUP reloads the workflow; an invalid one is refused and the rules in force stay.
@Suite(.serialized) struct WorkflowReloadTests {
    static let agents = """
        agents:
          - { jid: alice@localhost, name: Alice, skills: { help: 5, billing: 5 } }
        """

    @Test(arguments: XMPPServerKind.allCases) func sighupLoadsAValidWorkflowAndKeepsTheOldOneForAnInvalidOne(_ server: XMPPServerKind) async throws {
        try await withXMPPServer(server, .init(accounts: ["visitor1": "secret", "visitor2": "secret"])) { xmpp in
            try await withRedisServer { redisServer in
                let router = try RouterProcess(server: xmpp, redisURL: redisServer.url, routing: """
                    queues:
                      - { name: help, skills: [help] }
                    \(Self.agents)
                    """)
                let visitor = try await XMPPClient.connect(xmpp.clientConfiguration("visitor1"), logger: Logger(label: "test"))
                try await withCleanup {
                    try await visitor.send(Presence())
                    try await router.start()
                    let billing = try JID("billing@\(xmpp.serviceDomain)")
                    func answer(_ to: JID, _ text: String) async throws -> String {
                        try await visitor.send(Message(to: to, body: text))
                        return try await visitor.next("an answer from \(to)") { stanza -> String? in
                            guard case .message(let message) = stanza, message.from == to else { return nil }
                            return message.error.map { "error \($0.condition.rawValue)" } ?? message.body
                        }
                    }
                    #expect(try await answer(billing, "hello") == "error item-not-found")

                    // A broken file: reported, and the queues in force stay.
                    try router.write("queues:\n  - { name: help, strategy: fastest }\n\(Self.agents)")
                    router.signal(SIGHUP)
                    try await router.waitForLog("keeping the workflow in force")
                    #expect(try await answer(billing, "hello?") == "error item-not-found")
                    #expect(try await answer(try JID("help@\(xmpp.serviceDomain)"), "hi").hasPrefix("Welcome") == true)

                    // A duration whose parts overflow 64 bits together: refused like any other
                    // mistake (it used to stop the router on SIGHUP).
                    try router.write("queues:\n  - { name: help, offer_timeout: 1h153722867280912m }\n\(Self.agents)")
                    router.signal(SIGHUP)
                    try await router.waitForLog("keeping the workflow in force", count: 2)
                    #expect(try await answer(billing, "still there?") == "error item-not-found")

                    // A queue's avatar that is not there: refused too.
                    try router.write("queues:\n  - { name: help, skills: [help], avatar: no-such-logo.png }\n\(Self.agents)")
                    router.signal(SIGHUP)
                    try await router.waitForLog("keeping the workflow in force", count: 3)
                    #expect(try await answer(billing, "and now?") == "error item-not-found")

                    // A valid one with a new queue: it is served at once.
                    try router.write("""
                        queues:
                          - { name: help, skills: [help] }
                          - { name: billing, skills: [billing] }
                        \(Self.agents)
                        """)
                    router.signal(SIGHUP)
                    try await router.waitForLog("workflow reloaded")
                    #expect(try await answer(billing, "my invoice").hasPrefix("Welcome") == true)
                    // Audited once, for the valid file only (the refused ones changed nothing).
                    let redis = RedisClient(configuration: RedisConfiguration(url: try RedisURL(redisServer.url)), logger: Logger(label: "test"))
                    let audit = try await redis.send("XRANGE", "{sb}:audit", "-", "+").array?.compactMap { $0.array?.last?.array?.compactMap(\.string) }
                    await redis.close()
                    #expect(audit == [["actor", "router", "action", "reload", "chat", "", "ts", audit?.first?[7] ?? "", "queues", "2", "agents", "1",
                                       "removed", "0"]])
                } cleanup: {
                    await visitor.close()
                    await router.stop()
                }
            }
        }
    }
}
