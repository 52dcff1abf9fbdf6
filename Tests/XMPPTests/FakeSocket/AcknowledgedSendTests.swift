import SwitchboardTesting
import Testing
import XMPP

/// `XMPPComponent.sendAcknowledged` right behind a plain `send`, as the router tells an agent of a
/// chat (the chat's address online, then the offer): the ping after the acknowledged stanza must
/// leave with it. It was once written after the plain send's flush had gone by, and waited
/// unflushed for the next stanza; an offer was then "not confirmed" after 10 s and told again.
@Suite struct AcknowledgedSendTests {
    @Test func aPingRightBehindAPlainSendLeavesAtOnce() async throws {
        try await FakeXMPPServer.with { server in
            var configuration = ComponentStreamTests.configuration(server)
            configuration.keepaliveInterval = .seconds(600)  // no link check's ping to mistake for ours
            let running = RunningComponent(configuration)
            let link = try await ComponentStreamTests.acceptHandshake(server, id: "stream-1")
            try await running.connected()
            try await withCleanup {
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
            } cleanup: {
                await running.stop()
            }
        }
    }
}
