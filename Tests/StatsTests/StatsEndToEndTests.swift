import Foundation
import Redis
@testable import Stats
import SwitchboardTesting
import Testing
import XMPP

/// Real Prosody, Redis, router and XMPP clients, and `switchboard stats` as a process: what the
/// API reports matches what the test measured on its side, within 50 ms per sample.
@Suite(.serialized) struct StatsEndToEndTests {
    static let tolerance = 0.05

    @Test func figuresMatchWhatTheClientsMeasured() async throws {
        let accounts = ["visitor1": "secret", "visitor2": "secret", "alice": "secret"]
        try await withProsodyServer(.init(accounts: accounts)) { prosody in
            try await withStatsRedis { redisServer, redis in
                let path = try writeStatsWorkflow(redisURL: redisServer.url, prosody: prosody)
                // Processes of their own: the router's timing does not wait on this test process's threads.
                let router = try SwitchboardProcess(["router", "--workflow", path], ready: "router ready")
                let stats = try StatsProcess(workflow: path)
                var clients: [XMPPClient] = []
                try await withCleanup {
                    try await router.start()
                    try await stats.start()
                    func connect(_ user: String) async throws -> XMPPClient {
                        let client = try await XMPPClient.connect(prosody.clientConfiguration(user), logger: quietLogger)
                        clients.append(client)
                        try await client.send(Presence())
                        return client
                    }
                    let measured = try await Self.converse(
                        domain: prosody.serviceDomain, alice: try await connect("alice"),
                        visitor: try await connect("visitor1"), leaver: try await connect("visitor2"))
                    try await waitUntilApplied(redis, StatsKeys(prefix: "sb"))
                    let answer = try await httpGet(stats.baseURL + "/api/v1/stats?queue=sales", token: StatsProcess.token)
                    let report = try JSONDecoder().decode(StatsReport.self, from: answer.body)
                    Self.check(report.overall, against: measured)
                    #expect(report.agents["alice@localhost"]?.answered == 1)
                } cleanup: {
                    for client in clients { await client.close() }
                    await stats.stop()
                    await router.stop()
                }
            }
        }
    }

    /// What the test timed itself, in seconds.
    struct Measured {
        var wait: Double
        var firstResponse: Double
        var responses: [Double]
        var handle: Double
    }

    /// One visitor leaves before anyone answers; the other waits until alice comes online, and
    /// talks with her (one message, then a burst of three) until she closes.
    ///
    /// Every figure runs between two things the clients do (a visitor writes, alice comes online
    /// and is given the chat at once, alice writes, alice closes), so the test times its own
    /// actions: the moment it sends each. What it receives only tells it to go on.
    static func converse(domain: String, alice: XMPPClient, visitor: XMPPClient, leaver: XMPPClient) async throws -> Measured {
        let clock = ContinuousClock()
        let sales = try JID("sales@\(domain)")
        func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }

        let asked = clock.now
        try await visitor.send(Message(to: sales, body: "Hello, is anyone there?"))
        _ = try await visitor.message("the welcome", startingWith: "")
        try await leaver.send(Message(to: sales, body: "Quick question"))
        _ = try await leaver.message("the second visitor's welcome", startingWith: "")
        try await Task.sleep(for: .milliseconds(200))  // a wait of some length, not a synchronisation
        try await leaver.send(Message(to: sales, body: "/end"))
        _ = try await leaver.message("the goodbye", startingWith: "This chat has ended")
        try await Task.sleep(for: .milliseconds(300))

        let given = clock.now  // auto accept: the router gives her the waiting chat as she comes online
        try await alice.send(Presence(to: try JID(domain: domain)))
        let offer = try await alice.message("the chat given to alice", startingWith: "New chat")
        let chat = try #require(offer.from)
        _ = try await visitor.message("the agent's name", startingWith: "You are now chatting")

        try await Task.sleep(for: .milliseconds(250))
        let firstReply = clock.now
        try await alice.send(Message(to: chat, body: "Hi! How can I help?"))
        _ = try await visitor.message("the first reply", startingWith: "Hi! How")

        let burst = clock.now
        for text in ["My order", "number 42", "is late"] { try await visitor.send(Message(to: sales, body: text)) }
        _ = try await alice.message("the end of the burst", startingWith: "is late")
        try await Task.sleep(for: .milliseconds(200))
        let secondReply = clock.now
        try await alice.send(Message(to: chat, body: "Let me check that for you."))
        _ = try await visitor.message("the second reply", startingWith: "Let me check")

        try await Task.sleep(for: .milliseconds(150))
        let closed = clock.now
        try await alice.send(Message(to: chat, body: "/close"))
        _ = try await visitor.message("the goodbye", startingWith: "This chat has ended")
        return Measured(
            wait: seconds(given - asked), firstResponse: seconds(firstReply - given),
            responses: [seconds(firstReply - asked), seconds(secondReply - burst)].sorted(), handle: seconds(closed - given))
    }

    static func check(_ stats: ScopeStats, against measured: Measured) {
        #expect(stats.offered == 2 && stats.answered == 1 && stats.abandoned == 1 && stats.slaPercent == 100)
        func close(_ reported: Double?, _ expected: Double, _ what: String) {
            let shown = reported.map { String($0) } ?? "nil"
            let difference = abs((reported ?? -1) - expected)
            #expect(difference <= Self.tolerance, "\(what): API \(shown) s, measured \(expected) s")
        }
        #expect(stats.wait.count == 1 && stats.firstResponse.count == 1 && stats.response.count == 2 && stats.handle.count == 1)
        close(stats.wait.max, measured.wait, "wait")
        close(stats.firstResponse.max, measured.firstResponse, "first response")
        close(stats.response.p50, measured.responses[0], "shorter response")
        close(stats.response.max, measured.responses[1], "longer response")
        close(stats.handle.max, measured.handle, "handle")
    }
}
