import Logging
import SwitchboardTesting
import Testing
import XMPP
import TLS

/// Our c2s client against a real Prosody.
@Suite(.serialized) struct ClientSessionTests {
    let logger = Logger(label: "test.client")

    @Test func logsInOverSTARTTLSWithSCRAMSHA1() async throws {
        try await withProsodyServer(.init(accounts: ["alice": "p4ss wörd"])) { server in
            let tls = try TLSContext(.client(verification: .caFile(server.certificateFile)))
            let configuration = try server.clientConfiguration("alice", password: "p4ss wörd", security: .startTLS(tls))
            let client = try await XMPPClient.connect(configuration, logger: logger)
            // `throws` spelled out: the body's only `try` is inside #expect, which closure inference does not see.
            try await withCleanup { () throws in
                #expect(client.isEncrypted)
                #expect(client.mechanism == "SCRAM-SHA-1")
                #expect(client.jid == (try JID("alice@localhost/test")))
            } cleanup: { await client.close() }
        }
    }

    @Test func aWrongPasswordIsRefusedClearly() async throws {
        try await withProsodyServer(.init(accounts: ["alice": "right"])) { server in
            let configuration = try server.clientConfiguration("alice", password: "wrong")
            await #expect {
                _ = try await XMPPClient.connect(configuration, logger: logger)
            } throws: { error in
                guard let error = error as? ClientError, case .authenticationFailed(let condition, _) = error else {
                    return false
                }
                return condition == "not-authorized" && !"\(error)".contains("wrong")
            }
        }
    }

    @Test func anUntrustedCertificateFailsTLS() async throws {
        try await withProsodyServer(.init(accounts: ["alice": "secret"])) { server in
            // The system CAs do not know Prosody's self-signed certificate.
            let configuration = try server.clientConfiguration("alice", security: .startTLS(try TLSContext(.client())))
            await #expect {
                _ = try await XMPPClient.connect(configuration, logger: logger)
            } throws: { error in
                // A verdict of its own (issue 17): the console says what to pass instead of retrying.
                if let error = error as? ClientError, case .certificateRefused(let verdict) = error { verdict == "self-signed certificate" } else { false }
            }
        }
    }

    @Test func keepsARosterAndExchangesPresence() async throws {
        try await withProsodyServer(.init(accounts: ["alice": "secret", "bob": "secret"])) { server in
            let alice = try await XMPPClient.connect(server.clientConfiguration("alice"), logger: logger)
            try await withCleanup {
                let bob = try await XMPPClient.connect(server.clientConfiguration("bob"), logger: logger)
                try await withCleanup {
                    let bobJID = try JID("bob@localhost")
                    try await alice.setRosterItem(RosterItem(jid: bobJID, name: "Bob", groups: ["Agents"]))
                    let roster = try await alice.roster()
                    #expect(roster.map(\.jid) == [bobJID])
                    #expect(roster.first?.name == "Bob" && roster.first?.groups == ["Agents"])

                    try await alice.send(Presence(to: bobJID, type: .subscribe))
                    // A request reaches Bob once he is available (Prosody keeps it pending until then).
                    try await bob.send(Presence())
                    let request = try await bob.next("the subscription request") {
                        if case .presence(let p) = $0, p.type == .subscribe { p } else { nil }
                    }
                    #expect(request.from?.bare == (try JID("alice@localhost")))
                } cleanup: { await bob.close() }
            } cleanup: { await alice.close() }
        }
    }

    @Test func aFailedRequestThrowsItsStanzaError() async throws {
        try await withProsodyServer(.init(accounts: ["alice": "secret"])) { server in
            let client = try await XMPPClient.connect(server.clientConfiguration("alice"), logger: logger)
            try await withCleanup {
                // No component is connected for the service domain: the server answers for it.
                await #expect(throws: StanzaError.self) {
                    _ = try await client.request(IQ(type: .get, id: "q1", to: try JID("support.localhost"),
                                                    payload: XMLElement("query", namespace: Namespace.discoInfo)))
                }
            } cleanup: { await client.close() }
        }
    }
}
