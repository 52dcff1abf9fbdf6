import SwitchboardTesting
import Testing
import XMPP
import TLS

/// Building `TLSContext`s and handlers: bad files and mismatched roles fail early with OpenSSL's reason.
@Suite struct TLSContextTests {
    @Test func missingCertificateFileFailsWithOpenSSLReason() {
        let error = #expect(throws: TLSError.self) {
            try TLSContext(
                .server(certificateChainFile: "/nonexistent/server.crt", privateKeyFile: "/nonexistent/server.key")
            )
        }
        guard case .contextSetupFailed(let operation, let reason) = error else {
            Issue.record("expected a context set-up failure, got \(String(describing: error))")
            return
        }
        #expect(operation.contains("/nonexistent/server.crt"))
        #expect(reason.contains("No such file or directory"))
    }

    @Test func keyNotMatchingTheCertificateFails() async throws {
        let certificate = try await TestCertificate.localhost()
        // The certificate file holds no private key at all.
        #expect(throws: TLSError.self) {
            try TLSContext(
                .server(certificateChainFile: certificate.certificateFile, privateKeyFile: certificate.certificateFile)
            )
        }
    }

    @Test func missingCAFileFails() {
        #expect(throws: TLSError.self) { try TLSContext(.client(verification: .caFile("/nonexistent/ca.pem"))) }
    }

    @Test func handlersRefuseTheOtherRolesContext() async throws {
        let certificate = try await TestCertificate.localhost()
        #expect(throws: TLSError.self) { try TLSHandler(server: certificate.clientContext()) }
        #expect(throws: TLSError.self) {
            try TLSHandler(client: certificate.serverContext(), serverHostname: "localhost")
        }
        #expect(throws: TLSError.self) { try TLSHandler(client: certificate.clientContext(), serverHostname: "") }
    }

    @Test func clientContextsUseTLS12AsMinimumByDefault() throws {
        #expect(TLSConfiguration.client().minimumProtocolVersion == .tls12)
        _ = try TLSContext(.client())
        _ = try TLSContext(.client(verification: .insecureNoVerification))
    }
}
