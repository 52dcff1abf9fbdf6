import Logging
import SwitchboardTesting
import Testing
import TLS
import XMPP

/// The component link over TLS (issue 13, item 6): ejabberd's `ejabberd_service` with
/// `tls: true` speaks TLS from the first byte; the router verifies the server's certificate
/// before it sends the stream header, and so before the digest of the secret.
@Suite(.serialized) struct ComponentTLSTests {
    @Test func theLinkToEjabberdRunsOverTLSVerifiedAgainstTheConfiguredCA() async throws {
        try await withXMPPServer(.ejabberd, .init(accounts: ["visitor1": "secret"], componentTLS: true)) { server in
            var configuration = server.componentConfiguration()
            // The kit's certificate is its own CA, for the name localhost.
            configuration.tls = try TLSContext(.client(verification: .caFile(server.certificateFile)))
            configuration.tlsServerName = "localhost"
            let running = RunningComponent(configuration)
            try await withCleanup {
                try await Self.next(running, "the component to join over TLS") { if case .connected = $0 { true } else { nil } }
                let client = try await XMPPClient.connect(server.clientConfiguration("visitor1"), logger: Logger(label: "test"))
                try await withCleanup {
                    try await client.send(Message(to: try JID("sales@\(server.serviceDomain)"), body: "over TLS"))
                    let body = try await Self.next(running, "the visitor's message at the component") { event -> String? in
                        if case .stanza(.message(let message)) = event { message.body } else { nil }
                    }
                    #expect(body == "over TLS")
                } cleanup: { await client.close() }
            } cleanup: { await running.stop() }
        }
    }

    @Test func aServerCertificateNotSignedByTheCAIsRefused() async throws {
        try await withXMPPServer(.ejabberd, .init(componentTLS: true)) { server in
            let other = try await PrivateCertificateAuthority.make(name: "not-ejabberds-ca")
            var configuration = server.componentConfiguration()
            configuration.tls = try TLSContext(.client(verification: .caFile(other.caFile)))
            configuration.tlsServerName = "localhost"
            let running = RunningComponent(configuration)
            try await withCleanup {
                let error = try await Self.next(running, "the link refused") { event -> ComponentError? in
                    if case .disconnected(let error, _) = event { error } else { nil }
                }
                guard case .certificateRefused(let server, let verification) = error else {
                    Issue.record("expected certificateRefused, got \(error)")
                    return
                }
                #expect(server == "localhost")
                #expect(verification.contains("certificate"), "\(verification)")
                #expect(error.description.contains("xmpp.ca_file"))
                // Only a change of configuration helps: retried slowly, not in a storm.
                #expect(error.isRefusedConfiguration)
            } cleanup: { await running.stop() }
        }
    }

    /// The first event `matching` returns a value for, waiting generously: a loaded machine is slow.
    static func next<T: Sendable>(
        _ running: RunningComponent, _ what: String, _ matching: @escaping @Sendable (ComponentEvent) -> T?
    ) async throws -> T {
        let events = running.events
        return try await within(.seconds(60), what) {
            for await event in events {
                if let value = matching(event) { return value }
            }
            throw TimedOut(what: "\(what) (the component stopped)")
        }
    }
}
