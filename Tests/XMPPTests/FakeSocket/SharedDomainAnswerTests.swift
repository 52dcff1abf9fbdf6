import Reconnect
import SwitchboardTesting
import Testing
import XMPP

/// Several routers on one service domain (ejabberd spreads stanzas over their links at random,
/// per stanza): the answer to one router's ping may arrive on another router's link. The fake
/// server here puts every answer on the other link, and the two components hand each other
/// what is not theirs, as the routers do through Redis.
@Suite struct SharedDomainAnswerTests {
    /// Two components of one domain on the fake server, each handing the other the answers that
    /// are not its own.
    static func twoLinks(
        _ server: FakeXMPPServer, keepalive: (Duration, Duration) = (.seconds(600), .seconds(600))
    ) async throws -> (RunningComponent, FakeServerConnection, RunningComponent, FakeServerConnection) {
        var first = ComponentStreamTests.configuration(server)
        first.keepaliveInterval = keepalive.0
        var second = ComponentStreamTests.configuration(server)
        second.keepaliveInterval = keepalive.1
        let a = RunningComponent(first)
        let linkA = try await ComponentStreamTests.acceptHandshake(server, id: "stream-a")
        try await a.connected()
        let b = RunningComponent(second)
        let linkB = try await ComponentStreamTests.acceptHandshake(server, id: "stream-b")
        try await b.connected()
        // What `LinkAnswerRelay` does through Redis, here directly.
        a.component.handOtherAnswers { [component = b.component] in component.takeRelayedAnswer($0) }
        b.component.handOtherAnswers { [component = a.component] in component.takeRelayedAnswer($0) }
        return (a, linkA, b, linkB)
    }

    /// The id of the ping in what a link sent up to `</iq>`.
    static func pingID(_ sent: String) throws -> String {
        let iq = try #require(sent.range(of: "<iq").map { sent[$0.lowerBound...] }, "a ping in \(sent)")
        #expect(iq.contains("<ping xmlns='urn:xmpp:ping'/>"), "\(iq)")
        return try #require(iq.firstRange(of: "id='").map { String(iq[$0.upperBound...].prefix { $0 != "'" }) })
    }

    static func answer(_ id: String) -> String {
        "<iq type='result' id='\(id)' from='localhost' to='\(ComponentStreamTests.domain)'/>"
    }

    static func line(_ id: String) throws -> XMLElement {
        Message(to: try JID("agent1@localhost"), from: try JID("1@\(ComponentStreamTests.domain)"), id: id, body: "line \(id)").element
    }

    @Test func anAcknowledgementAnsweredOnAnotherLinkReachesTheSender() async throws {
        try await FakeXMPPServer.with { server in
            let (a, linkA, b, linkB) = try await Self.twoLinks(server)
            try await withCleanup {
                // Generous: the answer is handed over at once; the timeout only ends a failing run.
                let alone = Task { await a.component.sendAcknowledged([try Self.line("sb-a0")], timeout: .seconds(60)) }
                try await linkB.write(Self.answer(try Self.pingID(try await linkA.read(until: "</iq>"))))
                #expect(try await alone.value == [.routed], "the answer on the other link confirms the sender's line")
                // Both at once, each answer on the other link: each confirms its own sender's lines only.
                let sentA = Task { await a.component.sendAcknowledged([try Self.line("sb-a1")], timeout: .seconds(60)) }
                let sentB = Task { await b.component.sendAcknowledged([try Self.line("sb-b1")], timeout: .seconds(60)) }
                let pingA = try Self.pingID(try await linkA.read(until: "</iq>"))
                let pingB = try Self.pingID(try await linkB.read(until: "</iq>"))
                #expect(pingA != pingB, "each router's pings are its own")
                // Each answer on the other router's link.
                try await linkB.write(Self.answer(pingA))
                try await linkA.write(Self.answer(pingB))
                #expect(try await sentA.value == [.routed])
                #expect(try await sentB.value == [.routed])
            } cleanup: {
                await a.stop()
                await b.stop()
            }
        }
    }

    @Test func anIdleLinkWhosePingsAreAnsweredOnAnotherLinkStaysUp() async throws {
        try await FakeXMPPServer.with { server in
            // A checks every 5 s: pinged at the first check, silent for good at the second
            // unless the answer to its ping counts, wherever it arrived.
            let (a, linkA, b, linkB) = try await Self.twoLinks(server, keepalive: (.seconds(5), .seconds(600)))
            try await withCleanup {
                let first = try Self.pingID(try await linkA.read(until: "</iq>"))
                try await linkB.write(Self.answer(first))
                // The next check pings again on the same link rather than drop it.
                let second = try Self.pingID(try await linkA.read(until: "</iq>"))
                #expect(second != first)
            } cleanup: {
                await a.stop()
                await b.stop()
            }
        }
    }

    @Test func aRelayCarriesOnlyShortWellFormedAnswers() {
        for answer in [LinkAnswer.answered("sb-ack-abc-1"), .bounced("sb-12ab")] {
            #expect(LinkAnswer(payload: Array(answer.payload.utf8)) == answer)
        }
        let long = String(repeating: "x", count: LinkAnswer.maxIDLength + 1)
        for payload in ["", "a", "a ", "ab sb-1", "x sb-1", "a " + long] {
            #expect(LinkAnswer(payload: Array(payload.utf8)) == nil, "\(payload.prefix(10))")
        }
    }
}
