import SwitchboardTesting
import Testing
import XMPP

/// `XMPPComponent.sendAcknowledged` against a fake server: when its pings leave, and how the
/// stanzas they follow are settled.
@Suite struct AcknowledgedSendTests {
    /// A component linked to a fake server that answers nothing by itself (no link check's ping
    /// to mistake for ours), stopped after `body`.
    static func withLink(_ body: (RunningComponent, FakeServerConnection) async throws -> Void) async throws {
        try await FakeXMPPServer.with { server in
            var configuration = ComponentStreamTests.configuration(server)
            configuration.keepaliveInterval = .seconds(600)
            let running = RunningComponent(configuration)
            let link = try await ComponentStreamTests.acceptHandshake(server, id: "stream-1")
            try await running.connected()
            try await withCleanup {
                try await body(running, link)
            } cleanup: {
                await running.stop()
            }
        }
    }

    /// Right behind a plain `send`, as the router tells an agent of a chat (the chat's address
    /// online, then the offer): the ping after the acknowledged stanza must leave with it. It was
    /// once written after the plain send's flush had gone by, and waited unflushed for the next
    /// stanza; an offer was then "not confirmed" after 10 s and told again.
    @Test func aPingRightBehindAPlainSendLeavesAtOnce() async throws {
        try await Self.withLink { running, link in
            // Several rounds: the plain send's flush and the acknowledged send race on the loop.
            for round in 1...10 {
                running.component.send(try SharedDomainAnswerTests.line("sb-plain-\(round)"))
                let acknowledged = Task {
                    await running.component.sendAcknowledged([try SharedDomainAnswerTests.line("sb-ack-line-\(round)")], timeout: .seconds(120))
                }
                // Only the ping's arrival can bring its answer: nothing else is sent meanwhile.
                let ping = try SharedDomainAnswerTests.pingID(try await link.read(until: "</iq>"))
                try await link.write(SharedDomainAnswerTests.answer(ping))
                #expect(try await acknowledged.value == [.routed], "round \(round)")
            }
        }
    }

    /// While a ping waits for its answer, acknowledged stanzas go at once but share the next ping,
    /// written when the first is answered: under load one ping covers a round trip's stanzas, and
    /// the server answers far fewer (each ping costs it a stanza in and one out).
    @Test func stanzasSentWhileAPingIsUnansweredShareTheNextPing() async throws {
        try await Self.withLink { running, link in
            let first = Task { await running.component.sendAcknowledged([try SharedDomainAnswerTests.line("sb-first")], timeout: .seconds(120)) }
            let firstPing = try SharedDomainAnswerTests.pingID(try await link.read(until: "</iq>"))
            let second = Task { await running.component.sendAcknowledged([try SharedDomainAnswerTests.line("sb-second")], timeout: .seconds(120)) }
            let sentSecond = try await link.read(until: "sb-second</body></message>")
            let third = Task { await running.component.sendAcknowledged([try SharedDomainAnswerTests.line("sb-third")], timeout: .seconds(120)) }
            // Each line leaves at once; a ping of their own would have been written right behind the second.
            let sentThird = try await link.read(until: "sb-third</body></message>")
            #expect(!(sentSecond + sentThird).contains("<iq"), "\(sentSecond + sentThird)")
            try await link.write(SharedDomainAnswerTests.answer(firstPing))
            #expect(try await first.value == [.routed])
            let secondPing = try SharedDomainAnswerTests.pingID(try await link.read(until: "</iq>"))
            try await link.write(SharedDomainAnswerTests.answer(secondPing))
            #expect(try await second.value == [.routed])
            #expect(try await third.value == [.routed])
        }
    }

    /// A ping that is never answered (a server gone quiet) gives up after its timeout, and the
    /// stanzas behind it get their own ping then, not the same fate.
    @Test func aPingGivenUpHandsOverToTheNextOne() async throws {
        try await Self.withLink { running, link in
            let lost = Task { await running.component.sendAcknowledged([try SharedDomainAnswerTests.line("sb-lost")], timeout: .milliseconds(300)) }
            _ = try SharedDomainAnswerTests.pingID(try await link.read(until: "</iq>"))
            let behind = Task { await running.component.sendAcknowledged([try SharedDomainAnswerTests.line("sb-behind")], timeout: .seconds(120)) }
            #expect(try await lost.value == [.unknown])
            let sent = try await link.read(until: "</iq>")
            #expect(sent.contains("sb-behind"))
            try await link.write(SharedDomainAnswerTests.answer(try SharedDomainAnswerTests.pingID(sent)))
            #expect(try await behind.value == [.routed])
        }
    }

    static func bounce(_ id: String) -> String {
        "<message type='error' id='\(id)' from='agent1@localhost' to='1@\(ComponentStreamTests.domain)'>"
            + "<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"
    }

    /// A bounce that comes after its stanza counted as routed (with several links, read on
    /// another and handed over after the answer to the ping was read here) goes to the late
    /// bounces' handler, with the stanza's addresses; one counted in time, or of a stanza this
    /// component never sent, does not. It was ignored, and the offer or line lost.
    @Test func aBounceAfterItsStanzaSettledIsHandedOnWithItsAddresses() async throws {
        try await Self.withLink { running, link in
            let (bounces, bounced) = AsyncStream.makeStream(of: LateBounce.self)
            running.component.handLateBounces { bounced.yield($0) }
            var handed = bounces.makeAsyncIterator()
            // Counted by the send that waits for it.
            let waiting = Task { await running.component.sendAcknowledged([try SharedDomainAnswerTests.line("sb-7")], timeout: .seconds(120)) }
            let ping = try SharedDomainAnswerTests.pingID(try await link.read(until: "</iq>"))
            try await link.write(Self.bounce("sb-7"))
            try await link.write(SharedDomainAnswerTests.answer(ping))
            #expect(try await waiting.value == [.bounced])
            // Settled as routed, then sent back: handed on, from another link and from this one.
            for id in ["sb-8", "sb-9"] {
                let settled = Task { await running.component.sendAcknowledged([try SharedDomainAnswerTests.line(id)], timeout: .seconds(120)) }
                try await link.write(SharedDomainAnswerTests.answer(try SharedDomainAnswerTests.pingID(try await link.read(until: "</iq>"))))
                #expect(try await settled.value == [.routed])
            }
            running.component.takeRelayedAnswer(.bounced("sb-unknown"))
            running.component.takeRelayedAnswer(.bounced("sb-7"))
            running.component.takeRelayedAnswer(.bounced("sb-8"))
            #expect(await handed.next() == LateBounce(id: "sb-8", from: "1@\(ComponentStreamTests.domain)", to: "agent1@localhost"))
            try await link.write(Self.bounce("sb-9"))
            #expect(await handed.next()?.id == "sb-9", "neither sb-unknown nor sb-7 was handed on")
            // Each bounce counts once.
            running.component.takeRelayedAnswer(.bounced("sb-8"))
            try await link.write(Self.bounce("sb-10"))
            running.component.takeRelayedAnswer(.bounced("sb-9"))
            let waitingAgain = Task { await running.component.sendAcknowledged([try SharedDomainAnswerTests.line("sb-11")], timeout: .seconds(120)) }
            try await link.write(SharedDomainAnswerTests.answer(try SharedDomainAnswerTests.pingID(try await link.read(until: "</iq>"))))
            #expect(try await waitingAgain.value == [.routed])
            running.component.takeRelayedAnswer(.bounced("sb-11"))
            #expect(await handed.next()?.id == "sb-11")
        }
    }
}
