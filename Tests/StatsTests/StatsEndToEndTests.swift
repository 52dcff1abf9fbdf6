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
                let router = try SwitchboardProcess(["router", "--workflow", path, "--http-port", "0"], ready: "router ready")
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

    /// When something happened in the router, as the test saw it: not before the client did what
    /// caused it, not after the client heard of it (a receipt, an offer, a goodbye). Read from the
    /// wall clock, as the router's figures are (Redis `TIME`): a step of the system clock while the
    /// test runs (NTP on a freshly booted machine) moves both alike.
    struct Moment {
        var early: Date
        var late: Date
    }

    /// What the test measured of one sample: the shortest and longest it can have been, in seconds.
    struct Span: CustomStringConvertible {
        var shortest: Double
        var longest: Double

        init(from start: Moment, to end: Moment) {
            shortest = end.early.timeIntervalSince(start.late)
            longest = end.late.timeIntervalSince(start.early)
        }

        var description: String { "\(shortest)-\(longest) s" }
    }

    /// What the test measured, per sample.
    struct Measured {
        var wait: Span
        var firstResponse: Span
        var responses: [Span]
        var handle: Span
    }

    /// One visitor leaves before anyone answers; the other waits until alice comes online, and
    /// talks with her (one message, then a burst of three) until she closes.
    ///
    /// Each figure runs between two things the router records, each caused by a client and
    /// confirmed back to a client (XEP-0184 receipts for messages, the offer for alice coming
    /// online, the goodbye for /close). The test times both: on an idle machine they are a few ms
    /// apart, so each sample is known to a few ms; under load it knows the range it lies in.
    static func converse(domain: String, alice: XMPPClient, visitor: XMPPClient, leaver: XMPPClient) async throws -> Measured {
        let sales = try JID("sales@\(domain)")
        let service = try JID(domain: domain)

        /// Sends `body` asking for a receipt; the moment is from sending to the receipt.
        func say(_ client: XMPPClient, _ body: String, to: JID, also: [@Sendable (Stanza) -> Bool] = []) async throws -> Moment {
            let id = UUID().uuidString
            var message = Message(to: to, id: id, body: body)
            message.element.append(XMLElement("request", namespace: Self.receipts))
            let early = Date()
            try await client.send(message)
            let seen = try await Self.awaitAll(client, "the receipt for '\(body)'", [Self.receipt(id)] + also)
            return Moment(early: early, late: seen[0])
        }

        let asked = try await say(visitor, "Hello, is anyone there?", to: sales, also: [Self.body("")])  // and the welcome
        _ = try await say(leaver, "Quick question", to: sales, also: [Self.body("")])
        // The waits below give the figures lengths to measure; they synchronise nothing.
        try await Task.sleep(for: .milliseconds(200))
        try await leaver.send(Message(to: sales, body: "/end"))
        _ = try await Self.awaitAll(leaver, "the goodbye", [Self.body("This chat has ended")])
        try await Task.sleep(for: .milliseconds(300))

        // Auto accept: the router gives her the waiting chat as she comes online, then tells her.
        let online = Date()
        try await alice.send(Presence(to: service))
        let offer = try await alice.message("the chat given to alice", startingWith: "New chat")
        let given = Moment(early: online, late: Date())
        let chat = try #require(offer.from)
        _ = try await Self.awaitAll(visitor, "the agent's name", [Self.body("You are now chatting")])

        try await Task.sleep(for: .milliseconds(250))
        let firstReply = try await say(alice, "Hi! How can I help?", to: chat)
        _ = try await Self.awaitAll(visitor, "the first reply", [Self.body("Hi! How")])

        let burst = try await say(visitor, "My order", to: sales)
        for text in ["number 42", "is late"] { try await visitor.send(Message(to: sales, body: text)) }
        _ = try await Self.awaitAll(alice, "the end of the burst", [Self.body("is late")])
        try await Task.sleep(for: .milliseconds(200))
        let secondReply = try await say(alice, "Let me check that for you.", to: chat)
        _ = try await Self.awaitAll(visitor, "the second reply", [Self.body("Let me check")])

        try await Task.sleep(for: .milliseconds(150))
        let closing = Date()
        try await alice.send(Message(to: chat, body: "/close"))
        let goodbye = try await Self.awaitAll(visitor, "the goodbye", [Self.body("This chat has ended")])
        let closed = Moment(early: closing, late: goodbye[0])
        return Measured(
            wait: Span(from: asked, to: given), firstResponse: Span(from: given, to: firstReply),
            responses: [Span(from: asked, to: firstReply), Span(from: burst, to: secondReply)].sorted { $0.shortest < $1.shortest },
            handle: Span(from: given, to: closed))
    }

    static let receipts = "urn:xmpp:receipts"

    static func receipt(_ id: String) -> @Sendable (Stanza) -> Bool {
        { stanza in
            guard case .message(let message) = stanza, let received = message.element.child("received", namespace: receipts) else { return false }
            return received[attribute: "id"] == id
        }
    }

    static func body(_ prefix: String) -> @Sendable (Stanza) -> Bool {
        { stanza in if case .message(let message) = stanza, message.body?.hasPrefix(prefix) == true { true } else { false } }
    }

    /// Reads `client`'s stanzas until each of `wanted` has matched one (in any order); returns when each did.
    static func awaitAll(_ client: XMPPClient, _ what: String, _ wanted: [@Sendable (Stanza) -> Bool]) async throws -> [Date] {
        let stanzas = client.stanzas
        return try await within(.seconds(30), what) {
            var seen = [Date?](repeating: nil, count: wanted.count)
            for try await stanza in stanzas {
                let now = Date()
                for (index, matches) in wanted.enumerated() where seen[index] == nil && matches(stanza) { seen[index] = now }
                if seen.allSatisfy({ $0 != nil }) { return seen.map { $0! } }
            }
            throw TimedOut(what: "\(what) (the session ended)")
        }
    }

    /// Each figure lies within the range the test measured for it, give or take 50 ms.
    static func check(_ stats: ScopeStats, against measured: Measured) {
        #expect(stats.offered == 2 && stats.answered == 1 && stats.abandoned == 1 && stats.slaPercent == 100)
        #expect(stats.wait.count == 1 && stats.firstResponse.count == 1 && stats.response.count == 2 && stats.handle.count == 1)
        func inside(_ reported: Double?, _ span: Span) -> Bool {
            let value = reported ?? -1
            return value >= span.shortest - tolerance && value <= span.longest + tolerance
        }
        func matches(_ reported: Double?, _ span: Span, _ what: String) {
            #expect(inside(reported, span), "\(what): API \(reported.map { String($0) } ?? "nil") s, measured \(span)")
        }
        matches(stats.wait.max, measured.wait, "wait")
        matches(stats.firstResponse.max, measured.firstResponse, "first response")
        // The two responses' ranges can overlap on a loaded machine, so which of them is the
        // shorter is not known: the two figures must fit the two ranges one way or the other.
        let (low, high) = (stats.response.p50, stats.response.max)
        let (one, other) = (measured.responses[0], measured.responses[1])
        #expect((inside(low, one) && inside(high, other)) || (inside(low, other) && inside(high, one)),
                "responses: API \(low.map { String($0) } ?? "nil") and \(high.map { String($0) } ?? "nil") s, measured \(one) and \(other)")
        matches(stats.handle.max, measured.handle, "handle")
    }
}
