import Logging
import NIOCore
import SwitchboardTesting
import Testing
@testable import XMPP
import TLS

/// Where the client may send a password in clear, and whose answers it believes.
@Suite struct ClientSecurityTests {
    @Test(arguments: [
        ("127.0.0.1", false, true), ("127.8.9.1", false, true), ("::1", false, true),
        ("10.0.0.5", false, false), ("192.0.2.1", false, false), ("2001:db8::1", false, false),
        ("192.0.2.1", true, true),
    ])
    func plainNeedsVerifiedTLSOrALoopbackPeer(ip: String, verifiedTLS: Bool, allowed: Bool) throws {
        let peer = try SocketAddress(ipAddress: ip, port: 5222)
        #expect(ClientNegotiation.allowsPlain(verifiedTLS: verifiedTLS, peer: peer) == allowed)
    }

    @Test func aHostNameThatLooksLikeLoopbackIsNotTrusted() {
        // The peer's socket address decides, never the name asked for ("127.evil.example").
        #expect(!ClientNegotiation.allowsPlain(verifiedTLS: false, peer: nil))
    }

    @Test func anIQAnswerFromSomeoneElseIsIgnored() async throws {
        try await withProsodyServer(.init(accounts: ["alice": "secret", "bob": "secret", "mallory": "secret"])) { server in
            let logger = Logger(label: "test")
            let alice = try await XMPPClient.connect(server.clientConfiguration("alice"), logger: logger)
            let bob = try await XMPPClient.connect(server.clientConfiguration("bob"), logger: logger)
            let mallory = try await XMPPClient.connect(server.clientConfiguration("mallory"), logger: logger)
            try await withCleanup {
                let question = IQ(type: .get, id: "q1", to: bob.jid, payload: XMLElement("query", namespace: "urn:example:q"))
                let asking = Task { try await alice.request(question) }
                let received = try await bob.next("the question") { if case .iq(let iq) = $0, iq.id == "q1" { iq } else { nil } }
                // Mallory answers first, in Bob's place; then Bob answers.
                try await mallory.send(IQ(type: .result, id: "q1", to: alice.jid, payload: XMLElement("forged", namespace: "urn:example:q")))
                try await mallory.send(Message(to: bob.jid, body: "sent"))
                _ = try await bob.next("Mallory's note") { if case .message(let m) = $0, m.body == "sent" { m } else { nil } }
                try await bob.send(received.result(XMLElement("genuine", namespace: "urn:example:q")))
                let answer = try await asking.value
                #expect(answer.from == bob.jid && answer.payload?.name == "genuine")
            } cleanup: {
                for client in [alice, bob, mallory] { await client.close() }
            }
        }
    }
}
