import SwitchboardTesting
import XMPP

/// A self-signed certificate for `localhost` (also its own CA), made once per test run by the openssl CLI.
struct TestCertificate: Sendable {
    let certificateFile: String
    let keyFile: String

    /// Shared by every test: an RSA key takes a noticeable moment to generate.
    static let shared = Task { try await make() }

    private static func make() async throws -> TestCertificate {
        let directory = try RunDirectory.make("tls-certificate")
        let certificate = TestCertificate(
            certificateFile: "\(directory)/localhost.crt", keyFile: "\(directory)/localhost.key"
        )
        let openssl = try ChildProcess("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost", "-days", "2",
            "-keyout", certificate.keyFile, "-out", certificate.certificateFile,
        ], logFile: "\(directory)/openssl-req.log")
        let status = await openssl.waitForExit()
        guard status == 0 else { throw TestKitError.exited("openssl req", status) }
        return certificate
    }

    /// A server context presenting this certificate.
    func serverContext() throws -> TLSContext {
        try TLSContext(.server(certificateChainFile: certificateFile, privateKeyFile: keyFile))
    }

    /// A client context trusting this certificate as its CA.
    func clientContext() throws -> TLSContext {
        try TLSContext(.client(verification: .caFile(certificateFile)))
    }
}
