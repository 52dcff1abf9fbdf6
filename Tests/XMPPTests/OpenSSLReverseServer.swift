import SwitchboardTesting

/// `openssl s_server -rev` on a free loopback port: a real OpenSSL peer that sends each line back reversed.
struct OpenSSLReverseServer {
    let process: ChildProcess
    let port: Int

    /// `options` go to s_server as they are, e.g. `-tls1_2` to allow TLS 1.2 only.
    static func start(certificate: TestCertificate.Files, options: [String] = []) async throws -> OpenSSLReverseServer {
        let directory = try RunDirectory.make("openssl-s_server")
        let port = try Ports.free()
        let process = try ChildProcess("/usr/bin/openssl", [
            "s_server", "-accept", "127.0.0.1:\(port)", "-rev",
            "-cert", certificate.certificateFile, "-key", certificate.keyFile,
        ] + options, logFile: "\(directory)/s_server.log")
        do {
            // The probe connection fails its handshake; s_server then accepts the next one.
            try await Ports.waitUntilListening(port, process: process)
        } catch {
            await process.stop()
            throw error
        }
        return OpenSSLReverseServer(process: process, port: port)
    }

    func stop() async {
        await process.stop()
    }
}
